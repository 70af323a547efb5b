#pragma once
// What the C++ Mandelbrot peers share: the command line, the scalar escape-time loop a C++
// programmer writes, and the one JSON line each prints.
//
//   PEER --width W --height H --max-iter N --region X0:X1:Y0:Y1 --workers T [--schedule S]
//
// The loop takes pardo's steps in pardo's order (x2 = x*x, y2 = y*y, stop if x2 + y2 > 4,
// y = (x + x)*y + cy, x = (x2 - y2) + cx) at the same pixel centres, and the peers are built
// with -ffp-contract=off as pardo's kernels are: so every peer's counts equal pardo's, and
// the iteration total each prints is a checksum of the same work.

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mandelbrot_peer {

struct Args {
  std::uint64_t width = 1920;
  std::uint64_t height = 1080;
  std::uint64_t max_iter = 1000;
  std::uint64_t workers = 1;
  double x0 = -2.5;
  double x1 = 1.0;
  double y0 = -1.25;
  double y1 = 1.25;
  std::string schedule = "static";
};

inline bool parse_u64(std::string_view text, std::uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

inline bool parse_region(const std::string& text, Args& args) {
  char tail = 0;
  return std::sscanf(text.c_str(), "%lf:%lf:%lf:%lf%c", &args.x0, &args.x1, &args.y0, &args.y1,
                     &tail) == 4 &&
         args.x0 < args.x1 && args.y0 < args.y1;
}

/// Parses the command line, or prints the usage line and returns false (the caller exits 2).
inline bool parse_or_usage(int argc, char** argv, Args& args) {
  bool ok = true;
  for (int i = 1; ok && i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) {
      ok = false;
      break;
    }
    const std::string value = argv[++i];
    if (flag == "--width") {
      ok = parse_u64(value, args.width);
    } else if (flag == "--height") {
      ok = parse_u64(value, args.height);
    } else if (flag == "--max-iter") {
      ok = parse_u64(value, args.max_iter);
    } else if (flag == "--workers") {
      ok = parse_u64(value, args.workers);
    } else if (flag == "--region") {
      ok = parse_region(value, args);
    } else if (flag == "--schedule") {
      args.schedule = value;
      ok = value == "static" || value == "dynamic";
    } else {
      ok = false;
    }
  }
  ok = ok && args.width > 0 && args.height > 0 && args.width * args.height <= (1ULL << 32) &&
       args.max_iter > 0 && args.max_iter <= UINT32_MAX && args.workers > 0 && args.workers <= 4096;
  if (!ok) {
    std::fprintf(stderr,
                 "usage: %s --width W --height H --max-iter N --region X0:X1:Y0:Y1 "
                 "--workers T [--schedule static|dynamic]\n",
                 argv[0]);
  }
  return ok;
}

/// The centre of cell `i` of `cells` along [low, high], as pardo places it.
inline double centre(double low, double high, std::uint64_t i, std::uint64_t cells) {
  return low + (static_cast<double>(i) + 0.5) * ((high - low) / static_cast<double>(cells));
}

inline std::uint32_t escape(double cx, double cy, std::uint32_t max_iter) {
  double x = 0;
  double y = 0;
  std::uint32_t k = 0;
  for (; k < max_iter; ++k) {
    const double x2 = x * x;
    const double y2 = y * y;
    if (x2 + y2 > 4.0) break;
    y = (x + x) * y + cy;
    x = (x2 - y2) + cx;
  }
  return k;
}

/// Row `row` (row 0 at y0) of the image into out[0, width).
inline void draw_row(const Args& args, std::uint64_t row, std::uint32_t* out) {
  const double cy = centre(args.y0, args.y1, row, args.height);
  const auto max_iter = static_cast<std::uint32_t>(args.max_iter);
  for (std::uint64_t i = 0; i < args.width; ++i) {
    out[i] = escape(centre(args.x0, args.x1, i, args.width), cy, max_iter);
  }
}

inline std::uint64_t total(const std::vector<std::uint32_t>& counts) {
  std::uint64_t sum = 0;
  for (const std::uint32_t c : counts) sum += c;
  return sum;
}

/// The one JSON line the driver (bench/mandelbrot/run.py) reads.
inline void emit(const std::string& runtime, int workers, const Args& args,
                 std::uint64_t iterations, double seconds) {
  std::printf(
      "{\"runtime\": \"%s\", \"workers\": %d, \"width\": %llu, \"height\": %llu, "
      "\"max_iter\": %llu, \"iterations\": %llu, \"seconds\": %.9g}\n",
      runtime.c_str(), workers, static_cast<unsigned long long>(args.width),
      static_cast<unsigned long long>(args.height), static_cast<unsigned long long>(args.max_iter),
      static_cast<unsigned long long>(iterations), seconds);
}

}  // namespace mandelbrot_peer

#pragma once
// The command line the C++ pi peers share: --samples N --workers W --seed S.

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <system_error>

namespace pi_peer {

struct Args {
  std::uint64_t samples = 100'000'000;
  std::uint64_t workers = 1;
  std::uint64_t seed = 42;
};

inline bool parse_u64(std::string_view text, std::uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

/// False (print usage, exit 2) on an unknown flag, a missing or non-numeric value, or a zero
/// or absurd count.
inline bool parse_args(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "-h" || flag == "--help" || i + 1 >= argc) return false;
    const std::string_view value = argv[++i];
    std::uint64_t* target = flag == "--samples"   ? &args.samples
                            : flag == "--workers" ? &args.workers
                            : flag == "--seed"    ? &args.seed
                                                  : nullptr;
    if (target == nullptr || !parse_u64(value, *target)) return false;
  }
  return args.samples > 0 && args.workers > 0 && args.workers <= 4096 &&
         args.samples <= static_cast<std::uint64_t>(INT64_MAX);
}

/// Parses the command line, or prints the usage line and returns false (the caller exits 2).
inline bool parse_or_usage(int argc, char** argv, Args& args) {
  if (parse_args(argc, argv, args)) return true;
  std::fprintf(stderr, "usage: %s --samples N --workers W --seed S\n", argv[0]);
  return false;
}

}  // namespace pi_peer

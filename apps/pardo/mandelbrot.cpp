// `pardo mandelbrot`: the Mandelbrot set by escape time on any backend, the schedule chosen
// by the user: the image kernel whose cost per pixel varies by orders of magnitude.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <pardo/image/mandelbrot.hpp>
#include <pardo/pardo.hpp>
#include <pardo/stats/output.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend.hpp"
#include "commands.hpp"
#include "outputs.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

struct MandelbrotArgs {
  image::MandelbrotOptions options;
  std::string region = "-2.5:1:-1.25:1.25";
  std::string schedule = "dynamic";
  std::string simd;
  BackendArgs backend;
  bool json = false;
  bool quiet = false;
  std::string output;
  std::string png;
  std::string npy;
};

std::optional<Schedule> parse_schedule(const std::string& name) {
  if (name == "static") return Schedule::static_blocks;
  if (name == "round-robin") return Schedule::round_robin;
  if (name == "dynamic") return Schedule::dynamic;
  if (name == "guided") return Schedule::guided;
  if (name == "stealing") return Schedule::automatic;
  return std::nullopt;
}

std::optional<random::SimdLevel> parse_simd(const std::string& name) {
  for (const auto level :
       {random::SimdLevel::scalar, random::SimdLevel::avx2, random::SimdLevel::avx512}) {
    if (name == random::to_string(level)) return level;
  }
  return std::nullopt;
}

double inside_fraction(const image::MandelbrotResult& r) {
  return r.counts.empty() ? 0.0
                          : static_cast<double>(r.inside) / static_cast<double>(r.counts.size());
}

void print_result(const MandelbrotArgs& args, const image::MandelbrotResult& r) {
  const image::MandelbrotOptions& o = args.options;
  if (args.json) {
    nlohmann::json out = {
        {"width", o.width},
        {"height", o.height},
        {"max_iterations", o.max_iterations},
        {"region",
         {{"x0", o.region.x0}, {"x1", o.region.x1}, {"y0", o.region.y0}, {"y1", o.region.y1}}},
        {"schedule", args.schedule},
        {"chunksize", o.chunksize},
        {"tile",
         {{"rows", o.tile_rows}, {"columns", o.tile_columns == 0 ? o.width : o.tile_columns}}},
        {"tiles", r.tiles},
        {"kernel", r.simd},
        {"iterations", r.iterations},
        {"inside", r.inside},
        {"inside_fraction", inside_fraction(r)},
        {"pixels_per_second", r.pixels_per_second}};
    add_run(out, "mandelbrot", r.run, std::nullopt);
    std::cout << out.dump() << std::endl;
    return;
  }
  const char* unit = r.run.backend == "mpi" ? "rank" : "worker";
  std::printf("pardo mandelbrot: %zu x %zu pixels of [%g, %g] x [%g, %g], at most %u iterations\n",
              o.width, o.height, o.region.x0, o.region.x1, o.region.y0, o.region.y1,
              o.max_iterations);
  std::printf("  tasks         %llu tiles of %zu x %zu, %s schedule, %s (%zu %s%s)\n",
              static_cast<unsigned long long>(r.tiles), o.tile_rows,
              o.tile_columns == 0 ? o.width : o.tile_columns, args.schedule.c_str(),
              r.run.backend.c_str(), r.run.workers, unit, r.run.workers == 1 ? "" : "s");
  std::printf("  in the set    %.4f%% of the pixels (%llu)\n", 100.0 * inside_fraction(r),
              static_cast<unsigned long long>(r.inside));
  std::printf("  iterations    %.6g (%.3g per pixel)\n", static_cast<double>(r.iterations),
              r.counts.empty()
                  ? 0.0
                  : static_cast<double>(r.iterations) / static_cast<double>(r.counts.size()));
  std::printf("  time          %.3f s  (%.3g Mpixel/s, %.3g Giterations/s, %s kernel)\n",
              r.run.seconds, r.pixels_per_second / 1e6,
              r.run.seconds > 0 ? static_cast<double>(r.iterations) / r.run.seconds / 1e9 : 0.0,
              r.simd.c_str());
  if (!r.run.complete) print_interrupted(r.run);
  std::fflush(stdout);
}

// Escape counts coloured by log(count + 1) on viridis, up to the largest count outside the set;
// the set itself black. Row 0 is the bottom of the region: PNG rows run from the top.
int save_image(const MandelbrotArgs& args, const image::MandelbrotResult& r) {
  const std::uint32_t inside = args.options.max_iterations;
  std::uint32_t highest = 0;
  for (const std::uint32_t c : r.counts) {
    if (c < inside) highest = std::max(highest, c);
  }
  const double scale = std::log1p(static_cast<double>(std::max<std::uint32_t>(highest, 1)));
  std::vector<unsigned char> rgb(r.counts.size() * 3, 0);
  for (std::size_t j = 0; j < r.height; ++j) {
    for (std::size_t i = 0; i < r.width; ++i) {
      const std::uint32_t c = r.counts[j * r.width + i];
      if (c == inside) continue;
      viridis_colour(std::log1p(static_cast<double>(c)) / scale,
                     &rgb[((r.height - 1 - j) * r.width + i) * 3]);
    }
  }
  return save_png(args.png, rgb, r.width, r.height, "--png", "mandelbrot");
}

int save_counts(const MandelbrotArgs& args, const image::MandelbrotResult& r) {
  stats::NumberTable table;
  table.names.assign(r.width, "count");
  table.values.assign(r.counts.begin(), r.counts.end());
  return save_table(args.npy, table, "--npy", "mandelbrot");
}

int run_mandelbrot(MandelbrotArgs& args) {
  const auto region = image::parse_region(args.region);
  if (!region) {
    std::fprintf(stderr,
                 "pardo mandelbrot: --region '%s': expected X0:X1:Y0:Y1, four finite numbers "
                 "with X0 < X1 and Y0 < Y1\n",
                 args.region.c_str());
    return 2;
  }
  args.options.region = *region;
  const auto schedule = parse_schedule(args.schedule);
  if (!schedule) {
    std::fprintf(stderr,
                 "pardo mandelbrot: --schedule: unknown schedule '%s' (static, round-robin, "
                 "dynamic, guided or stealing)\n",
                 args.schedule.c_str());
    return 2;
  }
  args.options.schedule = *schedule;
  if (!args.simd.empty()) {
    args.options.simd = parse_simd(args.simd);
    if (!args.options.simd) {
      std::fprintf(stderr,
                   "pardo mandelbrot: --simd: unknown level '%s' (scalar, avx2 or avx512)\n",
                   args.simd.c_str());
      return 2;
    }
  }
  try {
    image::validate(args.options);
  } catch (const std::invalid_argument& e) {
    print_error("pardo mandelbrot", e.what());
    return 2;
  }
  if (const int code = check_backend(args.backend, "mandelbrot"); code != 0) return code;
  const bool remote = args.backend.backend == "processes" || args.backend.backend == "mpi";
  if (remote && (args.options.schedule != Schedule::dynamic || args.options.chunksize != 0)) {
    std::fprintf(stderr,
                 "pardo mandelbrot: --schedule %s --chunksize %zu: with --backend %s each tile is "
                 "a task of its own, taken by whichever worker is free (dynamic); the other "
                 "schedules and chunk sizes are for --backend threads\n",
                 args.schedule.c_str(), args.options.chunksize, args.backend.backend.c_str());
    return 2;
  }
  image::MandelbrotResult result;
  const auto monitored = run_monitored(args.backend, "mandelbrot", args.quiet || args.json,
                                       [&](auto& executor, const RunControl& control) {
                                         result =
                                             image::mandelbrot(executor, args.options, control);
                                       });
  if (!monitored.prints) return monitored.exit_code;
  print_result(args, result);
  if (!args.png.empty()) {
    if (const int code = save_image(args, result); code != 0) return code;
  }
  if (!args.npy.empty()) {
    if (const int code = save_counts(args, result); code != 0) return code;
  }
  return finish_run(result.run);
}

}  // namespace

void add_mandelbrot_command(CLI::App& app, int& exit_code) {
  const CLI::Validator not_negative(
      [](std::string& text) {
        return !text.empty() && text.front() == '-' ? "'" + text + "' is negative" : std::string{};
      },
      "", "NOT_NEGATIVE");
  auto args = std::make_shared<MandelbrotArgs>();
  auto* cmd = app.add_subcommand(
      "mandelbrot", "Draw the Mandelbrot set by escape time, with the schedule of your choice");
  cmd->add_option("--width", args->options.width, "Pixels per row")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative)
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32));
  cmd->add_option("--height", args->options.height, "Rows of pixels")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative)
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32));
  cmd->add_option("--max-iter,--max-iterations", args->options.max_iterations,
                  "Steps before a point counts as in the set")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative)
      ->check(CLI::Range(std::uint32_t{1}, std::uint32_t{0xffffffff}));
  cmd->add_option("--region", args->region,
                  "The rectangle drawn, X0:X1:Y0:Y1: real parts X0 to X1, imaginary Y0 to Y1")
      ->type_name("REGION")
      ->capture_default_str();
  cmd->add_option("--schedule", args->schedule,
                  "How tiles go to workers: static, round-robin, dynamic, guided or stealing")
      ->type_name("SCHEDULE")
      ->capture_default_str();
  cmd->add_option("--chunksize", args->options.chunksize, "Tiles per chunk (0: automatic)")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative);
  cmd->add_option("--tile-rows", args->options.tile_rows, "Rows per tile")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative)
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32));
  cmd->add_option("--tile-columns", args->options.tile_columns,
                  "Pixels per tile along a row (0: whole rows)")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(not_negative);
  cmd->add_option("--simd", args->simd,
                  "The kernel's instruction set: scalar, avx2 or avx512 "
                  "(default: the best the CPU has; the counts are the same)")
      ->type_name("LEVEL");
  add_backend_options(*cmd, args->backend);
  add_checkpoint_options(*cmd, args->backend.checkpoint);
  add_output_option(*cmd, args->output);
  add_save_option(*cmd, "--png", args->png,
                  "Write the image to FILE.png: log escape counts on viridis, the set in black");
  add_save_option(*cmd, "--npy", args->npy,
                  "Write the escape counts to FILE: a height x width array (.npy) or CSV");
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = prepare_save(args->png, "--png", "mandelbrot");
    if (exit_code == 0) exit_code = prepare_save(args->npy, "--npy", "mandelbrot");
    if (exit_code == 0) exit_code = redirect_output(args->output, "mandelbrot");
    if (exit_code == 0) exit_code = run_mandelbrot(*args);
  });
}

}  // namespace pardo::cli

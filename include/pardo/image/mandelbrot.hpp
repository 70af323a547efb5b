#pragma once
/// @file
/// The Mandelbrot set by escape time: an image kernel whose cost per pixel varies by orders of
/// magnitude (one iteration outside the set, `max_iterations` inside), so the schedule decides
/// the speed-up. Tiles of rows are the tasks, on any executor; every SIMD path and every
/// executor gives the same counts.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pardo/core/options.hpp"
#include "pardo/core/progress.hpp"
#include "pardo/executor.hpp"
#include "pardo/random/bulk.hpp"
#include "pardo/workload/blocks.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo::image {

/// The rectangle of the complex plane drawn: real parts [x0, x1], imaginary parts [y0, y1].
/// @code
/// pardo::image::Region seahorse{-0.8, -0.7, 0.05, 0.15};
/// @endcode
struct Region {
  double x0 = -2.5;
  double x1 = 1.0;
  double y0 = -1.25;
  double y1 = 1.25;
};

/// Parses "X0:X1:Y0:Y1" (four finite numbers, X0 < X1, Y0 < Y1); nullopt otherwise.
/// @code
/// auto r = pardo::image::parse_region("-2:1:-1.5:1.5");  // Region{-2, 1, -1.5, 1.5}
/// @endcode
std::optional<Region> parse_region(std::string_view text);

/// What to draw and how to cut it into tasks.
///
/// Pixel (i, j), column i of `width` and row j of `height`, is the centre of its cell:
/// c = (x0 + (i + 1/2) (x1 - x0) / width) + (y0 + (j + 1/2) (y1 - y0) / height) i, so row 0
/// is the bottom of the region. Its count is the number of steps z <- z^2 + c, from z = 0,
/// taken while |z|^2 <= 4, at most `max_iterations`: a point still bounded then counts as in
/// the set.
///
/// A tile is `tile_rows` consecutive rows, cut into pieces of `tile_columns` pixels (0: whole
/// rows); tiles are numbered row by row and are the tasks, dealt to workers by `schedule` in
/// chunks of `chunksize` tiles (0: chosen from the tile and worker counts).
/// @code
/// pardo::image::MandelbrotOptions options{.width = 1920, .height = 1080, .max_iterations = 5000,
///                                         .schedule = pardo::Schedule::dynamic};
/// @endcode
struct MandelbrotOptions {
  std::size_t width = 1024;             ///< pixels per row, at least 1
  std::size_t height = 768;             ///< rows, at least 1
  std::uint32_t max_iterations = 1000;  ///< at least 1
  Region region{};
  std::size_t tile_rows = 1;     ///< rows per tile, at least 1
  std::size_t tile_columns = 0;  ///< pixels per tile along a row; 0: the whole row
  Schedule schedule = Schedule::dynamic;
  std::size_t chunksize = 0;  ///< tiles per chunk; 0: automatic
  /// The kernel's instruction set; nullopt: the best the CPU has. Every level gives the same
  /// counts.
  std::optional<random::SimdLevel> simd{};
};

/// An image of escape counts and what drawing it cost.
/// @code
/// auto r = pardo::image::mandelbrot(pool, {.width = 800, .height = 600});
/// std::printf("%.1f%% inside, %.3g iterations\n", 100.0 * r.inside / r.counts.size(),
///             double(r.iterations));
/// @endcode
struct MandelbrotResult {
  std::size_t width = 0;
  std::size_t height = 0;
  /// Row-major, row 0 first (the bottom of the region): counts[j * width + i]. A tile not drawn
  /// (the run was stopped first) is all zeros.
  std::vector<std::uint32_t> counts;
  std::uint64_t iterations = 0;  ///< the sum of the counts: the work done
  std::uint64_t inside = 0;      ///< pixels that reached max_iterations
  std::uint64_t tiles = 0;       ///< tiles in the image (`run.blocks_total`)
  std::string simd;              ///< the kernel's instruction set: "scalar", "avx2" or "avx512"
  double pixels_per_second = 0;
  RunInfo run{};  ///< tiles drawn and planned, seconds, complete, backend, workers
};

/// Throws std::invalid_argument naming the first bad value of `options`: a zero size, a
/// region that is not finite or has no area (or whose width or height overflows), zero
/// iterations, rows or a tile size of 0, an image over 2^32 pixels, an unknown schedule, or a
/// SIMD level the CPU lacks.
/// @code
/// pardo::image::validate({.width = 0});  // throws: width must be positive
/// @endcode
void validate(const MandelbrotOptions& options);

/// Tiles in the image `options` describes.
/// @code
/// assert(pardo::image::tile_count({.width = 100, .height = 10, .tile_rows = 4}) == 3);
/// @endcode
std::uint64_t tile_count(const MandelbrotOptions& options) noexcept;

}  // namespace pardo::image

// The machinery of the template below, once the public types are declared.
#include "pardo/image/detail/mandelbrot.hpp"  // IWYU pragma: export

namespace pardo::image {

/// Draws the image on `executor`, any pardo executor (worker processes and MPI ranks included:
/// call it on an mpi::Pool's master and link pardo::mpi). On an in-process executor
/// `options.schedule` and `options.chunksize` deal the tiles; worker processes and MPI ranks
/// take one tile per task, in order, as they free up (the dynamic schedule), and a tile whose
/// worker died is drawn again, up to `control.retries` times (see pardo::BlockRunner). The counts
/// are the same for every executor, worker count, schedule, tile size and SIMD level. A stop
/// request of `control` skips the tiles not yet started (the result is partial, `run.complete`
/// false); each finished tile counts one "tiles" unit of the "drawing" phase in `control.progress`.
/// Throws std::invalid_argument as `validate` does.
/// @code
/// pardo::ThreadPool pool;
/// auto r = pardo::image::mandelbrot(pool, {.width = 1920, .height = 1080});
/// pardo::ProcessPool workers(4);
/// auto same = pardo::image::mandelbrot(workers, {.width = 1920, .height = 1080});
/// assert(same.counts == r.counts);
/// @endcode
template <RemoteExecutor E>
MandelbrotResult mandelbrot(E& executor, const MandelbrotOptions& options,
                            const RunControl& control = {}) {
  validate(options);
  const std::uint64_t tiles = tile_count(options);
  std::vector<std::uint32_t> image(options.width * options.height, 0);
  if constexpr (Executor<E>) {
    start_phase(control.progress, "drawing", "tiles", tiles);
    const auto start = std::chrono::steady_clock::now();
    // 1 for a tile drawn, 0 for one skipped after a stop request.
    const std::vector<std::uint64_t> drawn = executor.map(
        [&](std::uint64_t tile) -> std::uint64_t {
          if (control.stop.stop_requested()) return 0;
          detail::draw_tile(options, tile, image);
          advance_progress(control.progress);
          return 1;
        },
        std::views::iota(std::uint64_t{0}, tiles),
        MapOptions{.chunksize = options.chunksize, .schedule = options.schedule});
    std::uint64_t done = 0;
    for (const std::uint64_t d : drawn) done += d;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return detail::summarise(options, std::move(image),
                             {done,
                              tiles,
                              seconds,
                              done == tiles,
                              std::string(executor.backend()),
                              executor.size(),
                              0,
                              {}});
  } else {
    // One task per tile, in tile order, as run_blocks deals every workload's blocks: a stop is
    // seen while waiting, and a tile whose worker died is drawn again.
    const auto local = [&](std::uint64_t tile) { return detail::mandelbrot_tile({options, tile}); };
    const BlockRun<std::vector<std::uint32_t>> run =
        run_blocks(executor, tiles, local,
                   remote_blocks(&detail::mandelbrot_tile,
                                 [&](std::uint64_t tile) {
                                   return detail::MandelbrotTask{options, tile};
                                 }),
                   control, {"drawing", "tiles", tiles, {}});
    for (std::uint64_t t = 0; t < tiles; ++t) {
      if (run.blocks[t]) detail::place_tile(options, t, *run.blocks[t], image);
    }
    return detail::summarise(options, std::move(image), run.info);
  }
}

}  // namespace pardo::image

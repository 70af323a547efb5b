#pragma once
// The Mandelbrot workload's machinery, for the template of pardo/image/mandelbrot.hpp (which
// includes this file once its public types are declared, and is its only includer): tiles,
// the registered tile function, and the run on worker processes and MPI ranks.

#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "pardo/core/errors.hpp"
#include "pardo/core/options.hpp"
#include "pardo/core/progress.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::image {

namespace detail {

/// Tile `tile` of a run, for a worker process or MPI rank.
struct MandelbrotTask {
  MandelbrotOptions options;
  std::uint64_t tile = 0;
};

/// Where tile `tile` lies: rows [row, row + rows), columns [column, column + columns).
struct TileBounds {
  std::size_t row = 0;
  std::size_t rows = 0;
  std::size_t column = 0;
  std::size_t columns = 0;
};
TileBounds tile_bounds(const MandelbrotOptions& options, std::uint64_t tile) noexcept;

/// Draws tile `tile` into `image` (the whole image, row-major).
void draw_tile(const MandelbrotOptions& options, std::uint64_t tile,
               std::span<std::uint32_t> image);
/// The tile's counts, row by row: what a worker process or MPI rank sends back. Registered
/// with PARDO_REMOTE in src/image/mandelbrot.cpp.
std::vector<std::uint32_t> mandelbrot_tile(MandelbrotTask task);
/// Puts a remote tile's counts into `image`.
void place_tile(const MandelbrotOptions& options, std::uint64_t tile,
                std::span<const std::uint32_t> counts, std::span<std::uint32_t> image);
/// The result around a drawn image.
MandelbrotResult summarise(const MandelbrotOptions& options, std::vector<std::uint32_t> counts,
                           std::uint64_t tiles_done, double seconds);

/// The tiles on worker processes or MPI ranks, dealt by `options.schedule` and taken as they
/// finish; a tile whose worker died is drawn again on its own, up to `control.retries` times,
/// then fails for good: BlockFailed, or under OnBlockFailure::stop the run ends there with
/// `failure` set. A stop request ends the run at the next tile taken. Returns the tiles drawn.
template <class E>
std::uint64_t draw_remote(E& executor, const MandelbrotOptions& options, const RunControl& control,
                          std::span<std::uint32_t> image, std::uint64_t& retried,
                          std::string& failure) {
  const std::uint64_t tiles = tile_count(options);
  std::vector<MandelbrotTask> tasks;
  tasks.reserve(tiles);
  for (std::uint64_t t = 0; t < tiles; ++t) tasks.push_back({options, t});
  std::vector<std::uint8_t> placed(tiles, 0);
  std::uint64_t done = 0;
  const auto place = [&](std::uint64_t tile, const std::vector<std::uint32_t>& counts) {
    place_tile(options, tile, counts, image);
    placed[tile] = 1;
    ++done;
    advance_progress(control.progress);
  };
  std::exception_ptr crash;  // the last worker death seen
  {
    auto results = executor.imap_unordered(
        &mandelbrot_tile, tasks,
        MapOptions{.chunksize = options.chunksize, .schedule = options.schedule});
    for (auto it = results.begin(); it != results.end() && !control.stop.stop_requested(); ++it) {
      try {
        const auto& [tile, counts] = *it;
        place(tile, counts);
      } catch (const WorkerCrashed&) {
        crash = std::current_exception();  // its tiles are drawn again below
      }
    }
  }
  for (std::uint64_t t = 0; t < tiles && !control.stop.stop_requested(); ++t) {
    // The first attempt was the one above.
    for (int attempts = 1; placed[t] == 0; ++attempts) {
      if (attempts > control.retries) {
        std::string why = "its worker died";
        try {
          std::rethrow_exception(crash);
        } catch (const WorkerCrashed& e) {
          why = e.what();
        }
        const std::string message =
            "block " + std::to_string(t) + " failed " + std::to_string(attempts) + " times: " + why;
        if (control.on_block_failure != OnBlockFailure::stop) {
          throw BlockFailed(message, t, attempts, crash);
        }
        failure = message;
        return done;
      }
      ++retried;
      try {
        place(t, executor.submit(&mandelbrot_tile, tasks[t]).get());
      } catch (const WorkerCrashed&) {
        crash = std::current_exception();
      }
    }
  }
  return done;
}

}  // namespace detail

}  // namespace pardo::image

#pragma once
// The Mandelbrot workload's machinery, for the template of pardo/image/mandelbrot.hpp (which
// includes this file once its public types are declared, and is its only includer): tiles and
// the registered tile function.

#include <cstdint>
#include <span>
#include <vector>

#include "pardo/workload/run_info.hpp"

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
                           RunInfo run);

}  // namespace detail

}  // namespace pardo::image

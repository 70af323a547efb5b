#pragma once
// The pieces every Laplace backend shares: the exact solution, the stencil and its one
// compiled sweep, the row blocks and a block with its halos.

#include <cstddef>
#include <span>
#include <vector>

#include "pardo/pde/laplace.hpp"

namespace pardo::pde {

namespace detail {

/// x_i^2 - y_j^2 at grid point (i, j) of an nx x ny grid.
double laplace_exact(std::size_t i, std::size_t j, std::size_t nx, std::size_t ny) noexcept;

/// The stencil's weights: u_new = cx (west + east) + cy (south + north).
struct StencilWeights {
  double cx = 0.25;
  double cy = 0.25;
};
StencilWeights stencil_weights(std::size_t nx, std::size_t ny) noexcept;

/// One row's Jacobi update: out[i] for 0 < i < nx - 1 from the row `mid` and its neighbours
/// `above` and `below`; returns the row's largest |out[i] - mid[i]|. The one compiled copy of
/// the arithmetic, shared by every backend so that all of them round alike.
double sweep_row(const double* above, const double* mid, const double* below, double* out,
                 std::size_t nx, StencilWeights w) noexcept;

/// Rows [first, first + count) of the interior rows' indices 0..rows-1 that part `index` of
/// `parts` gets: consecutive, sizes differing by at most one, the larger ones first.
struct RowRange {
  std::size_t first = 0;
  std::size_t count = 0;
};
RowRange row_block(std::size_t rows, std::size_t parts, std::size_t index) noexcept;

/// A block of consecutive interior rows with a halo row above and below, double-buffered.
/// The halos start as the boundary rows where the block touches the boundary, and must be
/// refreshed from the neighbouring blocks before each sweep otherwise.
class LaplaceBlock {
 public:
  /// Global rows [first_row, first_row + rows) of the grid (1 <= first_row, first_row + rows
  /// <= ny - 1), initialised: boundary values, interior 0.
  LaplaceBlock(const LaplaceOptions& options, std::size_t first_row, std::size_t rows);

  std::size_t rows() const noexcept { return rows_; }
  /// The current iterate's first and last owned rows (what the neighbours need).
  std::span<const double> first_row() const noexcept { return row(cur(), 1); }
  std::span<const double> last_row() const noexcept { return row(cur(), rows_); }
  /// The current iterate's halo rows, to be filled from the neighbours.
  std::span<double> halo_above() noexcept { return row(cur(), 0); }
  std::span<double> halo_below() noexcept { return row(cur(), rows_ + 1); }
  /// The current iterate's owned rows, row-major.
  std::span<const double> owned() const noexcept { return {cur().data() + nx_, rows_ * nx_}; }

  /// Computes the next iterate from the current one (halos included) without making it
  /// current; returns the largest change over the owned interior points.
  double sweep() noexcept;
  /// Makes the iterate the last sweep computed current.
  void advance() noexcept { flip_ = !flip_; }
  /// max |u - exact| over the owned rows of the current iterate.
  double max_error() const noexcept;

 private:
  std::vector<double>& cur() noexcept { return flip_ ? b_ : a_; }
  const std::vector<double>& cur() const noexcept { return flip_ ? b_ : a_; }
  std::span<double> row(std::vector<double>& v, std::size_t r) const noexcept {
    return {v.data() + r * nx_, nx_};
  }
  std::span<const double> row(const std::vector<double>& v, std::size_t r) const noexcept {
    return {v.data() + r * nx_, nx_};
  }

  std::size_t nx_;
  std::size_t ny_;
  std::size_t first_row_;
  std::size_t rows_;
  StencilWeights w_;
  std::vector<double> a_;
  std::vector<double> b_;
  bool flip_ = false;
};

}  // namespace detail

}  // namespace pardo::pde

#include "pardo/pde/laplace.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "core/validate.hpp"
#include "pardo/core/options.hpp"
#include "pardo/threads/thread_pool.hpp"
#include "pde/laplace_block.hpp"

namespace pardo::pde {

namespace detail {

namespace {

constexpr std::size_t max_points = std::size_t{1} << 31;

std::string show(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

/// Row `j` of the grid with its boundary values and 0 inside (the whole row on the boundary).
void init_row(double* row, std::size_t j, std::size_t nx, std::size_t ny) noexcept {
  if (j == 0 || j + 1 == ny) {
    for (std::size_t i = 0; i < nx; ++i) row[i] = laplace_exact(i, j, nx, ny);
    return;
  }
  for (std::size_t i = 1; i + 1 < nx; ++i) row[i] = 0.0;
  row[0] = laplace_exact(0, j, nx, ny);
  row[nx - 1] = laplace_exact(nx - 1, j, nx, ny);
}

double row_error(const double* row, std::size_t j, std::size_t nx, std::size_t ny) noexcept {
  double error = 0.0;
  for (std::size_t i = 0; i < nx; ++i)
    error = std::max(error, std::abs(row[i] - laplace_exact(i, j, nx, ny)));
  return error;
}

}  // namespace

double laplace_exact(std::size_t i, std::size_t j, std::size_t nx, std::size_t ny) noexcept {
  const double x = static_cast<double>(i) / static_cast<double>(nx - 1);
  const double y = static_cast<double>(j) / static_cast<double>(ny - 1);
  return x * x - y * y;
}

StencilWeights stencil_weights(std::size_t nx, std::size_t ny) noexcept {
  // With hx = 1/dx and hy = 1/dy, (u_w + u_e)/hx^2 + (u_s + u_n)/hy^2 = 2 u (1/hx^2 + 1/hy^2)
  // gives u = cx (u_w + u_e) + cy (u_s + u_n) with these weights (0.25 each when dx == dy).
  const double dx2 = static_cast<double>(nx - 1) * static_cast<double>(nx - 1);
  const double dy2 = static_cast<double>(ny - 1) * static_cast<double>(ny - 1);
  return {dx2 / (2.0 * (dx2 + dy2)), dy2 / (2.0 * (dx2 + dy2))};
}

double sweep_row(const double* __restrict__ above, const double* __restrict__ mid,
                 const double* __restrict__ below, double* __restrict__ out, std::size_t nx,
                 StencilWeights w) noexcept {
  const double cx = w.cx;
  const double cy = w.cy;
  double change = 0.0;
  // A maximum is exact in any order, so the simd reduction keeps the result bit for bit.
#pragma omp simd reduction(max : change)
  for (std::size_t i = 1; i < nx - 1; ++i) {
    const double v = cx * (mid[i - 1] + mid[i + 1]) + cy * (above[i] + below[i]);
    out[i] = v;
    const double d = std::abs(v - mid[i]);
    change = change < d ? d : change;
  }
  return change;
}

RowRange row_block(std::size_t rows, std::size_t parts, std::size_t index) noexcept {
  const std::size_t base = rows / parts;
  const std::size_t extra = rows % parts;
  return {index * base + std::min(index, extra), base + (index < extra ? 1 : 0)};
}

LaplaceBlock::LaplaceBlock(const LaplaceOptions& options, std::size_t first_row, std::size_t rows)
    : nx_(options.nx),
      ny_(options.ny),
      first_row_(first_row),
      rows_(rows),
      w_(stencil_weights(options.nx, options.ny)),
      a_((rows + 2) * options.nx),
      b_((rows + 2) * options.nx) {
  for (std::size_t r = 0; r < rows_ + 2; ++r) {
    init_row(a_.data() + r * nx_, first_row_ - 1 + r, nx_, ny_);
  }
  b_ = a_;
}

double LaplaceBlock::sweep() noexcept {
  const std::vector<double>& u = cur();
  std::vector<double>& v = flip_ ? a_ : b_;
  double change = 0.0;
  for (std::size_t r = 1; r <= rows_; ++r) {
    const double* mid = u.data() + r * nx_;
    change = std::max(change, sweep_row(mid - nx_, mid, mid + nx_, v.data() + r * nx_, nx_, w_));
  }
  return change;
}

double LaplaceBlock::max_error() const noexcept {
  double error = 0.0;
  const std::vector<double>& u = cur();
  for (std::size_t r = 1; r <= rows_; ++r) {
    error = std::max(error, row_error(u.data() + r * nx_, first_row_ - 1 + r, nx_, ny_));
  }
  return error;
}

}  // namespace detail

void validate(const LaplaceOptions& options) {
  if (options.nx < 3) {
    throw std::invalid_argument("laplace: nx must be at least 3, got " +
                                std::to_string(options.nx));
  }
  if (options.ny < 3) {
    throw std::invalid_argument("laplace: ny must be at least 3, got " +
                                std::to_string(options.ny));
  }
  if (options.nx > detail::max_points / options.ny) {
    throw std::invalid_argument("laplace: a grid of " + std::to_string(options.nx) + " x " +
                                std::to_string(options.ny) +
                                " points is too large (at most 2^31 points)");
  }
  if (!(options.tol > 0.0) || !std::isfinite(options.tol)) {
    throw std::invalid_argument("laplace: tol must be positive and finite, got " +
                                detail::show(options.tol));
  }
  if (options.max_iterations < 1) {
    throw std::invalid_argument("laplace: max_iterations must be at least 1, got " +
                                std::to_string(options.max_iterations));
  }
}

namespace {

using Clock = std::chrono::steady_clock;

/// The outcome of a solve on `workers` workers of `backend`, in `blocks` row blocks.
void finish(LaplaceResult& r, const LaplaceOptions& options, Clock::time_point start,
            std::string backend, std::size_t workers, std::size_t blocks) {
  r.converged = r.iterations > 0 && r.residual <= options.tol;
  r.run.complete = r.converged || r.iterations == options.max_iterations;
  r.run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.run.blocks_done = r.run.blocks_total = blocks;
  r.run.backend = std::move(backend);
  r.run.workers = workers;
  r.seconds_per_iteration =
      r.iterations == 0 ? 0.0 : r.run.seconds / static_cast<double>(r.iterations);
}

// Both solvers keep two copies of the grid (this sweep's and the next).
void require_grid_memory(const LaplaceOptions& options) {
  pardo::detail::require_memory(
      2.0 * static_cast<double>(options.nx) * static_cast<double>(options.ny) * sizeof(double),
      "laplace", "a grid of " + std::to_string(options.nx) + " x " + std::to_string(options.ny),
      "two copies of the grid");
}

}  // namespace

LaplaceResult solve_laplace(const LaplaceOptions& options, const RunControl& control) {
  validate(options);
  require_grid_memory(options);
  const auto start = Clock::now();
  const std::size_t nx = options.nx;
  const std::size_t ny = options.ny;
  const detail::StencilWeights w = detail::stencil_weights(nx, ny);
  std::vector<double> u(nx * ny);
  for (std::size_t j = 0; j < ny; ++j) detail::init_row(u.data() + j * nx, j, nx, ny);
  std::vector<double> v = u;

  LaplaceResult r;
  while (r.iterations < options.max_iterations && !control.stop.stop_requested()) {
    double change = 0.0;
    for (std::size_t j = 1; j + 1 < ny; ++j) {
      const double* mid = u.data() + j * nx;
      change =
          std::max(change, detail::sweep_row(mid - nx, mid, mid + nx, v.data() + j * nx, nx, w));
    }
    std::swap(u, v);
    ++r.iterations;
    r.residual = change;
    if (change <= options.tol) break;
  }
  for (std::size_t j = 0; j < ny; ++j) {
    r.max_error = std::max(r.max_error, detail::row_error(u.data() + j * nx, j, nx, ny));
  }
  if (options.keep_grid) r.grid = std::move(u);
  finish(r, options, start, "serial", 1, 1);
  return r;
}

LaplaceResult solve_laplace(ThreadPool& pool, const LaplaceOptions& options, std::size_t blocks,
                            const RunControl& control) {
  validate(options);
  require_grid_memory(options);
  const auto start = Clock::now();
  const std::size_t nx = options.nx;
  const std::size_t ny = options.ny;
  const std::size_t rows = ny - 2;
  const std::size_t parts = std::min(blocks == 0 ? pool.size() : blocks, rows);

  std::vector<detail::LaplaceBlock> part;
  part.reserve(parts);
  for (std::size_t p = 0; p < parts; ++p) {
    const detail::RowRange range = detail::row_block(rows, parts, p);
    part.emplace_back(options, 1 + range.first, range.count);
  }
  std::vector<double> change(parts);
  const auto step = [&](std::size_t p) {
    detail::LaplaceBlock& b = part[p];
    if (p > 0) std::ranges::copy(part[p - 1].last_row(), b.halo_above().begin());
    if (p + 1 < parts) std::ranges::copy(part[p + 1].first_row(), b.halo_below().begin());
    change[p] = b.sweep();
  };
  // One block per worker, each on the same worker every iteration (its rows stay in that
  // worker's cache). The blocks read only their neighbours' current iterates and write only
  // their next ones, so the sweeps of one iteration do not race.
  const MapOptions one_each{.chunksize = 1, .schedule = Schedule::static_blocks};

  LaplaceResult r;
  while (r.iterations < options.max_iterations && !control.stop.stop_requested()) {
    pool.parallel_for(std::size_t{0}, parts, step, one_each);
    for (detail::LaplaceBlock& b : part) b.advance();
    ++r.iterations;
    r.residual = *std::ranges::max_element(change);
    if (r.residual <= options.tol) break;
  }
  for (const detail::LaplaceBlock& b : part) r.max_error = std::max(r.max_error, b.max_error());
  if (options.keep_grid) {
    r.grid.resize(nx * ny);
    detail::init_row(r.grid.data(), 0, nx, ny);
    detail::init_row(r.grid.data() + (ny - 1) * nx, ny - 1, nx, ny);
    auto out = r.grid.begin() + static_cast<std::ptrdiff_t>(nx);
    for (const detail::LaplaceBlock& b : part) out = std::ranges::copy(b.owned(), out).out;
  }
  finish(r, options, start, std::string(pool.backend()), pool.size(), parts);
  return r;
}

}  // namespace pardo::pde

#include "pardo/pde/laplace_mpi.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "pardo/mpi/ops.hpp"
#include "pde/laplace_block.hpp"

namespace pardo::pde {

LaplaceResult solve_laplace(const mpi::Communicator& comm, const LaplaceOptions& options) {
  validate(options);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t nx = options.nx;
  const std::size_t ny = options.ny;
  const std::size_t rows = ny - 2;
  const auto ranks = static_cast<std::size_t>(comm.size());
  const auto rank = static_cast<std::size_t>(comm.rank());
  if (ranks > rows) {
    throw std::invalid_argument("laplace: " + std::to_string(ranks) + " ranks for " +
                                std::to_string(rows) + " interior row" + (rows == 1 ? "" : "s") +
                                " (ny = " + std::to_string(ny) + "); use at most " +
                                std::to_string(rows) + " rank" + (rows == 1 ? "" : "s"));
  }
  const detail::RowRange range = detail::row_block(rows, ranks, rank);
  detail::LaplaceBlock block(options, 1 + range.first, range.count);
  const int up = comm.rank() > 0 ? comm.rank() - 1 : mpi::proc_null;
  const int down = comm.rank() + 1 < comm.size() ? comm.rank() + 1 : mpi::proc_null;
  // The loop's collectives skip the cross-rank agreement checks: one allreduce per sweep.
  const mpi::Communicator fast = comm.unchecked();
  constexpr int tag = 0x1a91;

  LaplaceResult r;
  while (r.iterations < options.max_iterations) {
    // Up: my first row to the rank above; the first row of the rank below into my halo.
    fast.sendrecv(block.first_row(), up, block.halo_below(), down, tag);
    // Down: my last row to the rank below; the last row of the rank above into my halo.
    fast.sendrecv(block.last_row(), down, block.halo_above(), up, tag);
    const double change = block.sweep();
    block.advance();
    ++r.iterations;
    r.residual = fast.allreduce(change, mpi::max{});
    if (r.residual <= options.tol) break;
  }
  r.max_error = comm.allreduce(block.max_error(), mpi::max{});
  if (options.keep_grid) {
    const std::vector<double> interior = comm.allgatherv(block.owned());
    r.grid.resize(nx * ny);
    for (std::size_t i = 0; i < nx; ++i) {
      r.grid[i] = detail::laplace_exact(i, 0, nx, ny);
      r.grid[(ny - 1) * nx + i] = detail::laplace_exact(i, ny - 1, nx, ny);
    }
    std::ranges::copy(interior, r.grid.begin() + static_cast<std::ptrdiff_t>(nx));
  }
  r.converged = r.residual <= options.tol;
  const double mine =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.run = {.blocks_done = ranks,
           .blocks_total = ranks,
           .seconds = comm.allreduce(mine, mpi::max{}),
           .complete = true,
           .backend = "mpi",
           .workers = ranks};
  r.seconds_per_iteration = r.run.seconds / static_cast<double>(r.iterations);
  return r;
}

}  // namespace pardo::pde

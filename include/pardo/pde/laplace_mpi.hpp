#pragma once
/// @file
/// The Laplace solver of pardo/pde/laplace.hpp on MPI ranks: the same row blocks, the same
/// iterates, bit for bit.

#include "pardo/mpi/communicator.hpp"
#include "pardo/pde/laplace.hpp"

namespace pardo::pde {

/// Solves on the ranks of `comm` (collective: every rank calls it with the same options).
/// Rank r owns a block of consecutive interior rows (block sizes differ by at most one, the
/// larger blocks on the lower ranks) plus a halo row above and below; before each sweep the
/// ranks exchange edge rows with their neighbours (sendrecv up, then down; mpi::proc_null at
/// the ends), and the residual is the allreduce max of the blocks' largest changes. The
/// result is on every rank and bit-identical to the serial solve's: iterations, residual,
/// max_error, and the grid if options.keep_grid (gathered on every rank). `seconds` is the
/// slowest rank's.
///
/// Throws std::invalid_argument, on every rank, for bad options (as the serial solve) and for
/// more ranks than interior rows (ny - 2), naming both counts.
/// @code
/// pardo::mpi::Environment env(argc, argv);
/// auto r = pardo::pde::solve_laplace(env.world(), {.nx = 1024, .ny = 1024, .tol = 1e-6});
/// if (env.world().rank() == 0) std::printf("%zu iterations\n", r.iterations);
/// @endcode
LaplaceResult solve_laplace(const mpi::Communicator& comm, const LaplaceOptions& options);

}  // namespace pardo::pde

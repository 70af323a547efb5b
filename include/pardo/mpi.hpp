#pragma once
/// @file
/// pardo on MPI: the environment, typed communicators, and the MPI pool.
///
/// Link pardo::mpi (built when CMake finds MPI; PARDO_WITH_MPI) and run under mpirun:
/// @code
/// pardo::mpi::Environment env(argc, argv);
/// auto world = env.world();
/// long hits = world.allreduce(count_hits(world.rank()), std::plus<>{});
/// @endcode

#include "pardo/core/tree_reduce.hpp"  // IWYU pragma: export
#include "pardo/mpi/communicator.hpp"  // IWYU pragma: export
#include "pardo/mpi/environment.hpp"   // IWYU pragma: export
#include "pardo/mpi/pool.hpp"          // IWYU pragma: export
#include "pardo/mpi/spmd.hpp"          // IWYU pragma: export

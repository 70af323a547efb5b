#pragma once
// The worker ranks' side of mpi::Pool: receiving task frames, running them (on one thread or
// several), answering with result frames; and how many threads a rank may run.

#include <mpi.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "pardo/mpi/detail/transport.hpp"

namespace pardo::mpi::detail {

constexpr int tag_task = 1;    // master -> worker: one task frame
constexpr int tag_result = 2;  // worker -> master: one result frame
constexpr int tag_stop = 3;    // master -> worker: empty; every task sent has been answered
// master -> worker: a task frame for the rank's thread t alone (a pinned job), as tag_pinned + t
// (t < max_rank_threads; MPI allows tags up to at least 32767)
constexpr int tag_pinned = 4;

/// The most threads a rank may run (PoolOptions::threads).
constexpr std::size_t max_rank_threads = 4096;

/// Runs one task frame's calls; returns the result frame.
std::string run_frame(std::string_view bytes);

/// The bytes of a message whose first piece matched.
std::string receive_bytes(MPI_Comm comm, const Piece& first);

/// Serves `master` on `comm` with `threads` threads until its stop message.
void serve(MPI_Comm comm, int master, std::size_t threads);

}  // namespace pardo::mpi::detail

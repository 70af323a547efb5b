#pragma once
/// @file
/// SPMD helpers in the IPython-parallel style: run on every rank and gather, scatter an array
/// across the ranks and gather it back.

#include <cstddef>
#include <type_traits>
#include <vector>

#include "pardo/mpi/communicator.hpp"

namespace pardo::mpi {

/// Calls `fn(comm)` on every rank and gathers the results on `root`, in rank order (empty
/// elsewhere); as `view.apply(f)` on every engine. Collective.
/// @code
/// std::vector<std::string> hosts =
///     pardo::mpi::run_on_every_rank(world, [&](const auto&) { return env.processor_name(); });
/// @endcode
template <class F>
auto run_on_every_rank(const Communicator& comm, F&& fn, int root = 0) {
  using R = std::decay_t<std::invoke_result_t<F&, const Communicator&>>;
  return comm.gather(R(fn(comm)), root);
}

/// The block of `n` elements that rank `rank` of `ranks` holds under scatter_blocks:
/// [begin, end), sizes differing by at most one, larger blocks first.
struct Block {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// Rank `rank`'s block of `n` elements split over `ranks`.
/// @code
/// auto [begin, end] = pardo::mpi::block_of(100, 3, 1);  // [34, 67)
/// @endcode
inline Block block_of(std::size_t n, int ranks, int rank) {
  const auto p = static_cast<std::size_t>(ranks);
  const auto r = static_cast<std::size_t>(rank);
  const std::size_t base = n / p;
  const std::size_t extra = n % p;
  const std::size_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

/// Deals root's `all` out in contiguous blocks as even as possible (block_of); returns this
/// rank's block. Collective; the other ranks' `all` is ignored.
/// @code
/// std::vector<double> mine = pardo::mpi::scatter_blocks(world, data, 0);
/// @endcode
template <NativeRange R>
std::vector<element_t<R>> scatter_blocks(const Communicator& comm, const R& all, int root = 0) {
  std::uint64_t n = comm.rank() == root ? std::ranges::size(all) : 0;
  comm.bcast(n, root);
  std::vector<std::size_t> counts(static_cast<std::size_t>(comm.size()));
  for (int r = 0; r < comm.size(); ++r) {
    const Block b = block_of(static_cast<std::size_t>(n), comm.size(), r);
    counts[static_cast<std::size_t>(r)] = b.end - b.begin;
  }
  return comm.scatterv(all, counts, root);
}

/// The inverse of scatter_blocks: every rank's block, concatenated in rank order on `root`
/// (empty elsewhere). Collective.
/// @code
/// std::vector<double> back = pardo::mpi::gather_blocks(world, mine, 0);
/// @endcode
template <NativeRange R>
std::vector<element_t<R>> gather_blocks(const Communicator& comm, const R& local, int root = 0) {
  return comm.gatherv(local, root);
}

}  // namespace pardo::mpi

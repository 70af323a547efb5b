// SPMD helpers: run_on_every_rank, and block scatter and gather in rank order.

#include <gtest/gtest.h>

#include <cstddef>
#include <numeric>
#include <vector>

#include "mpi_support.hpp"

namespace {

using pardo::mpi::testing::world;

std::vector<double> inputs(std::size_t n) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), 0.0);
  return v;
}

TEST(MpiSpmd, RunOnEveryRankAndScatterGatherBlocks) {
  const auto& w = world();
  const std::vector<int> ranks =
      pardo::mpi::run_on_every_rank(w, [](const pardo::mpi::Communicator& c) { return c.rank(); });
  if (w.rank() == 0) {
    std::vector<int> expected(static_cast<std::size_t>(w.size()));
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(ranks, expected);
  }
  const std::vector<double> all = inputs(103);
  const std::vector<double> mine = pardo::mpi::scatter_blocks(w, all, 0);
  const pardo::mpi::Block b = pardo::mpi::block_of(all.size(), w.size(), w.rank());
  EXPECT_EQ(mine, std::vector<double>(all.begin() + static_cast<std::ptrdiff_t>(b.begin),
                                      all.begin() + static_cast<std::ptrdiff_t>(b.end)));
  EXPECT_EQ(pardo::mpi::gather_blocks(w, mine, 0), w.rank() == 0 ? all : std::vector<double>{});
  EXPECT_EQ(pardo::mpi::block_of(100, 3, 1).begin, 34u);
  EXPECT_EQ(pardo::mpi::block_of(100, 3, 1).end, 67u);
}

}  // namespace

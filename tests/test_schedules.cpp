// ThreadPool's pinned schedules: which worker runs which input. (The map family's contract,
// order and errors on every schedule, lives in tests/contract/.)
#include <cstddef>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

TEST(MapSchedules, StaticBlocksGiveEachWorkerOneContiguousPortion) {
  ThreadPool pool(4);
  const auto who = pool.map([&pool](int) { return *pool.worker_index(); }, iota_vector(400),
                            {0, Schedule::static_blocks});
  for (std::size_t i = 0; i < who.size(); ++i) EXPECT_EQ(who[i], i / 100) << i;
}

TEST(MapSchedules, RoundRobinDealsChunkIToWorkerIModW) {
  ThreadPool pool(3);
  const auto who = pool.map([&pool](int) { return *pool.worker_index(); }, iota_vector(90),
                            {5, Schedule::round_robin});
  for (std::size_t i = 0; i < who.size(); ++i) EXPECT_EQ(who[i], (i / 5) % 3) << i;
}

}  // namespace
}  // namespace pardo::test

// ProcessPool's pinned schedules: which worker process runs which input. (The map family's
// contract, order and errors on every schedule, lives in tests/contract/.)

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <set>
#include <vector>

#include "process_support.hpp"

namespace {

int pid_of(int) { return static_cast<int>(::getpid()); }
PARDO_REMOTE(pid_of);

using pardo::test::iota_vector;
using pardo::test::OnEveryProcessCount;

class ProcessSchedules : public OnEveryProcessCount {};
PARDO_ON_EVERY_PROCESS_COUNT(ProcessSchedules);

TEST_P(ProcessSchedules, StaticBlocksGiveEachWorkerOneContiguousBlock) {
  pardo::ProcessPool pool(GetParam());
  const std::size_t workers = GetParam();
  const int n = 64;
  const auto pids = pool.map(pid_of, iota_vector(n), {.schedule = pardo::Schedule::static_blocks});
  const std::size_t block = (static_cast<std::size_t>(n) + workers - 1) / workers;
  std::set<int> distinct;
  for (std::size_t i = 0; i < pids.size(); ++i) {
    EXPECT_EQ(pids[i], pids[i / block * block]) << "input " << i;
    distinct.insert(pids[i]);
  }
  EXPECT_EQ(distinct.size(), std::min<std::size_t>(workers, static_cast<std::size_t>(n)));
}

TEST_P(ProcessSchedules, RoundRobinDealsChunkIToWorkerIModW) {
  pardo::ProcessPool pool(GetParam());
  const std::size_t workers = GetParam();
  const std::size_t chunk = 3;
  const auto pids = pool.map(pid_of, iota_vector(60),
                             {.chunksize = chunk, .schedule = pardo::Schedule::round_robin});
  for (std::size_t i = 0; i < pids.size(); ++i) {
    const std::size_t c = i / chunk;
    EXPECT_EQ(pids[i], pids[(c % workers) * chunk]) << "input " << i;
  }
}

}  // namespace

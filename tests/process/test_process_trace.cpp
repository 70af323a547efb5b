// Traces on worker processes: each task is timed where it runs and comes back with its
// result, as one event on its worker's track, on the parent's clock.

#include <gmock/gmock.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "process_support.hpp"

namespace {

using pardo::test::OnEveryProcessCount;
using pardo::test::Watchdog;
using namespace std::chrono_literals;

int twice(int x) { return 2 * x; }
PARDO_REMOTE(twice);

// Kills its worker the first time it runs for `path` (which it creates).
int crash_once(std::string path, int x) {
  if (!std::filesystem::exists(path)) {
    std::ofstream(path) << "crashed";
    std::abort();
  }
  return x;
}
PARDO_REMOTE(crash_once);

class ProcessTrace : public OnEveryProcessCount {};
PARDO_ON_EVERY_PROCESS_COUNT(ProcessTrace);

TEST_P(ProcessTrace, EveryChunkIsOneEventOnItsWorkersTrackOnTheParentsClock) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  pool.submit(twice, 0).get();  // the workers are up
  const std::int64_t before = pardo::detail::trace::monotonic_ns();
  pardo::trace::start();
  const auto out = pool.map(twice, pardo::test::iota_vector(100), {.chunksize = 3});
  const pardo::trace::Trace t = pardo::trace::stop();
  const std::int64_t after = pardo::detail::trace::monotonic_ns();
  ASSERT_EQ(out.size(), 100U);

  const auto pids = pool.worker_pids();
  const std::set<std::uint32_t> workers(pids.begin(), pids.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& e : t.events()) {
    if (e.category != "task") continue;
    EXPECT_EQ(e.name, "twice");
    EXPECT_TRUE(workers.contains(e.pid)) << e.pid;
    EXPECT_EQ(e.track, e.pid);
    EXPECT_GE(e.start_ns, before);
    EXPECT_LE(e.start_ns + e.duration_ns, after);
    ranges.emplace_back(e.first, e.last);
  }
  ASSERT_EQ(ranges.size(), 34U);  // ceil(100 / 3) chunks
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t next = 0;
  for (const auto& [first, last] : ranges) {
    EXPECT_EQ(first, next);
    next = last;
  }
  EXPECT_EQ(next, 100U);
  for (const std::uint32_t pid : workers) {
    const auto& processes = t.processes();
    const bool named = std::any_of(processes.begin(), processes.end(), [&](const auto& p) {
      return p.pid == pid && p.name.rfind("processes worker ", 0) == 0;
    });
    const bool ran = std::any_of(t.events().begin(), t.events().end(),
                                 [&](const auto& e) { return e.pid == pid; });
    EXPECT_EQ(named, ran) << pid;
  }
}

TEST_P(ProcessTrace, TasksRunWhileNotRecordingLeaveNoEvents) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  pool.map(twice, pardo::test::iota_vector(20), {.chunksize = 1});
  pardo::trace::start();
  const pardo::trace::Trace t = pardo::trace::stop();
  EXPECT_TRUE(t.events().empty());
}

TEST_P(ProcessTrace, ARetryIsAMomentOnTheTrackOfTheWorkerThatDied) {
  Watchdog dog(60s);
  const auto marker =
      std::filesystem::temp_directory_path() / ("pardo-trace-retry-" + std::to_string(::getpid()));
  pardo::ProcessPool pool(GetParam(), {.max_retries = 1});
  pool.submit(twice, 0).get();  // the workers are up
  const auto pids_before = pool.worker_pids();
  pardo::trace::start();
  EXPECT_EQ(pool.submit(crash_once, marker.string(), 5).get(), 5);
  const pardo::trace::Trace t = pardo::trace::stop();
  std::filesystem::remove(marker);
  std::vector<pardo::trace::Event> retries;
  for (const auto& e : t.events()) {
    if (e.category == "retry") retries.push_back(e);
  }
  ASSERT_EQ(retries.size(), 1U);
  EXPECT_EQ(retries[0].name, "retry");
  EXPECT_EQ(retries[0].kind, pardo::trace::Event::Kind::instant);
  EXPECT_THAT(pids_before, ::testing::Contains(static_cast<int>(retries[0].pid)));
  // The task that ran again is a task event of a worker, after the retry.
  const auto rerun = std::find_if(t.events().begin(), t.events().end(),
                                  [](const auto& e) { return e.name == "crash_once"; });
  ASSERT_NE(rerun, t.events().end());
  EXPECT_NE(rerun->pid, retries[0].pid);
  EXPECT_GE(rerun->start_ns, retries[0].start_ns);
}

}  // namespace

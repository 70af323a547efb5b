// Traces: every task and every chunk of a loop is one complete event on its worker's track,
// events on a track nest, phases and spans appear, and the JSON is Chrome's.

#include <gmock/gmock.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <pardo/pardo.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

using trace::Event;

std::vector<Event> in_category(const trace::Trace& t, const std::string& category) {
  std::vector<Event> out;
  for (const Event& e : t.events()) {
    if (e.category == category) out.push_back(e);
  }
  return out;
}

/// Fails unless the events of each track nest: each starts after the one before it ended, or
/// ends within it (a worker helping while it waits runs a task inside another).
void expect_nested(const trace::Trace& t) {
  std::map<std::uint32_t, std::vector<const Event*>> open;
  for (const Event& e : t.events()) {
    if (e.kind != Event::Kind::complete || e.track == 0) continue;
    auto& stack = open[e.track];
    while (!stack.empty() && stack.back()->start_ns + stack.back()->duration_ns <= e.start_ns) {
      stack.pop_back();
    }
    if (!stack.empty()) {
      EXPECT_LE(e.start_ns + e.duration_ns, stack.back()->start_ns + stack.back()->duration_ns)
          << e.name << " overlaps " << stack.back()->name << " on track " << e.track;
    }
    stack.push_back(&e);
  }
}

int square(int x) { return x * x; }

TEST(Trace, NothingIsRecordedUnlessStarted) {
  EXPECT_FALSE(trace::recording());
  ThreadPool pool(2);
  pool.submit(square, 3).get();
  const trace::Trace t = trace::stop();
  EXPECT_TRUE(t.events().empty());
}

class TraceOnPools : public OnEveryPoolSize {};
PARDO_ON_EVERY_POOL_SIZE(TraceOnPools);

TEST_P(TraceOnPools, EveryTaskIsOneEventOnAWorkersTrack) {
  ThreadPool pool(GetParam());
  trace::start();
  std::vector<Future<int>> futures;
  for (int i = 0; i < 500; ++i) futures.push_back(pool.submit(square, i));
  for (auto& f : futures) f.get();
  const trace::Trace t = trace::stop();
  EXPECT_FALSE(trace::recording());
  const auto tasks = in_category(t, "task");
  ASSERT_EQ(tasks.size(), 500U);
  std::set<std::uint32_t> worker_tracks;
  for (const auto& track : t.tracks()) {
    if (track.name.rfind("threads worker ", 0) == 0) worker_tracks.insert(track.track);
  }
  for (const Event& e : tasks) {
    EXPECT_EQ(e.kind, Event::Kind::complete);
    EXPECT_GE(e.duration_ns, 0);
    EXPECT_EQ(e.pid, static_cast<std::uint32_t>(::getpid()));
    EXPECT_TRUE(worker_tracks.contains(e.track)) << e.track;
    EXPECT_THAT(e.name, ::testing::HasSubstr("int (&)(int)"));  // the task's type: square's
  }
  EXPECT_LE(worker_tracks.size(), GetParam());
  EXPECT_TRUE(
      std::is_sorted(t.events().begin(), t.events().end(),
                     [](const Event& a, const Event& b) { return a.start_ns < b.start_ns; }));
  expect_nested(t);
}

TEST_P(TraceOnPools, ChunksOfEveryScheduleCoverTheRangeOnce) {
  ThreadPool pool(GetParam());
  const std::size_t n = 1009;
  for (const Schedule schedule : {Schedule::automatic, Schedule::static_blocks,
                                  Schedule::round_robin, Schedule::dynamic, Schedule::guided}) {
    for (const std::size_t chunksize : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
      trace::start();
      pool.parallel_for(std::size_t{0}, n, [](std::size_t) {}, {chunksize, schedule});
      const auto chunks = in_category(trace::stop(), "chunk");
      std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
      for (const Event& e : chunks) ranges.emplace_back(e.first, e.last);
      std::sort(ranges.begin(), ranges.end());
      std::uint64_t next = 0;
      for (const auto& [first, last] : ranges) {
        EXPECT_EQ(first, next) << to_string(schedule) << " chunksize " << chunksize;
        EXPECT_LT(first, last);
        next = last;
      }
      EXPECT_EQ(next, n) << to_string(schedule) << " chunksize " << chunksize;
    }
  }
}

TEST_P(TraceOnPools, EveryWorkerIsATrackEvenIfItRanNothingAndItsPoolIsGone) {
  trace::start();
  {
    ThreadPool pool(GetParam());
    pool.submit(square, 2).get();
  }
  const trace::Trace t = trace::stop();
  std::set<std::string> workers;
  for (const auto& track : t.tracks()) {
    if (track.name.rfind("threads worker ", 0) == 0) workers.insert(track.name);
  }
  EXPECT_EQ(workers.size(), GetParam());
  const auto summary = trace::Summary::of(t);
  EXPECT_EQ(summary.workers.size(), GetParam());
}

TEST(Trace, PhasesAndSpansAreSpansOnTheirTracks) {
  trace::start();
  {
    Progress progress;
    progress.start_phase("sampling", "draws", 10);
    { trace::Span span("my step"); }
    progress.start_phase("diagnostics", "parameters", 2);
  }
  const trace::Trace t = trace::stop();
  const auto phases = in_category(t, "phase");
  ASSERT_EQ(phases.size(), 2U);
  EXPECT_EQ(phases[0].name, "sampling");
  EXPECT_EQ(phases[1].name, "diagnostics");
  EXPECT_EQ(phases[0].track, 0U);
  EXPECT_LE(phases[0].start_ns + phases[0].duration_ns, phases[1].start_ns + 1000);
  const auto spans = in_category(t, "span");
  ASSERT_EQ(spans.size(), 1U);
  EXPECT_EQ(spans[0].name, "my step");
  EXPECT_GE(spans[0].start_ns, phases[0].start_ns);
}

TEST(Trace, ChromeJsonHasAMetadataEventPerTrackAndAnEventPerRecord) {
  ThreadPool pool(2);
  trace::start();
  pool.map(square, iota_vector(100), {.chunksize = 10});
  for (int i = 0; i < 20; ++i) pool.submit(square, i).get();
  const trace::Trace t = trace::stop();
  const auto json = nlohmann::json::parse(t.chrome_json());
  const auto& events = json.at("traceEvents");
  ASSERT_EQ(events.size(), t.processes().size() + t.tracks().size() + t.events().size());
  std::size_t complete = 0;
  for (const auto& e : events) {
    const std::string ph = e.at("ph");
    if (ph == "M") {
      EXPECT_THAT(e.at("name").get<std::string>(), ::testing::AnyOf("thread_name", "process_name"));
      EXPECT_TRUE(e.at("args").contains("name"));
      continue;
    }
    EXPECT_TRUE(e.at("ts").is_number());
    EXPECT_TRUE(e.at("pid").is_number() && e.at("tid").is_number());
    if (ph == "X") {
      ++complete;
      EXPECT_GE(e.at("dur").get<double>(), 0.0);
    }
  }
  EXPECT_EQ(complete, in_category(t, "task").size() + in_category(t, "chunk").size());
  EXPECT_EQ(in_category(t, "task").size(), 20U);
}

TEST(Trace, AFileThatCannotBeWrittenIsAnErrorNamingIt) {
  trace::start();
  const trace::Trace t = trace::stop();
  try {
    t.write("/dev/full");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("/dev/full"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("No space left on device"));
  }
  EXPECT_THROW(t.write("/nonexistent-dir/trace.json"), std::runtime_error);
}

TEST(Trace, TasksFromAnotherHostAreAlignedWithThisClockBySendAndReceiveTimes) {
  // Rank 7's clock runs 5 s ahead of this one. Task a was sent at 1000 us and answered at
  // 1100 us; it ran 1010-1050 us of this clock. Task b waited in a queue: sent at 900 us.
  constexpr std::int64_t ahead = 5'000'000'000;
  constexpr std::int64_t us = 1000;
  trace::start();
  detail::trace::record_remote("a", 7, 7,
                               {.start_ns = 1010 * us + ahead,
                                .end_ns = 1050 * us + ahead,
                                .sent_ns = 1000 * us,
                                .received_ns = 1100 * us});
  detail::trace::record_remote("b", 7, 7,
                               {.start_ns = 1060 * us + ahead,
                                .end_ns = 1090 * us + ahead,
                                .sent_ns = 900 * us,
                                .received_ns = 1095 * us});
  // A worker process on this host: no send and receive times, its clock is this one.
  detail::trace::record_remote("c", 8, 8, {.start_ns = 2000 * us, .end_ns = 2100 * us});
  const trace::Trace t = trace::stop();
  std::map<std::string, Event> by_name;
  for (const Event& e : t.events()) by_name[e.name] = e;
  ASSERT_EQ(by_name.size(), 3U);
  // The bounds of the offset: b's end and received time give 5 s - 5 us, a's start and sent
  // time 5 s + 10 us: the aligned times are within those 15 us of the truth, and in order.
  for (const char* name : {"a", "b"}) {
    const Event& e = by_name[name];
    const std::int64_t truth = std::string(name) == "a" ? 1010 * us : 1060 * us;
    EXPECT_NEAR(static_cast<double>(e.start_ns), static_cast<double>(truth), 15.0 * us) << name;
  }
  EXPECT_EQ(by_name["a"].duration_ns, 40 * us);
  EXPECT_GE(by_name["a"].start_ns, 1000 * us);
  EXPECT_LE(by_name["b"].start_ns + by_name["b"].duration_ns, 1095 * us);
  EXPECT_EQ(by_name["c"].start_ns, 2000 * us);
}

TEST(Trace, TasksOnThisClockStayWhereTheyRan) {
  constexpr std::int64_t us = 1000;
  trace::start();
  detail::trace::record_remote(
      "a", 7, 7,
      {.start_ns = 1010 * us, .end_ns = 1050 * us, .sent_ns = 1000 * us, .received_ns = 1100 * us});
  const trace::Trace t = trace::stop();
  ASSERT_EQ(t.events().size(), 1U);
  EXPECT_EQ(t.events()[0].start_ns, 1010 * us);
}

// Run by PardoTraceWritesTheWholeRun in a child process with PARDO_TRACE set.
TEST(Trace, DISABLED_ARunUnderPardoTrace) {
  ThreadPool pool(2);
  for (int i = 0; i < 50; ++i) pool.submit(square, i).get();
}

TEST(Trace, PardoTraceWritesTheWholeRun) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("pardo-test-trace-" + std::to_string(::getpid()) + ".json");
  const int status = run_disabled_test_in_child("Trace.DISABLED_ARunUnderPardoTrace",
                                                "PARDO_TRACE=" + path.string());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::ifstream file(path);
  ASSERT_TRUE(file.good()) << path;
  const auto json = nlohmann::json::parse(file);
  std::filesystem::remove(path);
  std::size_t tasks = 0;
  for (const auto& e : json.at("traceEvents")) {
    if (e.value("cat", "") == "task") ++tasks;
  }
  EXPECT_EQ(tasks, 50U);
}

Event task(std::uint32_t track, std::int64_t start_us, std::int64_t duration_us) {
  Event e;
  e.name = "f";
  e.category = "task";
  e.pid = 1;
  e.track = track;
  e.start_ns = start_us * 1000;
  e.duration_ns = duration_us * 1000;
  return e;
}

TEST(TraceSummary, BusyOverheadAndIdleOfEachWorkerAndTheImbalance) {
  // Worker 1: 100 us, a 5 us gap (the scheduler's), 100 us. Worker 2: 50 us, then idle.
  const trace::Trace t({task(1, 0, 100), task(1, 105, 100), task(2, 0, 50)},
                       {{1, 1, "threads worker 0"}, {1, 2, "threads worker 1"}}, {});
  const auto s = trace::Summary::of(t);
  EXPECT_NEAR(s.wall_seconds, 205e-6, 1e-12);
  ASSERT_EQ(s.workers.size(), 2U);
  EXPECT_EQ(s.workers[0].name, "threads worker 0");
  EXPECT_NEAR(s.workers[0].busy_seconds, 200e-6, 1e-12);
  EXPECT_NEAR(s.workers[0].overhead_seconds, 5e-6, 1e-12);
  EXPECT_NEAR(s.workers[0].idle_seconds, 0, 1e-12);
  EXPECT_NEAR(s.workers[1].busy_seconds, 50e-6, 1e-12);
  EXPECT_NEAR(s.workers[1].idle_seconds, 155e-6, 1e-12);
  EXPECT_EQ(s.tasks, 3U);
  EXPECT_NEAR(s.imbalance, 200.0 / 125.0, 1e-12);
  EXPECT_NEAR(s.task_p50_seconds, 100e-6, 1e-12);
  EXPECT_NEAR(s.task_max_seconds, 100e-6, 1e-12);
  EXPECT_NEAR(s.critical_path_seconds, 100e-6, 1e-12);
  EXPECT_NEAR(s.overhead_share, 5.0 / 255.0, 1e-12);
  ASSERT_FALSE(s.suggestions.empty());
  EXPECT_THAT(s.suggestions, ::testing::Contains(::testing::HasSubstr("dynamic schedule")));
  EXPECT_THAT(s.report(), ::testing::HasSubstr("threads worker 1"));
  EXPECT_THAT(s.report(), ::testing::HasSubstr("imbalance 1.60"));
}

TEST(TraceSummary, ATaskInsideAnotherIsBusyTimeOnce) {
  // A worker helping while it waits runs a task inside another: 100 us busy, not 130.
  const trace::Trace t({task(1, 0, 100), task(1, 20, 30)}, {{1, 1, "threads worker 0"}}, {});
  const auto s = trace::Summary::of(t);
  EXPECT_NEAR(s.workers.at(0).busy_seconds, 100e-6, 1e-12);
  EXPECT_EQ(s.workers.at(0).tasks, 2U);
}

TEST(TraceSummary, ManyShortTasksGetAChunksizeSuggestion) {
  std::vector<Event> events;
  for (int i = 0; i < 1000; ++i) events.push_back(task(1, 3 * i, 1));  // 1 us, 2 us apart
  const auto s = trace::Summary::of(trace::Trace(events, {{1, 1, "threads worker 0"}}, {}));
  EXPECT_NEAR(s.overhead_share, 2.0 / 3.0, 1e-3);
  EXPECT_THAT(s.suggestions, ::testing::Contains(::testing::HasSubstr("chunksize of about 200")));
}

TEST(TraceSummary, AnIdleWorkerOfThePoolCountsInTheImbalance) {
  const trace::Trace t({task(1, 0, 100)}, {{1, 1, "threads worker 0"}, {1, 2, "threads worker 1"}},
                       {});
  const auto s = trace::Summary::of(t);
  ASSERT_EQ(s.workers.size(), 2U);
  EXPECT_NEAR(s.imbalance, 2.0, 1e-12);
  EXPECT_NEAR(s.workers[1].idle_seconds, 100e-6, 1e-12);
}

TEST_P(TraceOnPools, TheSummaryCountsWhatTheTraceHolds) {
  ThreadPool pool(GetParam());
  trace::start();
  pool.parallel_for(0, 4000, [](int) {}, {.chunksize = 10});
  const trace::Trace t = trace::stop();
  const auto s = trace::Summary::of(t);
  EXPECT_EQ(s.tasks, in_category(t, "chunk").size());
  EXPECT_EQ(s.steals, in_category(t, "steal").size());
  double busy = 0;
  for (const auto& w : s.workers) busy += w.busy_seconds;
  EXPECT_GT(busy, 0);
  EXPECT_GE(s.imbalance, 1.0);
  EXPECT_LE(s.task_p50_seconds, s.task_p90_seconds);
  EXPECT_LE(s.task_p99_seconds, s.task_max_seconds);
}

}  // namespace
}  // namespace pardo::test

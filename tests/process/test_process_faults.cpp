// Faults: each scenario runs under a watchdog; only the failed task fails, nothing hangs,
// nothing leaks.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "process_support.hpp"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using pardo::test::OnEveryProcessCount;
using pardo::test::Watchdog;

int identity(int x) { return x; }
PARDO_REMOTE(identity);

int pid_of(int) { return static_cast<int>(::getpid()); }
PARDO_REMOTE(pid_of);  // also in test_process_schedules.cpp: files keep them apart

int crash_segv(int) {
  // The default action, even where a sanitizer installed its own handler.
  std::signal(SIGSEGV, SIG_DFL);
  std::raise(SIGSEGV);
  return 0;
}
PARDO_REMOTE(crash_segv);

int crash_abort(int) { std::abort(); }
PARDO_REMOTE(crash_abort);

int crash_exit(int code) { ::_exit(code); }
PARDO_REMOTE(crash_exit);

int sleep_then(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return ms;
}
PARDO_REMOTE(sleep_then);

int sleep_then_abort(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  std::abort();
}
PARDO_REMOTE(sleep_then_abort);

/// Where a worker that begins a long spin_for writes its pid, one file per test process: the
/// stall tests stop exactly that worker (CPU time cannot tell it apart from idle ones whose
/// start under a sanitizer cost as much).
std::filesystem::path busy_announcement(int test_pid) {
  return std::filesystem::temp_directory_path() /
         ("pardo-test-busy-worker-" + std::to_string(test_pid));
}

// Keeps a CPU busy for `ms` of wall-clock time; from a second up, says so first.
int spin_for(int ms) {
  if (ms >= 1000) {
    const auto path = busy_announcement(static_cast<int>(::getppid()));
    const auto partial = path.string() + "." + std::to_string(::getpid());
    std::ofstream(partial) << ::getpid();
    std::filesystem::rename(partial, path);  // the test never reads half a pid
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
  }
  return ms;
}
PARDO_REMOTE(spin_for);

/// The pid of the worker that has begun a long spin_for (its task has surely started), or -1
/// if none does within the wait. The announcement is removed when this goes out of scope, as
/// a retried task announces again.
class BusyWorker {
 public:
  BusyWorker() {
    pardo::test::eventually([&] {
      std::ifstream in(path_);
      return static_cast<bool>(in >> pid_);
    });
  }
  BusyWorker(const BusyWorker&) = delete;
  BusyWorker& operator=(const BusyWorker&) = delete;
  ~BusyWorker() { std::filesystem::remove(path_); }
  int pid() const { return pid_; }

 private:
  std::filesystem::path path_ = busy_announcement(static_cast<int>(::getpid()));
  int pid_ = -1;
};

std::size_t byte_sum(std::vector<char> data) {
  std::size_t sum = 0;
  for (const char c : data) sum += static_cast<unsigned char>(c);
  return sum;
}
PARDO_REMOTE(byte_sum);

// Decoding this argument in the worker kills the worker.
struct BombOnLoad {
  std::string text;
  template <class Archive>
  void save(Archive& archive) const {
    archive(text);
  }
  template <class Archive>
  void load(Archive&) {
    std::abort();
  }
};
int take_bomb(BombOnLoad) { return 1; }
PARDO_REMOTE(take_bomb);

// Encoding this result in the worker throws.
struct RefusesToSave {
  std::string text;
  template <class Archive>
  void save(Archive&) const {
    throw std::runtime_error("RefusesToSave");
  }
  template <class Archive>
  void load(Archive& archive) {
    archive(text);
  }
};
RefusesToSave make_refusing(int) { return {"x"}; }
PARDO_REMOTE(make_refusing);

// Encoding this result in the worker kills the worker.
struct CrashesOnSave {
  std::string text;
  template <class Archive>
  void save(Archive&) const {
    std::abort();
  }
  template <class Archive>
  void load(Archive& archive) {
    archive(text);
  }
};
CrashesOnSave make_crashing(int) { return {"x"}; }
PARDO_REMOTE(make_crashing);

// Crashes the first time it runs for `path` (which it creates), returns a random draw after.
double draw_crash_once(std::string path, std::uint64_t block) {
  pardo::random::Stream stream(2024, block);
  double sum = 0;
  for (int i = 0; i < 1000; ++i) sum += stream.next_double();
  if (!std::filesystem::exists(path)) {
    std::ofstream(path) << "crashed";
    std::abort();
  }
  return sum;
}
PARDO_REMOTE(draw_crash_once);

int initialized_with = 0;
void remember(int value) { initialized_with = value; }
PARDO_REMOTE(remember);
int remembered(int) { return initialized_with; }
PARDO_REMOTE(remembered);
void initializer_throws(int) { throw std::runtime_error("cannot load the table"); }
PARDO_REMOTE(initializer_throws);

template <class F>
auto elapsed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::steady_clock::now() - start;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "-" + std::to_string(::getpid()) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count())))
      .string();
}

class ProcessFaults : public OnEveryProcessCount {};
PARDO_ON_EVERY_PROCESS_COUNT(ProcessFaults);

TEST_P(ProcessFaults, TaskCrashFailsOnlyThatTaskWithWorkerCrashed) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  std::vector<pardo::Future<int>> before;
  for (int i = 0; i < 50; ++i) before.push_back(pool.submit(identity, i));
  auto crash = pool.submit(crash_segv, 0);
  std::vector<pardo::Future<int>> after;
  for (int i = 0; i < 50; ++i) after.push_back(pool.submit(identity, i));
  try {
    crash.get();
    FAIL() << "no exception";
  } catch (const pardo::WorkerCrashed& e) {
    EXPECT_EQ(e.signal(), SIGSEGV);
    EXPECT_EQ(e.exit_status(), -1);
    EXPECT_EQ(e.task_index(), 0U);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("signal 11"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("crash_segv"));
  }
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(before[static_cast<std::size_t>(i)].get(), i);
    EXPECT_EQ(after[static_cast<std::size_t>(i)].get(), i);
  }
}

TEST_P(ProcessFaults, AbortAndExitAreReportedWithSignalOrStatus) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  auto aborted = pool.submit(crash_abort, 0);
  auto exited = pool.submit(crash_exit, 3);
  try {
    aborted.get();
    FAIL() << "no exception";
  } catch (const pardo::WorkerCrashed& e) {
    EXPECT_EQ(e.signal(), SIGABRT);
  }
  try {
    exited.get();
    FAIL() << "no exception";
  } catch (const pardo::WorkerCrashed& e) {
    EXPECT_EQ(e.signal(), 0);
    EXPECT_EQ(e.exit_status(), 3);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("exited with status 3"));
  }
  EXPECT_EQ(pool.submit(identity, 5).get(), 5);
}

TEST_P(ProcessFaults, SigkillFromOutsideFailsTheRunningTask) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  // Every worker busy with a long task; kill one that has begun its task (it says so: under
  // TSan the first worker may still be starting while another takes two tasks), as the OOM
  // killer would.
  std::vector<pardo::Future<int>> long_tasks;
  for (std::size_t w = 0; w < GetParam(); ++w) long_tasks.push_back(pool.submit(spin_for, 1500));
  const BusyWorker busy;
  const int victim = busy.pid();
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  std::size_t killed = 0;
  for (auto& f : long_tasks) {
    try {
      EXPECT_EQ(f.get(), 1500);
    } catch (const pardo::WorkerCrashed& e) {
      EXPECT_EQ(e.signal(), SIGKILL);
      EXPECT_EQ(e.pid(), victim);
      ++killed;
    }
  }
  EXPECT_EQ(killed, 1U);
  EXPECT_EQ(pool.submit(identity, 9).get(), 9);
}

TEST_P(ProcessFaults, CrashWhileDecodingTheTaskFailsThatTask) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  auto bomb = pool.submit(take_bomb, BombOnLoad{"boom"});
  auto fine = pool.submit(identity, 4);
  EXPECT_THROW(bomb.get(), pardo::WorkerCrashed);
  EXPECT_EQ(fine.get(), 4);
}

TEST_P(ProcessFaults, ResultThatCannotBeEncodedFailsWithSerializationError) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  const auto pids = pool.worker_pids();
  try {
    pool.submit(make_refusing, 1).get();
    FAIL() << "no exception";
  } catch (const pardo::SerializationError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("make_refusing"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("RefusesToSave"));
  }
  EXPECT_EQ(pool.worker_pids(), pids);  // the worker survived
  EXPECT_THROW(pool.submit(make_crashing, 1).get(), pardo::WorkerCrashed);
  EXPECT_EQ(pool.submit(identity, 2).get(), 2);
}

TEST_P(ProcessFaults, CrashDuringShutdownDoesNotDeadlock) {
  Watchdog dog(60s);
  std::vector<pardo::Future<int>> futures;
  pardo::Future<int> crash;
  {
    pardo::ProcessPool pool(GetParam());
    for (int i = 0; i < 20; ++i) futures.push_back(pool.submit(sleep_then, 10));
    crash = pool.submit(sleep_then_abort, 50);
    for (int i = 0; i < 20; ++i) futures.push_back(pool.submit(sleep_then, 10));
    pool.shutdown(true);
  }
  EXPECT_THROW(crash.get(), pardo::WorkerCrashed);
  for (auto& f : futures) EXPECT_EQ(f.get(), 10);
}

TEST_P(ProcessFaults, TerminateKillsRunningTasksAndCancelsQueuedOnes) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  const auto pids = pool.worker_pids();
  std::vector<pardo::Future<int>> running;
  for (std::size_t w = 0; w < GetParam(); ++w) running.push_back(pool.submit(sleep_then, 30'000));
  ASSERT_TRUE(pardo::test::eventually([&] { return running.back().running(); }));
  std::vector<pardo::Future<int>> queued;
  for (int i = 0; i < 100; ++i) queued.push_back(pool.submit(sleep_then, 30'000));
  const auto start = std::chrono::steady_clock::now();
  pool.terminate();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  for (auto& f : running) {
    try {
      f.get();
      FAIL() << "no exception";
    } catch (const pardo::ShutdownError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("terminated"));
    }
  }
  // Tasks a worker had accepted but not begun fail like the running ones; the rest are
  // cancelled. None of them ran.
  for (auto& f : queued) {
    if (!f.cancelled()) {
      EXPECT_THROW(f.get(), pardo::ShutdownError);
    }
  }
  for (const int pid : pids) EXPECT_NE(::kill(pid, 0), 0) << "worker " << pid << " still alive";
  EXPECT_THROW(pool.submit(identity, 1), pardo::ShutdownError);
}

TEST_P(ProcessFaults, CrashWithALargePayloadInFlight) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam());
  // Short tasks first, so that each worker accepts several jobs at once.
  pool.map(identity, pardo::test::iota_vector(2000), {.chunksize = 1});
  std::vector<pardo::Future<int>> crashes;
  for (std::size_t w = 0; w < GetParam(); ++w)
    crashes.push_back(pool.submit(sleep_then_abort, 100));
  const std::vector<char> big(8 << 20, 1);  // far more than a socket buffer
  std::vector<pardo::Future<std::size_t>> sums;
  for (int i = 0; i < 3; ++i) sums.push_back(pool.submit(byte_sum, big));
  for (auto& c : crashes) EXPECT_THROW(c.get(), pardo::WorkerCrashed);
  for (auto& s : sums) EXPECT_EQ(s.get(), big.size());
}

TEST_P(ProcessFaults, TimeoutKillsTheWorkerAndFailsWithinTimeoutPlusHalfASecond) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam(), {.task_timeout = 300ms});
  pool.submit(identity, 0).get();  // workers are up
  auto slow = pool.submit(sleep_then, 20'000);
  auto quick = pool.submit(sleep_then, 10);
  const auto took = elapsed([&] {
    try {
      slow.get();
      FAIL() << "no exception";
    } catch (const pardo::TimeoutError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("sleep_then"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr("0.3 s"));
    }
  });
  EXPECT_LT(took, 800ms);
  EXPECT_EQ(quick.get(), 10);
  EXPECT_EQ(pool.submit(sleep_then, 100).get(), 100);  // under the limit, fine
}

TEST_P(ProcessFaults, RetriedTaskRedrawsTheSameNumbers) {
  Watchdog dog(60s);
  const std::string marker = temp_path("pardo-retry");
  pardo::ProcessPool pool(GetParam(), {.max_retries = 1});
  const double got = pool.submit(draw_crash_once, marker, std::uint64_t{17}).get();
  EXPECT_TRUE(std::filesystem::exists(marker));  // it did crash once
  std::filesystem::remove(marker);
  pardo::random::Stream stream(2024, 17);
  double expected = 0;
  for (int i = 0; i < 1000; ++i) expected += stream.next_double();
  EXPECT_EQ(got, expected);
}

TEST_P(ProcessFaults, WithoutRetriesTheCrashIsReported) {
  Watchdog dog(60s);
  const std::string marker = temp_path("pardo-noretry");
  pardo::ProcessPool pool(GetParam());
  EXPECT_THROW(pool.submit(draw_crash_once, marker, std::uint64_t{3}).get(), pardo::WorkerCrashed);
  std::filesystem::remove(marker);
}

TEST_P(ProcessFaults, MaxTasksPerChildRecyclesWorkers) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam(), {.max_tasks_per_child = 2});
  const auto pids = pool.map(pid_of, pardo::test::iota_vector(20), {.chunksize = 1});
  std::map<int, int> tasks_per_pid;
  for (const int pid : pids) ++tasks_per_pid[pid];
  EXPECT_GE(tasks_per_pid.size(), 10U);
  for (const auto& [pid, tasks] : tasks_per_pid) EXPECT_LE(tasks, 2) << "pid " << pid;
}

TEST_P(ProcessFaults, InitializerRunsInEveryWorkerIncludingReplacements) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(
      GetParam(), {.max_tasks_per_child = 3, .initializer = pardo::RemoteCall(remember, 41)});
  const auto values = pool.map(remembered, pardo::test::iota_vector(40), {.chunksize = 1});
  for (const int v : values) EXPECT_EQ(v, 41);
}

TEST_P(ProcessFaults, FailingInitializerFailsEveryTaskWithoutHanging) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam(), {.initializer = pardo::RemoteCall(initializer_throws, 0)});
  auto f = pool.submit(identity, 1);
  try {
    f.get();
    FAIL() << "no exception";
  } catch (const pardo::RemoteError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("initializer failed"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("cannot load the table"));
  }
  EXPECT_THROW(pool.map(identity, pardo::test::iota_vector(10)), pardo::RemoteError);
}

TEST_P(ProcessFaults, NoZombiesNoFileDescriptorsLeftAfterDestruction) {
  Watchdog dog(60s);
  const std::size_t fds_before = pardo::test::open_fds();
  std::vector<int> pids;
  {
    pardo::ProcessPool pool(GetParam(), {.max_tasks_per_child = 5});
    pool.map(identity, pardo::test::iota_vector(100), {.chunksize = 1});
    EXPECT_THROW(pool.submit(crash_abort, 0).get(), pardo::WorkerCrashed);
    pids = pool.worker_pids();
  }
  EXPECT_EQ(pardo::test::open_fds(), fds_before);
  EXPECT_FALSE(pardo::test::has_children());
  for (const int pid : pids) {
    if (pid > 0) {
      EXPECT_FALSE(pardo::test::process_exists(pid)) << pid;
    }
  }
}

// Run by WorkersExitWhenTheParentDies in a child process of its own.
TEST(ProcessOrphans, DISABLED_ParentDiesWithBusyWorkers) {
  const char* out = std::getenv("PARDO_TEST_PID_FILE");
  ASSERT_NE(out, nullptr);
  pardo::ProcessPool pool(2);
  auto a = pool.submit(sleep_then, 60'000);
  auto b = pool.submit(sleep_then, 60'000);
  ASSERT_TRUE(pardo::test::eventually([&] { return a.running() && b.running(); }));
  {
    std::ofstream file(out);
    for (const int pid : pool.worker_pids()) file << pid << '\n';
  }
  ::kill(::getpid(), SIGKILL);
}

TEST(ProcessOrphans, WorkersExitWhenTheParentDies) {
  Watchdog dog(60s);
  const std::string pid_file = temp_path("pardo-orphans");
  const int status = pardo::test::run_disabled_test_in_child(
      "ProcessOrphans.DISABLED_ParentDiesWithBusyWorkers", "PARDO_TEST_PID_FILE=" + pid_file);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  std::ifstream file(pid_file);
  std::vector<int> orphans;
  for (int pid = 0; file >> pid;) orphans.push_back(pid);
  std::filesystem::remove(pid_file);
  ASSERT_EQ(orphans.size(), 2U);
  for (const int pid : orphans) {
    EXPECT_TRUE(pardo::test::eventually([&] { return !pardo::test::process_alive(pid); }, 5s))
        << "worker " << pid << " outlived its parent";
  }
}

// Stalls: a worker whose CPU time stands still for stall_timeout is killed.

class ProcessStalls : public OnEveryProcessCount {};
PARDO_ON_EVERY_PROCESS_COUNT(ProcessStalls);

TEST_P(ProcessStalls, StoppedWorkerFailsItsTaskWithWorkerStalled) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam(), {.stall_timeout = 400ms});
  pool.submit(identity, 0).get();  // workers are up
  // Input 3 runs long; the short ones before it are done by the time it is busy.
  auto all = pool.map_async(spin_for, std::vector<int>{1, 1, 1, 20'000}, {.chunksize = 1});
  const BusyWorker busy;
  const int victim = busy.pid();
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGSTOP), 0);
  const auto took = elapsed([&] {
    try {
      all.get();
      FAIL() << "no exception";
    } catch (const pardo::WorkerStalled& e) {
      EXPECT_EQ(e.pid(), victim);
      EXPECT_EQ(e.signal(), SIGKILL);
      EXPECT_EQ(e.task_index(), 3U);
      EXPECT_THAT(e.what(), ::testing::HasSubstr("made no progress"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr("'spin_for' on input 3"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr("(stopped)"));
    }
  });
  EXPECT_LT(took, 1500ms);  // 400 ms, a sample period, and room for a loaded machine
  EXPECT_FALSE(pardo::test::process_exists(victim));
  EXPECT_EQ(pool.submit(identity, 7).get(), 7);
}

TEST_P(ProcessStalls, StalledTaskIsRetriedOnAReplacement) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam(), {.stall_timeout = 400ms, .max_retries = 1});
  pool.submit(identity, 0).get();
  auto task = pool.submit(spin_for, 1500);
  const BusyWorker busy;
  const int victim = busy.pid();
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGSTOP), 0);
  EXPECT_EQ(task.get(), 1500);
  EXPECT_FALSE(pardo::test::process_exists(victim));
}

TEST_P(ProcessStalls, BusyTasksLongerThanTheStallTimeoutAreNotKilled) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam(), {.stall_timeout = 300ms});
  const auto pids = pool.worker_pids();
  std::vector<pardo::Future<int>> busy;
  for (std::size_t w = 0; w < GetParam(); ++w) busy.push_back(pool.submit(spin_for, 900));
  for (auto& f : busy) EXPECT_EQ(f.get(), 900);
  EXPECT_EQ(pool.worker_pids(), pids);
}

TEST_P(ProcessStalls, SleepingLongerThanTheStallTimeoutCountsAsStalled) {
  Watchdog dog(60s);
  pardo::ProcessPool pool(GetParam(), {.stall_timeout = 300ms});
  try {
    pool.submit(sleep_then, 20'000).get();
    FAIL() << "no exception";
  } catch (const pardo::WorkerStalled& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("(sleeping)"));
  }
  EXPECT_EQ(pool.submit(sleep_then, 10).get(), 10);
}

TEST_P(ProcessStalls, DestructionDoesNotWaitOnStoppedWorkers) {
  Watchdog dog(60s);
  pardo::Future<int> busy;
  std::vector<int> pids;
  const auto took = elapsed([&] {
    pardo::ProcessPool pool(GetParam(), {.stall_timeout = 400ms});
    pool.map(identity, pardo::test::iota_vector(static_cast<int>(GetParam())), {.chunksize = 1});
    busy = pool.submit(spin_for, 20'000);
    const BusyWorker announced;
    const int running = announced.pid();
    pids = pool.worker_pids();
    // The busy worker and every idle one stop; the pool must still go within the stall timeout.
    for (const int pid : pids) ASSERT_EQ(::kill(pid, SIGSTOP), 0);
    ASSERT_GT(running, 0);
  });
  EXPECT_LT(took, 3s);  // the exit timeout alone is 5 s
  EXPECT_THROW(busy.get(), pardo::WorkerStalled);
  for (const int pid : pids) EXPECT_FALSE(pardo::test::process_exists(pid)) << pid;
  EXPECT_FALSE(pardo::test::has_children());
}

TEST(ProcessStallOptions, InvalidStallTimeoutThrowsInvalidArgumentNamingIt) {
  const auto message = [](std::chrono::duration<double> timeout) -> std::string {
    try {
      pardo::ProcessPool pool(std::size_t{1}, {.stall_timeout = timeout});
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  using seconds = std::chrono::duration<double>;
  EXPECT_THAT(message(seconds(-0.5)), ::testing::HasSubstr("stall_timeout -0.5 s"));
  EXPECT_THAT(message(seconds(std::nan(""))), ::testing::HasSubstr("stall_timeout nan"));
  EXPECT_THAT(message(seconds(HUGE_VAL)), ::testing::HasSubstr("stall_timeout inf"));
}

// Run by TooFewDescriptorsFailTheConstructor in a child process of its own.
TEST(ProcessDescriptors, DISABLED_ConstructorThrowsWhenDescriptorsRunOut) {
  const std::size_t fds_before = pardo::test::open_fds();
  // Room for the pool's epoll and eventfd and a few workers (each needs five descriptors while
  // it starts, two of them at 10 or above, and keeps one), not for eight.
  std::set<int> open;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    open.insert(std::stoi(entry.path().filename().string()));
  }
  int limit = 0;
  for (int free = 0, free_high = 0; free < 10 || free_high < 3; ++limit) {
    if (open.contains(limit)) continue;
    ++free;
    if (limit >= 10) ++free_high;
  }
  rlimit files{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  files.rlim_cur = static_cast<rlim_t>(limit);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &files), 0);
  try {
    pardo::ProcessPool pool(8);
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EMFILE);
    EXPECT_THAT(e.what(), ::testing::ContainsRegex("cannot start worker [1-7] "));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("open file limit " + std::to_string(limit)));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("Too many open files"));
  }
  EXPECT_EQ(pardo::test::open_fds(), fds_before);
  EXPECT_FALSE(pardo::test::has_children());
}

TEST(ProcessDescriptors, TooFewDescriptorsFailTheConstructor) {
  Watchdog dog(60s);
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string filter =
      "--gtest_filter=ProcessDescriptors.DISABLED_ConstructorThrowsWhenDescriptorsRunOut";
  std::string disabled = "--gtest_also_run_disabled_tests";
  char* argv[] = {self.data(), filter.data(), disabled.data(), nullptr};
  pid_t child = -1;
  ASSERT_EQ(::posix_spawn(&child, self.c_str(), nullptr, nullptr, argv, environ), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status)) << "the child ended with wait status " << status;
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
}

}  // namespace

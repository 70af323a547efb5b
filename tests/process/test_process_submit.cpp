// ProcessPool's own side of submit: tasks run in other processes that survive their errors,
// functions must be registered, arguments must encode, options are checked. What submit
// promises on every backend lives in tests/contract/.

#include <unistd.h>

#include <cerrno>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <gmock/gmock.h>

#include "process_support.hpp"

namespace {

double square(double x) { return x * x; }
PARDO_REMOTE(square);

int worker_pid() { return static_cast<int>(::getpid()); }
PARDO_REMOTE(worker_pid);

int fail_with(int code) {
  if (code == 1) throw std::invalid_argument("bad input 1");
  if (code == 3) throw 42;
  return code;
}
PARDO_REMOTE(fail_with);

std::pair<std::size_t, int> whoami(std::size_t worker) {
  return {worker, static_cast<int>(::getpid())};
}
PARDO_REMOTE(whoami);

int not_registered(int x) { return x; }

// A type whose encoding fails in the parent: its save throws.
struct Unsendable {
  std::string payload;
  template <class Archive>
  void save(Archive&) const {
    throw std::runtime_error("Unsendable cannot be saved");
  }
  template <class Archive>
  void load(Archive&) {}
};
int take_unsendable(Unsendable) { return 1; }
PARDO_REMOTE(take_unsendable);

using pardo::test::OnEveryProcessCount;
using namespace std::chrono_literals;

class ProcessSubmit : public OnEveryProcessCount {};
PARDO_ON_EVERY_PROCESS_COUNT(ProcessSubmit);

TEST_P(ProcessSubmit, RunsInAnotherProcess) {
  pardo::ProcessPool pool(GetParam());
  EXPECT_EQ(pool.submit(square, 3.0).get(), 9.0);
  EXPECT_NE(pool.submit(worker_pid).get(), static_cast<int>(::getpid()));
}

TEST_P(ProcessSubmit, AWorkerSurvivesTheExceptionsOfItsTasks) {
  pardo::ProcessPool pool(GetParam());
  const auto before = pool.worker_pids();
  EXPECT_THROW(pool.submit(fail_with, 1).get(), pardo::RemoteError);
  EXPECT_THROW(pool.submit(fail_with, 3).get(), pardo::RemoteError);
  // The next task runs on the same processes.
  EXPECT_EQ(pool.submit(fail_with, 7).get(), 7);
  EXPECT_EQ(pool.worker_pids(), before);
}

TEST_P(ProcessSubmit, UnregisteredFunctionThrowsInvalidArgumentNamingIt) {
  pardo::ProcessPool pool(GetParam());
  try {
    pool.submit(not_registered, 1);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("int (*)(int)"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("PARDO_REMOTE"));
  }
}

TEST_P(ProcessSubmit, AnArgumentThatCannotBeEncodedFailsOnlyItsFuture) {
  pardo::ProcessPool pool(GetParam());
  auto bad = pool.submit(take_unsendable, Unsendable{});
  auto good = pool.submit(square, 2.0);
  EXPECT_THROW(
      {
        try {
          bad.get();
        } catch (const std::runtime_error& e) {
          EXPECT_THAT(e.what(), ::testing::HasSubstr("Unsendable cannot be saved"));
          throw;
        }
      },
      std::runtime_error);
  EXPECT_EQ(good.get(), 4.0);
}

TEST_P(ProcessSubmit, SubmitEachGivesAFuturePerInputInInputOrder) {
  pardo::ProcessPool pool(GetParam());
  std::vector<double> xs(1000);
  for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<double>(i);
  std::vector<pardo::Future<double>> futures = pool.submit_each(square, xs);
  ASSERT_EQ(futures.size(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) EXPECT_EQ(futures[i].get(), xs[i] * xs[i]);
  EXPECT_TRUE(pool.submit_each(square, std::vector<double>{}).empty());
}

TEST_P(ProcessSubmit, SubmitEachFailsOnlyTheFuturesOfFailingInputs) {
  pardo::ProcessPool pool(GetParam());
  auto futures = pool.submit_each(fail_with, std::vector{0, 1, 2});
  EXPECT_EQ(futures[0].get(), 0);
  EXPECT_THROW(futures[1].get(), pardo::RemoteError);
  EXPECT_EQ(futures[2].get(), 2);
  auto unsendable = pool.submit_each(take_unsendable, std::vector<Unsendable>(2));
  for (auto& f : unsendable) {
    try {
      f.get();
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("Unsendable cannot be saved"));
    }
  }
  EXPECT_THROW(pool.submit_each(not_registered, std::vector{1}), std::invalid_argument);
  pool.shutdown();
  EXPECT_THROW(pool.submit_each(square, std::vector{1.0}), pardo::ShutdownError);
}

TEST_P(ProcessSubmit, OnEachWorkerRunsOncePerWorkerInDistinctProcesses) {
  pardo::ProcessPool pool(GetParam());
  const std::vector<std::pair<std::size_t, int>> seen = pool.on_each_worker(whoami);
  ASSERT_EQ(seen.size(), GetParam());
  std::set<int> pids;
  for (std::size_t w = 0; w < seen.size(); ++w) {
    EXPECT_EQ(seen[w].first, w);
    pids.insert(seen[w].second);
  }
  EXPECT_EQ(pids.size(), GetParam());
  const auto live = pool.worker_pids();
  EXPECT_EQ(std::set<int>(live.begin(), live.end()), pids);
}

// The path of this test program, for a worker_command that starts it through a shell.
std::string this_program() {
  std::string path(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", path.data(), path.size());
  path.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return path;
}

TEST_P(ProcessSubmit, AWorkerCommandStartsTheWorkersThroughAnotherProgram) {
  // sh is found in PATH; it execs this program with the arguments the pool appends.
  pardo::ProcessPool pool(GetParam(),
                          {.worker_command = {"sh", "-c", "exec \"$0\" \"$@\"", this_program()}});
  EXPECT_EQ(pool.map(square, std::vector{1.0, 2.0, 3.0}), (std::vector{1.0, 4.0, 9.0}));
  EXPECT_NE(pool.submit(worker_pid).get(), static_cast<int>(::getpid()));
}

TEST(ProcessOptions, AWorkerCommandThatCannotStartFailsTheConstructorNamingTheProgram) {
  try {
    pardo::ProcessPool pool(2, {.worker_command = {"/nonexistent/pardo-worker"}});
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("cannot start worker 0"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("posix_spawn of \"/nonexistent/pardo-worker\""));
    EXPECT_EQ(e.code().value(), ENOENT);
  }
}

TEST(ProcessOptions, BadArgumentsThrowInvalidArgumentNamingTheValue) {
  const auto message = [](auto make) -> std::string {
    try {
      make();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  EXPECT_THAT(message([] { pardo::ProcessPool pool(0U); }), ::testing::HasSubstr("worker count 0"));
  EXPECT_THAT(message([] { pardo::ProcessPool pool(-3); }), ::testing::HasSubstr("-3"));
  EXPECT_THAT(message([] { pardo::ProcessPool pool(2, {.task_timeout = -1s}); }),
              ::testing::HasSubstr("task_timeout -1"));
  EXPECT_THAT(message([] { pardo::ProcessPool pool(2, {.max_tasks_per_child = -5}); }),
              ::testing::HasSubstr("max_tasks_per_child -5"));
  EXPECT_THAT(message([] { pardo::ProcessPool pool(2, {.max_retries = -1}); }),
              ::testing::HasSubstr("max_retries -1"));
  EXPECT_THAT(message([] { pardo::ProcessPool pool(1U << 20); }), ::testing::HasSubstr("1048576"));
  EXPECT_THAT(message([] { pardo::ProcessPool pool(1, {.worker_command = {""}}); }),
              ::testing::HasSubstr("worker_command names an empty program"));
  EXPECT_THAT(message([] {
                pardo::ProcessPool pool(1, {.worker_command = {"sh", std::string("a\0b", 3)}});
              }),
              ::testing::HasSubstr("worker_command argument 1 contains a NUL byte"));
  EXPECT_THAT(message([] { pardo::RemoteCall call(not_registered, 1); }),
              ::testing::HasSubstr("not registered"));
}

}  // namespace

// ProcessPool::submit: values, types over the wire, errors, futures, options.

#include <unistd.h>

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <gmock/gmock.h>

#include "process_support.hpp"

namespace {

double square(double x) { return x * x; }
PARDO_REMOTE(square);

std::string greet(const std::string& name, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += "hello " + name + ";";
  return out;
}
PARDO_REMOTE(greet);

std::map<std::string, std::vector<double>> histogram(std::vector<std::string> keys,
                                                     std::optional<double> scale) {
  std::map<std::string, std::vector<double>> out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    out[keys[i]].push_back(static_cast<double>(i) * scale.value_or(1.0));
  }
  return out;
}
PARDO_REMOTE(histogram);

struct Particle {
  std::string name;
  std::vector<double> position;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(name, position);
  }
  friend bool operator==(const Particle&, const Particle&) = default;
};

Particle move_particle(Particle p, double dx) {
  for (double& x : p.position) x += dx;
  p.name += "'";
  return p;
}
PARDO_REMOTE(move_particle);

int worker_pid() { return static_cast<int>(::getpid()); }
PARDO_REMOTE(worker_pid);

int fail_with(int code) {
  if (code == 1) throw std::invalid_argument("bad input 1");
  if (code == 2) throw std::out_of_range("index 2");
  if (code == 3) throw 42;
  return code;
}
PARDO_REMOTE(fail_with);

void sleep_ms(int ms) { ::usleep(static_cast<useconds_t>(ms) * 1000); }
PARDO_REMOTE(sleep_ms);

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

TEST_P(ProcessSubmit, ReturnsTheValueComputedInAnotherProcess) {
  pardo::ProcessPool pool(GetParam());
  EXPECT_EQ(pool.submit(square, 3.0).get(), 9.0);
  EXPECT_NE(pool.submit(worker_pid).get(), static_cast<int>(::getpid()));
}

TEST_P(ProcessSubmit, ConvertsArgumentsToTheParameterTypes) {
  pardo::ProcessPool pool(GetParam());
  EXPECT_EQ(pool.submit(square, 4).get(), 16.0);  // int -> double
  EXPECT_EQ(pool.submit(greet, "ada", 2).get(), "hello ada;hello ada;");
}

TEST_P(ProcessSubmit, CarriesContainersOptionalsAndCerealTypes) {
  pardo::ProcessPool pool(GetParam());
  const auto h =
      pool.submit(histogram, std::vector<std::string>{"a", "b", "a"}, std::optional<double>(2.0))
          .get();
  const std::map<std::string, std::vector<double>> expected{{"a", {0.0, 4.0}}, {"b", {2.0}}};
  EXPECT_EQ(h, expected);
  const Particle p = pool.submit(move_particle, Particle{"p", {1.0, 2.0}}, 0.5).get();
  EXPECT_EQ(p, (Particle{"p'", {1.5, 2.5}}));
}

TEST_P(ProcessSubmit, ManyFuturesEachGetTheirOwnValue) {
  pardo::ProcessPool pool(GetParam());
  std::vector<pardo::Future<double>> futures;
  for (int i = 0; i < 1000; ++i) futures.push_back(pool.submit(square, i));
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(futures[static_cast<std::size_t>(i)].get(), i * i);
}

TEST_P(ProcessSubmit, ExceptionsArriveAsRemoteErrorWithTypeAndMessage) {
  pardo::ProcessPool pool(GetParam());
  try {
    pool.submit(fail_with, 1).get();
    FAIL() << "no exception";
  } catch (const pardo::RemoteError& e) {
    EXPECT_EQ(e.type_name(), "std::invalid_argument");
    EXPECT_EQ(e.message(), "bad input 1");
    EXPECT_STREQ(e.what(), "std::invalid_argument: bad input 1");
  }
  try {
    pool.submit(fail_with, 3).get();
    FAIL() << "no exception";
  } catch (const pardo::RemoteError& e) {
    EXPECT_EQ(e.type_name(), "int");
  }
  // The worker survived: the next task runs on the same processes.
  const auto before = pool.worker_pids();
  EXPECT_EQ(pool.submit(fail_with, 7).get(), 7);
  EXPECT_EQ(pool.worker_pids(), before);
}

TEST_P(ProcessSubmit, VoidFunctionsCompleteTheirFuture) {
  pardo::ProcessPool pool(GetParam());
  auto f = pool.submit(sleep_ms, 1);
  f.get();
  EXPECT_TRUE(f.done());
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

TEST_P(ProcessSubmit, CallbacksAndThenWork) {
  pardo::ProcessPool pool(GetParam());
  std::atomic<int> called{0};
  auto f = pool.submit(square, 5.0);
  f.add_done_callback([&](const pardo::Future<double>& g) {
    if (g.get() == 25.0) called.fetch_add(1);
  });
  auto g = f.then([](double x) { return x + 1; });
  EXPECT_EQ(g.get(), 26.0);
  EXPECT_TRUE(pardo::test::eventually([&] { return called.load() == 1; }));
}

TEST_P(ProcessSubmit, PendingTasksCanBeCancelled) {
  pardo::ProcessPool pool(GetParam());
  // Fill the workers, then queue more than they can hold.
  std::vector<pardo::Future<void>> busy;
  for (std::size_t w = 0; w < GetParam(); ++w) busy.push_back(pool.submit(sleep_ms, 300));
  std::vector<pardo::Future<double>> queued;
  for (int i = 0; i < 20; ++i) queued.push_back(pool.submit(square, i));
  EXPECT_TRUE(queued.back().cancel());
  EXPECT_TRUE(queued.back().cancelled());
  EXPECT_THROW(queued.back().get(), pardo::CancelledError);
  for (std::size_t i = 0; i + 1 < queued.size(); ++i) {
    EXPECT_EQ(queued[i].get(), static_cast<double>(i * i));
  }
}

TEST_P(ProcessSubmit, SubmitAfterShutdownThrowsShutdownError) {
  pardo::ProcessPool pool(GetParam());
  pool.shutdown();
  EXPECT_THROW(pool.submit(square, 1.0), pardo::ShutdownError);
  EXPECT_THROW(pool.map(square, std::vector<double>{1.0}), pardo::ShutdownError);
}

TEST_P(ProcessSubmit, ShutdownWithCancelPendingCancelsQueuedTasks) {
  pardo::ProcessPool pool(GetParam());
  std::vector<pardo::Future<void>> futures;
  for (int i = 0; i < 200; ++i) futures.push_back(pool.submit(sleep_ms, 5));
  pool.shutdown(true, true);
  std::size_t cancelled = 0;
  for (auto& f : futures) {
    ASSERT_TRUE(f.done());
    if (f.cancelled()) {
      ++cancelled;
    } else {
      EXPECT_NO_THROW(f.get());
    }
  }
  EXPECT_GT(cancelled, 100U);
}

TEST_P(ProcessSubmit, DestructorRunsEverythingSubmitted) {
  std::vector<pardo::Future<double>> futures;
  {
    pardo::ProcessPool pool(GetParam());
    for (int i = 0; i < 100; ++i) futures.push_back(pool.submit(square, i));
  }
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(futures[static_cast<std::size_t>(i)].done());
    EXPECT_EQ(futures[static_cast<std::size_t>(i)].get(), i * i);
  }
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
  EXPECT_THAT(message([] { pardo::RemoteCall call(not_registered, 1); }),
              ::testing::HasSubstr("not registered"));
}

}  // namespace

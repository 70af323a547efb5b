// submit of lambdas and other callables (in-process only), and the pool's own arguments:
// worker counts, worker indices. The contract on every backend lives in tests/contract/.
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

class Submit : public OnEveryExecutor {};

TEST_P(Submit, ArgumentsAreCopiedOrMovedIntoTheTask) {
  with_executor([](auto& ex) {
    std::string text = "abc";
    auto copied = ex.submit([](const std::string& s) { return s.size(); }, text);
    auto moved = ex.submit([](std::unique_ptr<int> p) { return *p; }, std::make_unique<int>(5));
    EXPECT_EQ(copied.get(), 3u);
    EXPECT_EQ(moved.get(), 5);
    EXPECT_EQ(text, "abc");
  });
}

TEST_P(Submit, MoveOnlyResultsAreReadByReference) {
  with_executor([](auto& ex) {
    auto f = ex.submit([] { return std::make_unique<int>(11); });
    const std::unique_ptr<int>& value = f.get();
    EXPECT_EQ(*value, 11);
  });
}

TEST_P(Submit, FreeFunctionsAndMemberPointers) {
  with_executor([](auto& ex) {
    struct Box {
      int v;
      int twice() const { return 2 * v; }
    };
    auto f = ex.submit(&Box::twice, Box{4});
    EXPECT_EQ(f.get(), 8);
  });
}

PARDO_ON_EVERY_EXECUTOR(Submit);

TEST(ThreadPoolArguments, ZeroMeansOnePerHardwareThread) {
  ThreadPool pool(0);
  EXPECT_EQ(pool.size(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(ThreadPoolArguments, NegativeCountNamesTheValue) {
  try {
    ThreadPool pool(-3);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "ThreadPool: worker count -3 is negative");
  }
}

TEST(ThreadPoolArguments, ImpossibleCountNamesTheValue) {
  try {
    ThreadPool pool(std::size_t{1} << 40);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ThreadPool: 1099511627776 workers requested"),
              std::string::npos)
        << e.what();
  }
}

class WorkerIndex : public OnEveryPoolSize {};

TEST_P(WorkerIndex, KnownInsideTasksOnly) {
  ThreadPool pool(GetParam());
  EXPECT_FALSE(pool.worker_index().has_value());
  auto f = pool.submit([&pool] { return pool.worker_index(); });
  const auto index = f.get();
  ASSERT_TRUE(index.has_value());
  EXPECT_LT(*index, GetParam());
  ThreadPool other(1);
  EXPECT_FALSE(other.submit([&pool] { return pool.worker_index(); }).get().has_value());
}

TEST_P(WorkerIndex, OnEachWorkerRunsOnceOnEveryWorker) {
  ThreadPool pool(GetParam());
  auto reported = pool.on_each_worker([&pool](std::size_t w) {
    EXPECT_EQ(pool.worker_index(), w);
    return std::make_pair(w, std::this_thread::get_id());
  });
  ASSERT_EQ(reported.size(), GetParam());
  std::set<std::thread::id> threads;
  for (std::size_t w = 0; w < reported.size(); ++w) {
    EXPECT_EQ(reported[w].first, w);
    threads.insert(reported[w].second);
  }
  EXPECT_EQ(threads.size(), GetParam());
}

TEST_P(WorkerIndex, OnEachWorkerFromInsideATask) {
  ThreadPool pool(GetParam());
  auto f = pool.submit([&pool] { return pool.on_each_worker([](std::size_t w) { return w; }); });
  EXPECT_EQ(f.get().size(), GetParam());
}

PARDO_ON_EVERY_POOL_SIZE(WorkerIndex);

TEST(SerialExecutorContract, RunsInlineInSubmissionOrder) {
  SerialExecutor serial;
  std::vector<int> order;
  auto a = serial.submit([&order] { order.push_back(1); });
  EXPECT_TRUE(a.done());
  serial.submit([&order] { order.push_back(2); });
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(serial.size(), 1u);
  EXPECT_EQ(serial.on_each_worker([](std::size_t w) { return w; }), (std::vector<std::size_t>{0}));
}

}  // namespace
}  // namespace pardo::test

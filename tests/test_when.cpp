// when_all, wait and as_completed.
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

class When : public OnEveryExecutor {};

TEST_P(When, WhenAllKeepsInputOrder) {
  with_executor([](auto& ex) {
    std::vector<Future<int>> futures;
    for (int i = 0; i < 50; ++i) futures.push_back(ex.submit([i] { return i * i; }));
    const std::vector<int> all = when_all(futures).get();
    ASSERT_EQ(all.size(), 50u);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(all[static_cast<std::size_t>(i)], i * i);
  });
}

TEST_P(When, WhenAllFailsWithTheFirstErrorByInputOrder) {
  with_executor([](auto& ex) {
    std::vector<Future<int>> futures;
    for (int i = 0; i < 20; ++i) {
      futures.push_back(ex.submit([i]() -> int {
        if (i == 7) throw std::out_of_range("seven");
        if (i == 12) throw std::logic_error("twelve");
        return i;
      }));
    }
    auto all = when_all(futures);
    EXPECT_THROW(all.get(), std::out_of_range);
  });
}

TEST_P(When, WhenAllOfVoid) {
  with_executor([](auto& ex) {
    std::atomic<int> count{0};
    std::vector<Future<void>> futures;
    for (int i = 0; i < 10; ++i) futures.push_back(ex.submit([&count] { ++count; }));
    when_all(futures).get();
    EXPECT_EQ(count.load(), 10);
  });
}

PARDO_ON_EVERY_EXECUTOR(When);

TEST(WhenAll, EmptyInputIsReadyAtOnce) {
  auto all = when_all(std::vector<Future<int>>{});
  EXPECT_TRUE(all.done());
  EXPECT_TRUE(all.get().empty());
}

TEST(WhenAll, CancelledInputFailsWithCancelledError) {
  Promise<int> a, b;
  auto all = when_all(std::vector{a.get_future(), b.get_future()});
  a.set_value(1);
  EXPECT_FALSE(all.done());
  b.get_future().cancel();
  EXPECT_THROW(all.get(), CancelledError);
}

class Wait : public OnEveryPoolSize {};

TEST_P(Wait, AllCompleted) {
  ThreadPool pool(GetParam());
  std::vector<Future<int>> futures;
  for (int i = 0; i < 30; ++i) futures.push_back(pool.submit([i] { return i; }));
  auto [done, not_done] = wait(futures);
  EXPECT_EQ(done.size(), 30u);
  EXPECT_TRUE(not_done.empty());
  for (std::size_t i = 0; i < done.size(); ++i) EXPECT_EQ(done[i].get(), static_cast<int>(i));
}

TEST_P(Wait, FirstCompletedReturnsWhenOneIsDone) {
  ThreadPool pool(GetParam());
  Gate release;
  std::vector<Future<int>> futures;
  futures.push_back(submit_held(pool, release, 1));
  futures.push_back(pool.submit([] { return 2; }));
  if (GetParam() == 1) {
    // One worker is blocked: the second task is queued behind it. Use a promise instead.
    Promise<int> p;
    futures[1] = p.get_future();
    p.set_value(2);
  }
  auto [done, not_done] = wait(futures, ReturnWhen::first_completed);
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(not_done.size(), 1u);
  EXPECT_EQ(done[0].get(), 2);
  EXPECT_TRUE(not_done[0] == futures[0]);
  release.open();
}

TEST_P(Wait, FirstExceptionStopsAtAFailure) {
  ThreadPool pool(GetParam());
  Gate release;
  std::vector<Future<int>> futures;
  futures.push_back(submit_held(pool, release, 0));
  Promise<int> ok, failing;
  futures.push_back(ok.get_future());
  futures.push_back(failing.get_future());
  ok.set_value(1);
  std::thread thrower([&failing] {
    std::this_thread::sleep_for(10ms);
    failing.set_exception(std::make_exception_ptr(std::runtime_error("x")));
  });
  auto [done, not_done] = wait(futures, ReturnWhen::first_exception);
  thrower.join();
  EXPECT_EQ(done.size(), 2u);
  ASSERT_EQ(not_done.size(), 1u);
  EXPECT_TRUE(not_done[0] == futures[0]);
  release.open();
}

TEST_P(Wait, FirstExceptionWithoutFailuresWaitsForAll) {
  ThreadPool pool(GetParam());
  std::vector<Future<int>> futures;
  for (int i = 0; i < 5; ++i) {
    futures.push_back(pool.submit([i] {
      std::this_thread::sleep_for(std::chrono::milliseconds(2 * i));
      return i;
    }));
  }
  auto [done, not_done] = wait(futures, ReturnWhen::first_exception);
  EXPECT_EQ(done.size(), 5u);
  EXPECT_TRUE(not_done.empty());
}

TEST_P(Wait, TimeoutReturnsThePartialSets) {
  ThreadPool pool(GetParam());
  Gate release;
  std::vector<Future<int>> futures;
  futures.push_back(submit_held(pool, release, 0));
  Promise<int> p;
  p.set_value(1);
  futures.push_back(p.get_future());
  const auto start = std::chrono::steady_clock::now();
  auto [done, not_done] = wait(futures, ReturnWhen::all_completed, 50ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_EQ(done.size(), 1u);
  EXPECT_EQ(not_done.size(), 1u);
  release.open();
}

PARDO_ON_EVERY_POOL_SIZE(Wait);

TEST(WaitArguments, UnknownReturnWhenIsRejected) {
  std::vector<Future<int>> none;
  try {
    wait(none, static_cast<ReturnWhen>(9));
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown ReturnWhen 9"), std::string::npos) << e.what();
  }
}

class AsCompletedOrder : public OnEveryPoolSize {};

TEST_P(AsCompletedOrder, FinishedFirstThenInCompletionOrder) {
  Promise<int> early, first, second, third;
  early.set_value(0);
  std::vector<Future<int>> futures{third.get_future(), first.get_future(), early.get_future(),
                                   second.get_future()};
  ThreadPool pool(GetParam());
  std::thread producer([&] {
    std::this_thread::sleep_for(10ms);
    first.set_value(1);
    std::this_thread::sleep_for(10ms);
    second.set_value(2);
    std::this_thread::sleep_for(10ms);
    third.set_value(3);
  });
  std::vector<int> order;
  for (auto& f : as_completed(futures)) order.push_back(f.get());
  producer.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST_P(AsCompletedOrder, YieldsEachFutureOnce) {
  ThreadPool pool(GetParam());
  std::vector<Future<int>> futures;
  for (int i = 0; i < 200; ++i) futures.push_back(pool.submit([i] { return i; }));
  std::vector<int> seen(200, 0);
  for (auto& f : as_completed(futures)) ++seen[static_cast<std::size_t>(f.get())];
  for (int count : seen) EXPECT_EQ(count, 1);
}

TEST_P(AsCompletedOrder, TimeoutThrowsCountingTheUnfinished) {
  ThreadPool pool(GetParam());
  Promise<int> done, never1, never2;
  done.set_value(1);
  std::vector<Future<int>> futures{never1.get_future(), done.get_future(), never2.get_future()};
  std::vector<int> got;
  try {
    for (auto& f : as_completed(futures, 30ms)) got.push_back(f.get());
    FAIL() << "no timeout";
  } catch (const TimeoutError& e) {
    EXPECT_STREQ(e.what(), "2 (of 3) futures unfinished");
  }
  EXPECT_EQ(got, (std::vector<int>{1}));
}

PARDO_ON_EVERY_POOL_SIZE(AsCompletedOrder);

TEST(AsCompletedEmpty, YieldsNothing) {
  int n = 0;
  for ([[maybe_unused]] auto& f : as_completed(std::vector<Future<int>>{})) ++n;
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace pardo::test

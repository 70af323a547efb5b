// Future and Promise: states, get, wait, exception, cancel, request_stop.
#include <atomic>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>

#include "support.hpp"

namespace pardo::test {
namespace {

TEST(Future, DefaultConstructedHasNoState) {
  Future<int> f;
  EXPECT_FALSE(f.valid());
  EXPECT_THROW(f.get(), InvalidStateError);
  EXPECT_THROW(f.done(), InvalidStateError);
  EXPECT_THROW(f.cancel(), InvalidStateError);
}

TEST(Promise, SetValueFinishesTheFuture) {
  Promise<std::string> p;
  Future<std::string> f = p.get_future();
  EXPECT_TRUE(f.valid());
  EXPECT_FALSE(f.done());
  EXPECT_FALSE(f.running());
  EXPECT_FALSE(f.wait_for(1ms));
  p.set_value("done");
  EXPECT_TRUE(f.done());
  EXPECT_TRUE(f.wait_for(0ms));
  EXPECT_EQ(f.get(), "done");
  EXPECT_EQ(f.exception(), nullptr);
  EXPECT_FALSE(f.cancelled());
}

TEST(Promise, SettingTwiceThrowsInvalidStateError) {
  Promise<int> p;
  p.set_value(1);
  EXPECT_THROW(p.set_value(2), InvalidStateError);
  EXPECT_THROW(p.set_exception(std::make_exception_ptr(std::runtime_error("x"))),
               InvalidStateError);
  EXPECT_EQ(p.get_future().get(), 1);
}

TEST(Promise, ExceptionIsRethrownWithItsOriginalType) {
  Promise<int> p;
  p.set_exception(std::make_exception_ptr(std::out_of_range("index 7")));
  Future<int> f = p.get_future();
  EXPECT_THROW(f.get(), std::out_of_range);
  try {
    f.get();
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "index 7");
  }
  EXPECT_NE(f.exception(), nullptr);
}

TEST(Promise, DestroyedWithoutValueFailsTheFuture) {
  Future<int> f;
  {
    Promise<int> p;
    f = p.get_future();
  }
  EXPECT_TRUE(f.done());
  EXPECT_THROW(f.get(), InvalidStateError);
}

TEST(Promise, VoidPromise) {
  Promise<void> p;
  auto f = p.get_future();
  std::thread producer([&p] { p.set_value(); });
  f.get();
  producer.join();
  EXPECT_TRUE(f.done());
}

TEST(Promise, SetValueAfterCancelThrows) {
  Promise<int> p;
  auto f = p.get_future();
  EXPECT_TRUE(f.cancel());
  EXPECT_THROW(p.set_value(1), InvalidStateError);
  EXPECT_THROW(f.get(), CancelledError);
}

TEST(Promise, WaitWakesAcrossThreads) {
  Promise<int> p;
  auto f = p.get_future();
  std::thread producer([&p] {
    std::this_thread::sleep_for(20ms);
    p.set_value(9);
  });
  f.wait();
  EXPECT_EQ(f.get(), 9);
  producer.join();
}

TEST(Future, WaitUntilUsesAnyClock) {
  Promise<int> p;
  auto f = p.get_future();
  EXPECT_FALSE(f.wait_until(std::chrono::system_clock::now() + 5ms));
  p.set_value(1);
  EXPECT_TRUE(f.wait_until(std::chrono::system_clock::now()));
}

TEST(Future, CopiesShareOneState) {
  Promise<int> p;
  auto a = p.get_future();
  auto b = a;
  EXPECT_TRUE(a == b);
  p.set_value(3);
  EXPECT_EQ(b.get(), 3);
}

class FutureStates : public OnEveryPoolSize {};

TEST_P(FutureStates, PendingRunningFinished) {
  ThreadPool pool(GetParam());
  Gate started, release;
  auto blocker = pool.submit([&] {
    started.open();
    release.wait();
    return 1;
  });
  started.wait();
  EXPECT_TRUE(blocker.running());
  EXPECT_FALSE(blocker.done());
  // With every worker busy or not, a queued task is pending until it runs.
  std::vector<Future<int>> fillers;
  for (std::size_t i = 0; i < GetParam(); ++i)
    fillers.push_back(pool.submit([&] {
      release.wait();
      return 2;
    }));
  EXPECT_FALSE(fillers.back().done());
  release.open();
  EXPECT_EQ(blocker.get(), 1);
  EXPECT_FALSE(blocker.running());
  EXPECT_TRUE(blocker.done());
  for (auto& f : fillers) EXPECT_EQ(f.get(), 2);
}

TEST_P(FutureStates, CancelInEachState) {
  ThreadPool pool(GetParam());
  Gate started, release;
  std::vector<Future<void>> running;
  std::atomic<std::size_t> begun{0};
  for (std::size_t i = 0; i < GetParam(); ++i) {
    running.push_back(pool.submit([&] {
      if (++begun == GetParam()) started.open();
      release.wait();
    }));
  }
  started.wait();
  std::atomic<bool> ran{false};
  auto pending = pool.submit([&] { ran = true; });
  // pending: cancel succeeds, repeatedly
  EXPECT_TRUE(pending.cancel());
  EXPECT_TRUE(pending.cancel());
  EXPECT_TRUE(pending.cancelled());
  EXPECT_TRUE(pending.done());
  EXPECT_FALSE(pending.running());
  EXPECT_THROW(pending.get(), CancelledError);
  EXPECT_THROW(pending.exception(), CancelledError);
  // running: cancel fails
  EXPECT_FALSE(running.front().cancel());
  EXPECT_FALSE(running.front().cancelled());
  release.open();
  for (auto& f : running) f.get();
  // finished: cancel fails
  EXPECT_FALSE(running.front().cancel());
  pool.shutdown();
  EXPECT_FALSE(ran.load());
}

TEST_P(FutureStates, RequestStopReachesARunningTask) {
  ThreadPool pool(GetParam());
  Gate started;
  auto f = pool.submit(
      [&](std::stop_token token, int step) {
        started.open();
        int spins = 0;
        while (!token.stop_requested()) {
          spins += step;
          std::this_thread::sleep_for(1ms);
        }
        return spins;
      },
      1);
  started.wait();
  EXPECT_TRUE(f.request_stop());
  EXPECT_FALSE(f.request_stop());
  EXPECT_GE(f.get(), 0);
}

TEST_P(FutureStates, RequestStopWithoutStopTokenReturnsFalse) {
  ThreadPool pool(GetParam());
  auto f = pool.submit([] { return 1; });
  EXPECT_FALSE(f.request_stop());
  EXPECT_EQ(f.get(), 1);
}

TEST_P(FutureStates, ExceptionKeepsItsTypeAndMessage) {
  ThreadPool pool(GetParam());
  auto f = pool.submit([]() -> int { throw std::invalid_argument("bad input 42"); });
  EXPECT_THROW(f.get(), std::invalid_argument);
  try {
    f.get();
    FAIL() << "get() did not throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "bad input 42");
  }
  EXPECT_NE(f.exception(), nullptr);
  EXPECT_EQ(describe(f.exception()), "std::invalid_argument: bad input 42");
}

TEST_P(FutureStates, NonExceptionThrowIsKept) {
  ThreadPool pool(GetParam());
  auto f = pool.submit([]() -> int { throw 7; });
  try {
    f.get();
    FAIL() << "get() did not throw";
  } catch (int value) {
    EXPECT_EQ(value, 7);
  }
}

PARDO_ON_EVERY_POOL_SIZE(FutureStates);

}  // namespace
}  // namespace pardo::test

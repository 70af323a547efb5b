// ThreadPool's shutdown and destruction: draining tasks that submit more, shutting down from
// a worker, cancelling part of a loop. ShutdownError, the destructor and cancel_pending on
// every backend: tests/contract/.
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

class PoolShutdown : public OnEveryPoolSize {};

TEST_P(PoolShutdown, DestructorRunsTasksThatTasksSubmitWhileDraining) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(GetParam());
    for (int i = 0; i < 20; ++i) {
      pool.submit([&pool, &ran] {
        std::this_thread::sleep_for(1ms);
        auto child = pool.submit([&ran] { ++ran; });
        child.get();
        ++ran;
      });
    }
  }
  EXPECT_EQ(ran.load(), 40);
}

TEST_P(PoolShutdown, ShutdownWithoutWaitReturnsAtOnce) {
  ThreadPool pool(GetParam());
  Gate release;
  auto f = submit_held(pool, release, 3);
  pool.shutdown(false);
  EXPECT_THROW(pool.submit([] {}), ShutdownError);
  release.open();
  EXPECT_EQ(f.get(), 3);
}

TEST_P(PoolShutdown, WaitingShutdownFromOwnWorkerIsRefused) {
  ThreadPool pool(GetParam());
  auto f = pool.submit([&pool] { pool.shutdown(true); });
  EXPECT_THROW(f.get(), InvalidStateError);
}

PARDO_ON_EVERY_POOL_SIZE(PoolShutdown);

// concurrent.futures' test: 50 tasks of 100 ms on 2 workers, shut down with cancel_futures.
TEST(ShutdownCancelPending, CancelsQueuedTasksAndFinishesRunningOnes) {
  ThreadPool pool(2);
  std::vector<Future<int>> futures;
  for (int i = 0; i < 50; ++i) {
    futures.push_back(pool.submit([i] {
      std::this_thread::sleep_for(100ms);
      return i;
    }));
  }
  std::this_thread::sleep_for(20ms);
  pool.shutdown(true, true);
  int cancelled = 0;
  int finished = 0;
  for (auto& f : futures) {
    ASSERT_TRUE(f.done());
    if (f.cancelled()) {
      ++cancelled;
      EXPECT_THROW(f.get(), CancelledError);
    } else {
      EXPECT_EQ(f.exception(), nullptr);
      ++finished;
    }
  }
  EXPECT_GT(cancelled, 20);
  EXPECT_EQ(cancelled + finished, 50);
  EXPECT_GE(finished, 2);
}

TEST(ShutdownCancelPending, RunningTasksCannotSubmitMore) {
  ThreadPool pool(2);
  Gate started, release;
  auto f = pool.submit([&] {
    started.open();
    release.wait();
    pool.submit([] {});
  });
  started.wait();
  pool.shutdown(false, true);
  release.open();
  EXPECT_THROW(f.get(), ShutdownError);
  pool.shutdown(true);
}

TEST(ShutdownCancelPending, CancelsTheQueuedPartOfALoop) {
  ThreadPool pool(1);
  Gate started, release;
  auto outer = pool.submit([&] {
    started.open();
    release.wait();
  });
  started.wait();
  auto looping = pool.map_async([](int x) { return x; }, std::vector<int>(100, 1));
  pool.shutdown(false, true);
  release.open();
  outer.get();
  EXPECT_TRUE(looping.cancelled());
  pool.shutdown(true);
}

}  // namespace
}  // namespace pardo::test

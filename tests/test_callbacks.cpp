// add_done_callback: once, in order, inline when already done, errors reported not lost.
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

/// Captures what reaches an error handler.
struct Reports {
  std::mutex mutex;
  std::vector<std::string> lines;
  ErrorHandler handler() {
    return [this](std::exception_ptr e, std::string_view where) {
      std::lock_guard lock(mutex);
      lines.push_back(std::string(where) + " | " + describe(e));
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return lines.size();
  }
};

class ProcessHandlerScope {
 public:
  explicit ProcessHandlerScope(ErrorHandler h) : previous_(set_error_handler(std::move(h))) {}
  ~ProcessHandlerScope() { set_error_handler(previous_); }

 private:
  ErrorHandler previous_;
};

TEST(Callbacks, RunInRegistrationOrderOnCompletion) {
  Promise<int> p;
  auto f = p.get_future();
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) {
    f.add_done_callback([&order, i](const Future<int>& g) {
      EXPECT_EQ(g.get(), 10);
      order.push_back(i);
    });
  }
  EXPECT_TRUE(order.empty());
  p.set_value(10);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Callbacks, AlreadyDoneRunsAtOnceInTheCallersThread) {
  Promise<int> p;
  p.set_value(1);
  auto f = p.get_future();
  std::thread::id where;
  f.add_done_callback([&where](const Future<int>&) { where = std::this_thread::get_id(); });
  EXPECT_EQ(where, std::this_thread::get_id());
}

TEST(Callbacks, RunOnCancel) {
  Promise<int> p;
  auto f = p.get_future();
  bool saw_cancel = false;
  f.add_done_callback([&](const Future<int>& g) { saw_cancel = g.cancelled(); });
  EXPECT_TRUE(f.cancel());
  EXPECT_TRUE(saw_cancel);
}

TEST(Callbacks, RunOnFailure) {
  Promise<int> p;
  auto f = p.get_future();
  std::exception_ptr seen;
  f.add_done_callback([&](const Future<int>& g) { seen = g.exception(); });
  p.set_exception(std::make_exception_ptr(std::logic_error("broken")));
  ASSERT_NE(seen, nullptr);
  EXPECT_EQ(describe(seen), "std::logic_error: broken");
}

TEST(Callbacks, ThrowingCallbackIsReportedAndOthersStillRun) {
  Reports reports;
  ProcessHandlerScope scope(reports.handler());
  Promise<int> p;
  auto f = p.get_future();
  std::vector<int> ran;
  f.add_done_callback([&](const Future<int>&) { ran.push_back(1); });
  f.add_done_callback([](const Future<int>&) { throw std::runtime_error("callback failed"); });
  f.add_done_callback([&](const Future<int>&) { ran.push_back(3); });
  p.set_value(0);
  EXPECT_EQ(ran, (std::vector<int>{1, 3}));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports.lines[0], "done callback | std::runtime_error: callback failed");
  // Inline, on a future already done: reported too.
  f.add_done_callback([](const Future<int>&) { throw std::range_error("late"); });
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports.lines[1], "done callback | std::range_error: late");
}

TEST(Callbacks, DefaultHandlerPrintsOnStderr) {
  Promise<int> p;
  auto f = p.get_future();
  f.add_done_callback([](const Future<int>&) { throw std::runtime_error("visible"); });
  ::testing::internal::CaptureStderr();
  p.set_value(0);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("pardo: exception in done callback: std::runtime_error: visible"),
            std::string::npos)
      << err;
}

class PoolCallbacks : public OnEveryPoolSize {};

TEST_P(PoolCallbacks, ThrowingCallbackGoesToThePoolsHandler) {
  ThreadPool pool(GetParam());
  Reports reports;
  pool.set_error_handler(reports.handler());
  Gate release;
  auto f = submit_held(pool, release, 5);
  std::atomic<int> after{0};
  f.add_done_callback([](const Future<int>&) { throw std::runtime_error("on a worker"); });
  f.add_done_callback([&](const Future<int>& g) { after = g.get(); });
  release.open();
  EXPECT_EQ(f.get(), 5);
  ASSERT_TRUE(eventually([&] { return reports.size() == 1 && after == 5; }));
  EXPECT_EQ(reports.lines[0], "done callback | std::runtime_error: on a worker");
}

TEST_P(PoolCallbacks, EachCallbackRunsExactlyOnce) {
  ThreadPool pool(GetParam());
  std::atomic<int> calls{0};
  std::vector<Future<int>> futures;
  for (int i = 0; i < 1000; ++i) {
    futures.push_back(pool.submit([i] { return i; }));
    futures.back().add_done_callback([&calls](const Future<int>&) { ++calls; });
  }
  for (auto& f : futures) f.wait();
  ASSERT_TRUE(eventually([&] { return calls.load() == 1000; }));
  std::this_thread::sleep_for(5ms);
  EXPECT_EQ(calls.load(), 1000);
}

PARDO_ON_EVERY_POOL_SIZE(PoolCallbacks);

}  // namespace
}  // namespace pardo::test

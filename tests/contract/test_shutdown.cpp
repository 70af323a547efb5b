// shutdown and destruction: nothing submitted is lost, queued work can be cancelled, and a
// shut-down executor refuses work with ShutdownError.
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

using namespace contract;

PARDO_CONTRACT_SUITE(Shutdown);

TYPED_TEST(Shutdown, WorkAfterShutdownThrowsShutdownError) {
  auto& ex = this->ex();
  ex.shutdown();
  try {
    ex.submit(square, 1.0);
    FAIL() << "no exception";
  } catch (const ShutdownError& e) {
    EXPECT_NE(std::string(e.what()).find("submit: "), std::string::npos) << e.what();
  }
  const std::vector<int> xs{1, 2};
  EXPECT_THROW(ex.map(affine, xs), ShutdownError);
  EXPECT_THROW(ex.map_async(affine, xs), ShutdownError);
  EXPECT_THROW(ex.starmap(add, std::vector<std::pair<int, int>>{{1, 2}}), ShutdownError);
  EXPECT_THROW(ex.parallel_for(0, 2, record_visit), ShutdownError);
  EXPECT_THROW(ex.map_reduce(xs, affine, std::plus<>{}, 0), ShutdownError);
  EXPECT_THROW(ex.on_each_worker(worker_id), ShutdownError);
  ex.shutdown();  // idempotent
  ex.shutdown(false, true);
  EXPECT_THROW(ex.submit(square, 1.0), ShutdownError);
}

// errors.hpp: ShutdownError is "thrown by submit and the map family once the executor has
// been shut down". SerialExecutor's imap and imap_unordered run their inputs instead (its
// spawn checks nothing): this test fails on the serial kind until the library is fixed.
TYPED_TEST(Shutdown, LazyMapsAfterShutdownThrowShutdownError) {
  auto& ex = this->ex();
  ex.shutdown();
  const std::vector<int> xs{1, 2};
  EXPECT_THROW(ex.imap(affine, xs), ShutdownError);
  EXPECT_THROW(ex.imap_unordered(affine, xs), ShutdownError);
}

TYPED_TEST(Shutdown, DestructorRunsEverythingSubmitted) {
  std::vector<Future<double>> futures;
  for (int i = 0; i < 200; ++i) futures.push_back(this->ex().submit(slow_square, i));
  this->destroy();
  for (int i = 0; i < 200; ++i) {
    auto& f = futures[static_cast<std::size_t>(i)];
    ASSERT_TRUE(f.done()) << i;
    EXPECT_FALSE(f.cancelled()) << i;
    EXPECT_EQ(f.get(), static_cast<double>(i) * i);
  }
}

TYPED_TEST(Shutdown, CancelPendingCancelsQueuedTasksAndFinishesTheOthers) {
  auto& ex = this->ex();
  std::vector<Future<void>> futures;
  for (int i = 0; i < 200; ++i) futures.push_back(ex.submit(sleep_ms, 5));
  ex.shutdown(true, true);
  std::size_t cancelled = 0;
  for (auto& f : futures) {
    ASSERT_TRUE(f.done());
    if (f.cancelled()) {
      ++cancelled;
      EXPECT_THROW(f.get(), CancelledError);
    } else {
      EXPECT_NO_THROW(f.get());
    }
  }
  if constexpr (TypeParam::runs_inline) {
    EXPECT_EQ(cancelled, 0u);  // every task ran inside its submit
  } else {
    EXPECT_GT(cancelled, 100u);
  }
  EXPECT_THROW(ex.submit(square, 1.0), ShutdownError);
}

}  // namespace
}  // namespace pardo::test

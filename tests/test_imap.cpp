// ThreadPool's imap and imap_unordered: completion order and cancellation, seen from inside
// the tasks. Order, errors and every index once, on every backend: tests/contract/.
#include <algorithm>
#include <atomic>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

class ImapPool : public OnEveryPoolSize {};

TEST_P(ImapPool, UnorderedYieldsInCompletionOrder) {
  ThreadPool pool(GetParam());
  Gate slow;
  auto range = pool.imap_unordered(
      [&slow](int x) {
        if (x == 0) slow.wait();
        return x;
      },
      iota_vector(4), {1});
  std::vector<std::size_t> order;
  if (GetParam() == 1) slow.open();  // the one worker would be held by input 0
  auto it = range.begin();
  if (GetParam() > 1) {
    // Input 0 is held back, so something else must come first.
    EXPECT_NE((*it).first, 0u);
  }
  slow.open();
  for (; it != range.end(); ++it) order.push_back((*it).first);
  std::sort(order.begin(), order.end());
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST_P(ImapPool, DestroyingTheRangeCancelsChunksNotStarted) {
  ThreadPool pool(GetParam());
  Gate release;
  std::atomic<int> started{0};
  {
    auto range = pool.imap(
        [&](int x) {
          ++started;
          release.wait();
          return x;
        },
        iota_vector(1000), {1});
    ASSERT_TRUE(eventually([&] { return started.load() >= 1; }));
  }
  release.open();
  pool.shutdown();
  EXPECT_LE(started.load(), 1000);
  EXPECT_LT(started.load(), 1000 - 100);
}

PARDO_ON_EVERY_POOL_SIZE(ImapPool);

}  // namespace
}  // namespace pardo::test

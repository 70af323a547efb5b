// ThreadPool's imap and imap_unordered: completion order, cancellation and back-pressure,
// seen from inside the tasks. Order, errors and every index once, on every backend:
// tests/contract/.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <numeric>
#include <ranges>
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

/// A result that counts how many of its kind are alive.
struct Tracked {
  static inline std::atomic<long> alive{0};
  static inline std::atomic<long> most{0};
  explicit Tracked(long v) : value(v) { note(); }
  Tracked(const Tracked& other) : value(other.value) { note(); }
  Tracked(Tracked&& other) noexcept : value(other.value) { note(); }
  Tracked& operator=(const Tracked&) = default;
  Tracked& operator=(Tracked&&) noexcept = default;
  ~Tracked() { --alive; }
  static void note() {
    const long now = ++alive;
    long seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
  }
  long value;
};

TEST_P(ImapPool, ResultsAliveStayBoundedOverAnEndlessInput) {
  for (const bool ordered : {true, false}) {
    ThreadPool pool(GetParam());
    Tracked::most = 0;
    const MapOptions options{.chunksize = 16, .max_in_flight = 4};
    const auto make = [](long i) { return Tracked(i); };
    long consumed = 0;
    if (ordered) {
      for (const Tracked& t : pool.imap(make, std::views::iota(0L), options)) {
        ASSERT_EQ(t.value, consumed);
        if (++consumed == 200'000) break;
      }
    } else {
      for (const auto& entry : pool.imap_unordered(make, std::views::iota(0L), options)) {
        ASSERT_EQ(entry.second.value, static_cast<long>(entry.first));
        if (++consumed == 200'000) break;
      }
    }
    // 4 chunks of 16 in flight, each result briefly twice while it moves, a temporary per
    // worker, and the one the consumer holds; and a chunk per worker that the consumer has
    // let go of while the worker that made it, preempted after handing it over, has not yet
    // (on a loaded machine with 8 workers on 2 cores: up to 177 seen, against 138 without).
    const auto bound = static_cast<long>(2 * 4 * 16 + GetParam() * (16 + 1) + 2);
    EXPECT_LE(Tracked::most.load(), bound) << (ordered ? "imap" : "imap_unordered");
    pool.shutdown();
    EXPECT_EQ(Tracked::alive.load(), 0);
  }
}

TEST_P(ImapPool, ASlowConsumerHoldsTheProducersBack) {
  ThreadPool pool(GetParam());
  std::atomic<std::size_t> calls{0};
  const auto count = [&calls](int x) {
    ++calls;
    return x;
  };
  const MapOptions options{.chunksize = 2, .max_in_flight = 3};
  std::size_t consumed = 0;
  for (int y : pool.imap(count, std::views::iota(0), options)) {
    ASSERT_EQ(y, static_cast<int>(consumed));
    ++consumed;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_LE(calls.load(), consumed - 1 + 3 * 2);
    if (consumed == 100) break;
  }
  pool.shutdown();
  EXPECT_LE(calls.load(), 100u - 1 + 3 * 2);
}

PARDO_ON_EVERY_POOL_SIZE(ImapPool);

}  // namespace
}  // namespace pardo::test

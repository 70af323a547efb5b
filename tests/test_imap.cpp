// imap and imap_unordered: lazy ranges, order, errors and cancellation.
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

class Imap : public OnEveryExecutor {};

TEST_P(Imap, YieldsInInputOrder) {
  with_executor([](auto& ex) {
    for (Schedule schedule :
         {Schedule::automatic, Schedule::round_robin, Schedule::static_blocks}) {
      std::vector<int> got;
      for (int y : ex.imap([](int x) { return x * 2; }, iota_vector(333), {7, schedule}))
        got.push_back(y);
      ASSERT_EQ(got.size(), 333u);
      for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], 2 * static_cast<int>(i));
    }
  });
}

TEST_P(Imap, ErrorSurfacesAtItsPositionAfterTheEarlierValues) {
  with_executor([](auto& ex) {
    std::vector<int> got;
    auto range = ex.imap(
        [](int x) {
          if (x == 13) throw std::overflow_error("13");
          return x;
        },
        iota_vector(40), {5, Schedule::automatic});
    auto it = range.begin();
    try {
      for (; it != range.end(); ++it) got.push_back(*it);
      FAIL() << "no exception";
    } catch (const std::overflow_error& e) {
      EXPECT_STREQ(e.what(), "13");
    }
    EXPECT_EQ(got, iota_vector(13));
    ++it;
    EXPECT_TRUE(it == range.end());
  });
}

TEST_P(Imap, EmptyInput) {
  with_executor([](auto& ex) {
    int n = 0;
    for ([[maybe_unused]] int y : ex.imap([](int x) { return x; }, std::vector<int>{})) ++n;
    EXPECT_EQ(n, 0);
  });
}

TEST_P(Imap, UnorderedYieldsEveryIndexOnce) {
  with_executor([](auto& ex) {
    std::vector<int> seen(500, 0);
    for (const auto& [i, y] :
         ex.imap_unordered([](int x) { return x + 1; }, iota_vector(500), {9})) {
      EXPECT_EQ(y, static_cast<int>(i) + 1);
      ++seen[i];
    }
    EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
  });
}

TEST_P(Imap, UnorderedErrorIsAnEntryAndIterationGoesOn) {
  with_executor([](auto& ex) {
    std::size_t values = 0;
    int errors = 0;
    auto range = ex.imap_unordered(
        [](int x) {
          if (x == 3) throw std::runtime_error("three");
          return x;
        },
        iota_vector(20), {5});
    for (auto it = range.begin(); it != range.end(); ++it) {
      try {
        static_cast<void>(*it);
        ++values;
      } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "three");
        ++errors;
      }
    }
    EXPECT_EQ(errors, 1);
    EXPECT_EQ(values, 18u);  // the failed input and the one after it in its chunk are missing
  });
}

PARDO_ON_EVERY_EXECUTOR(Imap);

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

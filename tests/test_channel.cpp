// pardo::Channel: every value is taken once, in the order it entered, by any number of
// producers and consumers; producers wait while it is full and consumers while it is empty;
// close() wakes both, and consumers drain what is left; the try and timed forms say why they
// did nothing, and leave the value with the caller.
#include <gmock/gmock.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <pardo/flow.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

TEST(Channel, ACapacityOfZeroOrBeyondMemoryIsRefusedNamingIt) {
  EXPECT_THAT([] { Channel<int> c(0); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("capacity is 0")));
  EXPECT_THAT([] { Channel<int> c(std::size_t{1} << 60); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("capacity 1152921504606846976 needs")));
}

TEST(Channel, ValuesLeaveInTheOrderTheyEnteredAcrossTheRingsEnd) {
  Channel<int> channel(3);
  int next_in = 0;
  int next_out = 0;
  for (int round = 0; round < 10; ++round) {
    while (channel.size() < channel.capacity()) {
      ASSERT_EQ(channel.push(next_in++), ChannelStatus::success);
    }
    std::optional<int> x = channel.pop();
    ASSERT_TRUE(x.has_value());
    EXPECT_EQ(*x, next_out++);
  }
  int y = -1;
  while (channel.try_pop(y) == ChannelStatus::success) EXPECT_EQ(y, next_out++);
  EXPECT_EQ(next_out, next_in);
}

// `producers` threads push `per` values each (producer p pushes p * per + i in order of i)
// into a channel of 4; `consumers` threads iterate until it is closed. Every value arrives
// once, and each consumer sees each producer's values in the order they were pushed.
void exchange(std::size_t producers, std::size_t consumers) {
  constexpr int per = 2000;
  Channel<int> channel(4);
  std::vector<std::vector<int>> seen(consumers);
  std::atomic<bool> over_capacity{false};
  {
    std::vector<std::jthread> readers;
    for (std::size_t c = 0; c < consumers; ++c) {
      readers.emplace_back([&, c] {
        for (int x : channel) {
          seen[c].push_back(x);
          if (channel.size() > channel.capacity()) over_capacity = true;
        }
      });
    }
    {
      std::vector<std::jthread> writers;
      for (std::size_t p = 0; p < producers; ++p) {
        writers.emplace_back([&, p] {
          for (int i = 0; i < per; ++i) {
            ASSERT_EQ(channel.push(static_cast<int>(p) * per + i), ChannelStatus::success);
          }
        });
      }
    }
    channel.close();
  }
  std::vector<int> all;
  for (std::size_t c = 0; c < consumers; ++c) {
    std::vector<int> last(producers, -1);
    for (const int x : seen[c]) {
      const auto p = static_cast<std::size_t>(x / per);
      EXPECT_LT(last[p], x) << "consumer " << c << " took producer " << p << "'s out of order";
      last[p] = x;
    }
    all.insert(all.end(), seen[c].begin(), seen[c].end());
  }
  std::sort(all.begin(), all.end());
  std::vector<int> expected(producers * per);
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = static_cast<int>(i);
  EXPECT_EQ(all, expected) << producers << " producers, " << consumers << " consumers";
  EXPECT_FALSE(over_capacity);
}

TEST(Channel, EveryValueIsTakenOnceInEachProducersOrderByManyProducersAndConsumers) {
  for (const std::size_t producers : pool_sizes) {
    for (const std::size_t consumers : pool_sizes) exchange(producers, consumers);
  }
}

TEST(Channel, APushWaitsWhileTheChannelIsFullUntilAValueIsTaken) {
  Channel<int> channel(1);
  ASSERT_EQ(channel.push(1), ChannelStatus::success);
  std::atomic<bool> pushed{false};
  std::jthread producer([&] {
    EXPECT_EQ(channel.push(2), ChannelStatus::success);
    pushed = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(pushed) << "a push into a full channel did not wait";
  EXPECT_EQ(channel.pop(), std::optional<int>(1));
  EXPECT_TRUE(eventually([&] { return pushed.load(); }));
  EXPECT_EQ(channel.pop(), std::optional<int>(2));
}

TEST(Channel, CloseWakesWaitingProducersAndConsumers) {
  Channel<int> full(1);
  ASSERT_EQ(full.push(1), ChannelStatus::success);
  std::atomic<int> producer_status{-1};
  std::jthread producer([&] { producer_status = static_cast<int>(full.push(2)); });
  Channel<std::string> empty(2);
  std::atomic<bool> consumer_done{false};
  std::optional<std::string> got("untouched");
  std::jthread consumer([&] {
    got = empty.pop();
    consumer_done = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(producer_status, -1);
  EXPECT_FALSE(consumer_done);
  full.close();
  empty.close();
  EXPECT_TRUE(eventually([&] { return producer_status != -1 && consumer_done; }));
  EXPECT_EQ(producer_status, static_cast<int>(ChannelStatus::closed));
  consumer.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_EQ(full.pop(), std::optional<int>(1));  // what was in it is still taken
}

TEST(Channel, AfterCloseConsumersDrainWhatIsLeftThenSeeItClosed) {
  Channel<int> channel(8);
  for (int i = 1; i <= 3; ++i) ASSERT_EQ(channel.push(i), ChannelStatus::success);
  channel.close();
  channel.close();  // idempotent
  EXPECT_TRUE(channel.closed());
  EXPECT_EQ(channel.push(4), ChannelStatus::closed);
  int four = 4;
  EXPECT_EQ(channel.try_push(four), ChannelStatus::closed);
  std::vector<int> drained;
  for (int x : channel) drained.push_back(x);
  EXPECT_EQ(drained, (std::vector<int>{1, 2, 3}));
  int x = 0;
  EXPECT_EQ(channel.try_pop(x), ChannelStatus::closed);
  EXPECT_EQ(channel.pop(x), ChannelStatus::closed);
  EXPECT_EQ(channel.pop_for(x, 1s), ChannelStatus::closed);
}

TEST(Channel, TryAndTimedFormsSayWhyAndLeaveTheValueWithTheCaller) {
  Channel<std::string> channel(1);
  std::string out;
  EXPECT_EQ(channel.try_pop(out), ChannelStatus::empty);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(channel.pop_for(out, 30ms), ChannelStatus::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  std::string first = "first";
  EXPECT_EQ(channel.try_push(first), ChannelStatus::success);
  std::string second = "second";
  EXPECT_EQ(channel.try_push(second), ChannelStatus::full);
  EXPECT_EQ(second, "second");
  start = std::chrono::steady_clock::now();
  EXPECT_EQ(channel.push_for(second, 30ms), ChannelStatus::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_EQ(second, "second");
  EXPECT_EQ(channel.pop_for(out, 1s), ChannelStatus::success);
  EXPECT_EQ(out, "first");
  EXPECT_EQ(channel.push_for(second, 1s), ChannelStatus::success);
  EXPECT_EQ(channel.pop(), std::optional<std::string>("second"));
}

TEST(Channel, MoveOnlyValuesPassAndThoseLeftAreDestroyedWithTheChannel) {
  auto alive = std::make_shared<int>(0);
  {
    Channel<std::unique_ptr<std::shared_ptr<int>>> channel(4);
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(channel.push(std::make_unique<std::shared_ptr<int>>(alive)),
                ChannelStatus::success);
    }
    std::optional<std::unique_ptr<std::shared_ptr<int>>> taken = channel.pop();
    ASSERT_TRUE(taken && *taken);
    EXPECT_EQ(alive.use_count(), 4);
  }
  EXPECT_EQ(alive.use_count(), 1);
}

}  // namespace
}  // namespace pardo::test

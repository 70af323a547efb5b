// ProcessChannel: pardo::Channel's contract between processes, through worker processes'
// tasks and forked children; bounds, timeouts, close, encoded values, wrong handles, and a
// process killed while it uses the channel.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>

#include "process_support.hpp"

namespace {

using pardo::ChannelStatus;
using pardo::ProcessChannel;
using pardo::SharedHandle;
using namespace std::chrono_literals;

// Pushes first .. first + count - 1; returns how many were taken (fewer once closed).
std::uint64_t produce_range(SharedHandle h, std::uint64_t first, std::uint64_t count) {
  auto channel = ProcessChannel<std::uint64_t>::attach(h);
  for (std::uint64_t i = 0; i < count; ++i) {
    if (channel.push(first + i) != ChannelStatus::success) return i;
  }
  return count;
}
PARDO_REMOTE(produce_range);

// Pops until the channel is closed and drained: how many values, and their sum.
std::vector<std::uint64_t> drain(SharedHandle h) {
  auto channel = ProcessChannel<std::uint64_t>::attach(h);
  std::uint64_t n = 0;
  std::uint64_t sum = 0;
  for (const std::uint64_t v : channel) {
    ++n;
    sum += v;
  }
  return {n, sum};
}
PARDO_REMOTE(drain);

// Pushes a short string, then one of `size` characters: what the second push said.
std::string push_strings(SharedHandle h, std::uint64_t size) {
  auto channel = ProcessChannel<std::string>::attach(h);
  channel.push("short");
  try {
    channel.push(std::string(static_cast<std::size_t>(size), 'x'));
    return "pushed";
  } catch (const std::length_error& e) {
    return e.what();
  }
}
PARDO_REMOTE(push_strings);

// Pushes one value more than the channel holds: the status of that push.
int push_past_full(SharedHandle h) {
  auto channel = ProcessChannel<std::uint64_t>::attach(h);
  while (channel.try_push(1) == ChannelStatus::success) {
  }
  return static_cast<int>(channel.push(2));
}
PARDO_REMOTE(push_past_full);

template <class Error, class F>
void expect_error(F body, const std::string& part) {
  try {
    body();
    ADD_FAILURE() << "no exception; expected one saying \"" << part << "\"";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(part));
  }
}

class ProcessChannelAcross : public pardo::test::OnEveryProcessCount {};
PARDO_ON_EVERY_PROCESS_COUNT(ProcessChannelAcross);

TEST_P(ProcessChannelAcross, OneProducersValuesArriveInOrder) {
  pardo::test::Watchdog watchdog(60s);
  pardo::ProcessPool pool(GetParam());
  ProcessChannel<std::uint64_t> channel(16);  // far fewer than the values: producers wait
  const std::uint64_t n = 20000;
  auto produced = pool.submit(produce_range, channel.handle(), std::uint64_t{0}, n);
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto v = channel.pop();
    ASSERT_TRUE(v.has_value());
    ASSERT_EQ(*v, i);
  }
  EXPECT_EQ(produced.get(), n);
  EXPECT_EQ(channel.size(), 0u);
}

TEST_P(ProcessChannelAcross, EveryValueOfManyProducersReachesOneOfManyConsumers) {
  pardo::test::Watchdog watchdog(60s);
  pardo::ProcessPool pool(GetParam());
  ProcessChannel<std::uint64_t> channel(64);
  const std::uint64_t per_worker = 5000;
  std::vector<std::vector<std::uint64_t>> seen(3);
  std::vector<std::thread> consumers;
  for (auto& mine : seen) {
    consumers.emplace_back([&channel, &mine] {
      for (const std::uint64_t v : channel) mine.push_back(v);
    });
  }
  std::vector<pardo::Future<std::uint64_t>> producers;
  for (std::size_t w = 0; w < pool.size(); ++w) {
    producers.push_back(
        pool.on_worker(w, produce_range, channel.handle(), w * per_worker, per_worker));
  }
  for (auto& p : producers) EXPECT_EQ(p.get(), per_worker);
  channel.close();
  for (auto& c : consumers) c.join();
  std::vector<std::uint64_t> all;
  for (const auto& mine : seen) {
    // A queue: each consumer sees each producer's values in the order they were pushed.
    for (std::size_t w = 0; w < pool.size(); ++w) {
      std::vector<std::uint64_t> of_w;
      std::copy_if(mine.begin(), mine.end(), std::back_inserter(of_w),
                   [&](std::uint64_t v) { return v / per_worker == w; });
      EXPECT_TRUE(std::is_sorted(of_w.begin(), of_w.end())) << "producer " << w;
    }
    all.insert(all.end(), mine.begin(), mine.end());
  }
  std::sort(all.begin(), all.end());
  std::vector<std::uint64_t> expected(pool.size() * per_worker);
  std::iota(expected.begin(), expected.end(), std::uint64_t{0});
  EXPECT_EQ(all, expected);
}

TEST_P(ProcessChannelAcross, CloseDrainsThenEndsConsumersAndWakesProducers) {
  pardo::test::Watchdog watchdog(60s);
  pardo::ProcessPool pool(GetParam());
  ProcessChannel<std::uint64_t> channel(4);
  auto drained = pool.submit(drain, channel.handle());
  for (std::uint64_t v = 1; v <= 10; ++v) ASSERT_EQ(channel.push(v), ChannelStatus::success);
  channel.close();
  EXPECT_EQ(drained.get(), (std::vector<std::uint64_t>{10, 55}));
  EXPECT_TRUE(channel.closed());
  EXPECT_EQ(channel.push(11), ChannelStatus::closed);
  EXPECT_EQ(channel.try_push(11), ChannelStatus::closed);

  ProcessChannel<std::uint64_t> full(2);
  auto blocked = pool.submit(push_past_full, full.handle());
  while (full.size() < 2) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(20ms);   // the third push is waiting
  EXPECT_FALSE(blocked.wait_for(0s));  // still waiting for room
  full.close();
  EXPECT_EQ(blocked.get(), static_cast<int>(ChannelStatus::closed));
  std::uint64_t v = 0;
  EXPECT_EQ(full.pop(v), ChannelStatus::success);  // what was queued stays to be drained
  EXPECT_EQ(full.pop(v), ChannelStatus::success);
  EXPECT_EQ(full.pop(v), ChannelStatus::closed);
}

TEST_P(ProcessChannelAcross, EncodedValuesTravelAndTooLongOnesAreRefused) {
  pardo::test::Watchdog watchdog(60s);
  pardo::ProcessPool pool(GetParam());
  ProcessChannel<std::string> channel(4, 64);
  const std::string said = pool.submit(push_strings, channel.handle(), std::uint64_t{100}).get();
  EXPECT_THAT(said, ::testing::HasSubstr("::push: a value of 108 bytes does not fit a slot of 64"));
  EXPECT_EQ(channel.pop(), std::optional<std::string>("short"));
  EXPECT_EQ(channel.size(), 0u);
  EXPECT_EQ(pool.submit(push_strings, channel.handle(), std::uint64_t{56}).get(), "pushed");
  EXPECT_EQ(channel.pop(), std::optional<std::string>("short"));
  EXPECT_EQ(channel.pop(), std::optional<std::string>(std::string(56, 'x')));
  EXPECT_THROW(channel.push(std::string(57, 'y')), std::length_error);
  EXPECT_EQ(channel.size(), 0u);
}

TEST(ProcessChannel, TryAndTimedOperationsDoNotWaitLonger) {
  ProcessChannel<double> channel(2);
  EXPECT_EQ(channel.capacity(), 2u);
  double out = 0;
  EXPECT_EQ(channel.try_pop(out), ChannelStatus::empty);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(channel.pop_for(out, 30ms), ChannelStatus::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_EQ(channel.try_push(1.5), ChannelStatus::success);
  EXPECT_EQ(channel.push_for(2.5, 1s), ChannelStatus::success);
  EXPECT_EQ(channel.try_push(3.5), ChannelStatus::full);
  start = std::chrono::steady_clock::now();
  EXPECT_EQ(channel.push_for(3.5, 30ms), ChannelStatus::timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_EQ(channel.size(), 2u);
  EXPECT_EQ(channel.pop_for(out, 1s), ChannelStatus::success);
  EXPECT_EQ(out, 1.5);
  EXPECT_EQ(channel.try_pop(out), ChannelStatus::success);
  EXPECT_EQ(out, 2.5);
}

TEST(ProcessChannel, BadSizesAndForeignHandlesAreRefusedNamingThem) {
  expect_error<std::invalid_argument>([] { ProcessChannel<int> channel(0); },
                                      "capacity is 0; it must be at least 1");
  expect_error<std::invalid_argument>([] { ProcessChannel<int> channel(std::size_t{1} << 32); },
                                      "capacity 4294967296");
  expect_error<std::invalid_argument>([] { ProcessChannel<std::string> channel(8, 0); },
                                      "a slot of 0 bytes");
  expect_error<std::invalid_argument>(
      [] { ProcessChannel<std::string> channel(std::size_t{1} << 31, 1 << 20); },
      "capacity 2147483648");
  ProcessChannel<int> ints(4);
  expect_error<std::invalid_argument>([&] { ProcessChannel<double>::attach(ints.handle()); },
                                      "another element type");
  pardo::SharedArray<std::byte> bytes(4096);
  expect_error<std::invalid_argument>([&] { ProcessChannel<int>::attach(bytes.handle()); },
                                      "another element type");
  expect_error<std::invalid_argument>([] { ProcessChannel<int>::attach(SharedHandle{}); },
                                      "handle (pid 0, fd -1)");
  auto again = ProcessChannel<int>::attach(ints.handle());
  ASSERT_EQ(again.push(7), ChannelStatus::success);
  EXPECT_EQ(ints.pop(), std::optional<int>(7));
}

// A forked child that pushes and pops on `channel` until it is killed.
pid_t fork_hammering(ProcessChannel<std::uint64_t>& channel) {
  const pid_t child = fork();
  if (child == 0) {
    for (std::uint64_t i = 0;; ++i) {
      channel.try_push(i);
      std::uint64_t v = 0;
      channel.try_pop(v);
    }
  }
  return child;
}

// A child hammering the channel is killed at a random moment, maybe holding its lock: the
// parent goes on, and the queue holds what was pushed and not popped, with or without the
// value the child was moving.
// (No watchdog thread here: the children are forked, from a process with no other thread.)
TEST(ProcessChannel, AProcessKilledWhileUsingItLeavesItUsable) {
  ProcessChannel<std::uint64_t> channel(8);
  for (int round = 0; round < 5; ++round) {
    const pid_t child = fork_hammering(channel);
    ASSERT_GT(child, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(10 + 7 * round));
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    const std::size_t queued = channel.size();
    EXPECT_LE(queued, channel.capacity());
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < queued; ++k) ASSERT_EQ(channel.pop(v), ChannelStatus::success);
    EXPECT_EQ(channel.try_pop(v), ChannelStatus::empty);
    ASSERT_EQ(channel.push(42), ChannelStatus::success);
    ASSERT_EQ(channel.pop(v), ChannelStatus::success);
    EXPECT_EQ(v, 42u);
  }
}

// A child hammering the channel is stopped at a random moment, maybe holding its lock: the
// parent's try_ and _for operations still return in their time, and once the child goes on
// the channel works as before.
TEST(ProcessChannel, AProcessStoppedWhileUsingItDelaysOnlyWaitingOperations) {
  ProcessChannel<std::uint64_t> channel(8);
  const pid_t child = fork_hammering(channel);
  ASSERT_GT(child, 0);
  for (int round = 0; round < 20; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + round % 7));
    ASSERT_EQ(::kill(child, SIGSTOP), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, WUNTRACED), child);
    ASSERT_TRUE(WIFSTOPPED(status));
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t v = 0;
    const ChannelStatus popped = channel.try_pop(v);
    EXPECT_TRUE(popped == ChannelStatus::success || popped == ChannelStatus::empty);
    const ChannelStatus pushed = channel.push_for(7, 20ms);
    EXPECT_TRUE(pushed == ChannelStatus::success || pushed == ChannelStatus::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    ASSERT_EQ(::kill(child, SIGCONT), 0);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  std::uint64_t v = 0;
  while (channel.try_pop(v) == ChannelStatus::success) {
  }
  ASSERT_EQ(channel.push(42), ChannelStatus::success);
  ASSERT_EQ(channel.pop(v), ChannelStatus::success);
  EXPECT_EQ(v, 42u);
}

}  // namespace

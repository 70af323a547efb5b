// pardo::run_pipeline: every item goes through every stage; a serial in-order stage sees the
// source's order and a serial stage one item at a time; no more than max_tokens items are in
// the pipeline; the first exception stops it and is rethrown, a stop request ends it without
// one; a stage returning a future hands on its value without a worker waiting for it; on pools
// of 1, 2 and an oversubscribed 8 workers.
#include <gmock/gmock.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pardo/flow.hpp>
#include <pardo/thread_pool.hpp>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

namespace pardo::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// A source of 0 .. n - 1.
auto count_to(int n) {
  return source([n, next = 0]() mutable -> std::optional<int> {
    if (next == n) return std::nullopt;
    return next++;
  });
}

// A little work whose length varies with x, so that items overtake each other.
int busy(int x) {
  volatile int sink = 0;
  for (int i = 0; i < (x * 7919) % 2000; ++i) sink = sink + i;
  return x;
}

TEST(Pipeline, EveryItemGoesThroughAndAnInOrderStageSeesTheSourcesOrder) {
  constexpr int n = 3000;
  for (const std::size_t workers : pool_sizes) {
    for (const std::size_t tokens : {std::size_t{1}, std::size_t{4}, std::size_t{64}}) {
      ThreadPool pool(workers);
      std::vector<long> out;
      std::atomic<int> out_of_order_seen{0};
      const PipelineRun run = run_pipeline(
          pool, tokens, count_to(n),
          stage(StageMode::parallel, [](int x) { return static_cast<long>(busy(x)) * 3; }),
          stage(StageMode::serial_out_of_order,
                [&](long y) {
                  ++out_of_order_seen;
                  return y + 1;
                }),
          stage(StageMode::serial_in_order, [&](long y) { out.push_back(y); }));
      std::vector<long> expected(n);
      for (int i = 0; i < n; ++i) expected[static_cast<std::size_t>(i)] = 3L * i + 1;
      EXPECT_EQ(out, expected) << workers << " workers, " << tokens << " tokens";
      EXPECT_EQ(out_of_order_seen, n);
      EXPECT_EQ(run.items, static_cast<std::uint64_t>(n));
      EXPECT_FALSE(run.stopped);
    }
  }
}

TEST(Pipeline, SerialStagesTakeOneItemAtATimeAndAtMostMaxTokensAreInside) {
  for (const std::size_t workers : pool_sizes) {
    ThreadPool pool(workers);
    constexpr std::size_t tokens = 5;
    std::atomic<int> inside_serial{0};
    std::atomic<int> most_inside_serial{0};
    std::atomic<int> in_pipeline{0};
    std::atomic<int> most_in_pipeline{0};
    std::atomic<int> in_parallel{0};
    std::atomic<int> most_in_parallel{0};
    const auto enter = [](std::atomic<int>& now, std::atomic<int>& most) {
      const int value = ++now;
      int seen = most.load();
      while (value > seen && !most.compare_exchange_weak(seen, value)) {
      }
    };
    int next = 0;
    run_pipeline(pool, tokens, source([&]() -> std::optional<int> {
                   if (next == 2000) return std::nullopt;
                   enter(in_pipeline, most_in_pipeline);
                   return next++;
                 }),
                 stage(StageMode::parallel,
                       [&](int x) {
                         enter(in_parallel, most_in_parallel);
                         busy(x);
                         --in_parallel;
                         return x;
                       }),
                 stage(StageMode::serial_out_of_order,
                       [&](int x) {
                         enter(inside_serial, most_inside_serial);
                         busy(x);
                         --inside_serial;
                         return x;
                       }),
                 stage(StageMode::parallel, [&](int) { --in_pipeline; }));
    EXPECT_EQ(most_inside_serial, 1) << workers;
    EXPECT_LE(most_in_pipeline, static_cast<int>(tokens)) << workers;
    EXPECT_LE(most_in_parallel, static_cast<int>(std::min(tokens, workers))) << workers;
  }
}

TEST(Pipeline, AParallelStageRunsItemsAtOnce) {
  for (const std::size_t workers : {std::size_t{2}, std::size_t{8}}) {
    ThreadPool pool(workers);
    // Each of the first two items waits in the stage until the other is there too.
    std::atomic<int> arrived{0};
    std::atomic<bool> met{true};
    run_pipeline(pool, 2, count_to(2),
                 stage(StageMode::parallel,
                       [&](int x) {
                         ++arrived;
                         if (!eventually([&] { return arrived.load() == 2; })) met = false;
                         return x;
                       }),
                 stage(StageMode::serial_in_order, [](int) {}));
    EXPECT_TRUE(met) << workers << " workers: the parallel stage ran one item at a time";
  }
}

TEST(Pipeline, TheFirstExceptionStopsThePipelineAndIsRethrownOnceStagesHaveReturned) {
  for (const std::size_t workers : pool_sizes) {
    ThreadPool pool(workers);
    std::atomic<int> made{0};
    std::atomic<int> running{0};
    std::atomic<int> running_after{-1};
    int next = 0;
    try {
      run_pipeline(pool, 8, source([&]() -> std::optional<int> {
                     ++made;
                     return next++;  // endless: only the exception ends it
                   }),
                   stage(StageMode::parallel,
                         [&](int x) {
                           ++running;
                           busy(x);
                           --running;
                           if (x == 50) throw std::runtime_error("item 50 is bad");
                           return x;
                         }),
                   stage(StageMode::serial_in_order, [](int) {}));
      ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "item 50 is bad");
      running_after = running.load();
    }
    EXPECT_EQ(running_after, 0) << "a stage was still running when run_pipeline returned";
    const int made_at_return = made.load();
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(made.load(), made_at_return) << "the source went on after the pipeline ended";
    EXPECT_LT(made_at_return, 50 + 8 + 2);
  }
}

TEST(Pipeline, AnExceptionFromTheSourceIsRethrown) {
  for (const std::size_t workers : pool_sizes) {
    ThreadPool pool(workers);
    int next = 0;
    std::vector<int> out;
    EXPECT_THAT(
        [&] {
          run_pipeline(pool, 4, source([&]() -> std::optional<int> {
                         if (next == 10) throw std::out_of_range("the input ends badly at 10");
                         return next++;
                       }),
                       stage(StageMode::serial_in_order, [&](int x) { out.push_back(x); }));
        },
        ::testing::ThrowsMessage<std::out_of_range>(HasSubstr("ends badly at 10")));
    for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], static_cast<int>(i));
  }
}

TEST(Pipeline, AStopRequestEndsAnEndlessPipelineWithoutAnError) {
  for (const std::size_t workers : pool_sizes) {
    ThreadPool pool(workers);
    std::stop_source stop;
    std::jthread stopper([&] {
      std::this_thread::sleep_for(100ms);
      stop.request_stop();
    });
    int next = 0;
    const auto started = std::chrono::steady_clock::now();
    const PipelineRun run = run_pipeline(pool, 8, stop.get_token(),
                                         source([&]() -> std::optional<int> { return next++; }),
                                         stage(StageMode::parallel, [](int x) { return busy(x); }),
                                         stage(StageMode::serial_in_order, [](int) {}));
    EXPECT_TRUE(run.stopped);
    EXPECT_GT(run.items, 0u);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 100ms + 2s * slow_build);
  }
}

// What a run of three stages saw: items the source made (in all, and once a stop was requested),
// and calls in a stage right now.
struct Probe {
  std::atomic<int> made{0};
  std::atomic<int> made_at_fault{-1};
  std::atomic<int> running{0};
};

// An endless source through three stages of the given modes, with 8 tokens; stage `at` (1 to 3)
// calls `fault` on item 40, and only that ends the run.
PipelineRun run_faulting_at(ThreadPool& pool, std::stop_token stop,
                            const std::array<StageMode, 3>& modes, std::size_t at,
                            const std::function<void()>& fault, Probe& probe) {
  int next = 0;
  auto call = [&](std::size_t k) {
    return [&, k](int x) {
      ++probe.running;
      struct Leave {
        Probe& probe;
        ~Leave() { --probe.running; }
      } leave{probe};
      busy(x);
      if (k == at && x == 40) {
        fault();
        probe.made_at_fault = probe.made.load();  // after a stop request (an exception skips it)
      }
      return x;
    };
  };
  return run_pipeline(pool, 8, std::move(stop), source([&]() -> std::optional<int> {
                        ++probe.made;
                        return next++;
                      }),
                      stage(modes[0], call(1)), stage(modes[1], call(2)),
                      stage(modes[2], [last = call(3)](int x) { last(x); }));
}

// An exception or a stop request from any stage, whatever its mode, ends the pipeline: the
// exception rethrown (or none after a stop), no stage still running at the return, and the
// source called at most once more after a stop request (a call already under way).
TEST(Pipeline, AnExceptionOrAStopAtAnyStageOfAnyModeEndsThePipeline) {
  constexpr std::array all{StageMode::parallel, StageMode::serial_out_of_order,
                           StageMode::serial_in_order};
  for (const std::size_t workers : pool_sizes) {
    ThreadPool pool(workers);
    for (std::size_t at = 1; at <= 3; ++at) {
      for (const StageMode mode : all) {
        std::array<StageMode, 3> modes{StageMode::parallel, StageMode::serial_out_of_order,
                                       StageMode::serial_in_order};
        modes[at - 1] = mode;
        const std::string where = std::to_string(workers) + " workers, stage " +
                                  std::to_string(at) + " in mode " +
                                  std::to_string(static_cast<int>(mode));
        for (const bool throws : {true, false}) {
          const std::string what = where + (throws ? ", an exception" : ", a stop request");
          Probe probe;
          std::stop_source stop;
          int running_at_return = -1;
          bool threw = false;
          try {
            const PipelineRun run = run_faulting_at(
                pool, stop.get_token(), modes, at,
                [&] {
                  if (throws)
                    throw std::runtime_error("item 40 is bad at stage " + std::to_string(at));
                  stop.request_stop();
                },
                probe);
            running_at_return = probe.running.load();
            EXPECT_TRUE(run.stopped) << what;
            EXPECT_LE(run.items, static_cast<std::uint64_t>(probe.made_at_fault.load())) << what;
          } catch (const std::runtime_error& e) {
            running_at_return = probe.running.load();
            threw = true;
            EXPECT_EQ(e.what(), "item 40 is bad at stage " + std::to_string(at)) << what;
          }
          EXPECT_EQ(threw, throws) << what;
          EXPECT_EQ(running_at_return, 0) << what << ": a stage ran after run_pipeline returned";
          const int made_at_return = probe.made.load();
          std::this_thread::sleep_for(5ms);
          EXPECT_EQ(probe.made.load(), made_at_return) << what << ": the source went on";
          // A stop request is seen before the source's next call; an exception only once it
          // has unwound to the pipeline, while the other workers go on meanwhile.
          if (!throws) {
            EXPECT_LE(made_at_return, probe.made_at_fault.load() + 1) << what;
          }
        }
      }
    }
  }
}

TEST(Pipeline, BadArgumentsAreRefused) {
  ThreadPool pool(2);
  EXPECT_THAT([&] { run_pipeline(pool, 0, count_to(3), stage(StageMode::parallel, [](int) {})); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("max_tokens is 0")));
  Future<void> nested = pool.submit(
      [&] { run_pipeline(pool, 2, count_to(3), stage(StageMode::parallel, [](int) {})); });
  EXPECT_THAT([&] { nested.get(); },
              ::testing::ThrowsMessage<std::logic_error>(HasSubstr("its own worker")));
}

TEST(Pipeline, MoveOnlyItemsPassAndAnEmptySourceRunsNoStage) {
  for (const std::size_t workers : pool_sizes) {
    ThreadPool pool(workers);
    int next = 0;
    long sum = 0;
    run_pipeline(pool, 3, source([&]() -> std::optional<std::unique_ptr<int>> {
                   if (next == 100) return std::nullopt;
                   return std::make_unique<int>(next++);
                 }),
                 stage(StageMode::parallel,
                       [](std::unique_ptr<int> p) {
                         *p *= 2;
                         return p;
                       }),
                 stage(StageMode::serial_out_of_order, [&](std::unique_ptr<int> p) { sum += *p; }));
    EXPECT_EQ(sum, 9900);
    std::atomic<int> calls{0};
    const PipelineRun empty =
        run_pipeline(pool, 3, source([]() -> std::optional<int> { return std::nullopt; }),
                     stage(StageMode::parallel, [&](int) { ++calls; }));
    EXPECT_EQ(empty.items, 0u);
    EXPECT_EQ(calls, 0);
  }
}

// Asynchronous stages: their futures' values go on in order, and while they are pending no
// worker waits: on a pool of one worker, every token's future is outstanding at once.
TEST(Pipeline, AStageReturningAFutureHandsOnItsValueWithoutAWorkerWaiting) {
  constexpr int n = 400;
  for (const std::size_t workers : pool_sizes) {
    for (const std::size_t tokens : {std::size_t{1}, std::size_t{4}, std::size_t{16}}) {
      ThreadPool pool(workers);
      std::mutex mutex;
      std::vector<std::pair<int, Promise<long>>> pending;
      std::size_t most_pending = 0;
      std::atomic<bool> last_made{false};
      std::atomic<bool> finished{false};
      // Keeps the promises until `tokens` are pending (or the last item is, or 2 s passed
      // with none new, should a worker wait), then fulfils them, from a thread of its own.
      std::jthread fulfiller([&] {
        auto since = std::chrono::steady_clock::now();
        while (!finished.load()) {
          std::vector<std::pair<int, Promise<long>>> ready;
          {
            const std::lock_guard lock(mutex);
            if (pending.size() == tokens || (!pending.empty() && last_made.load()) ||
                (!pending.empty() && std::chrono::steady_clock::now() - since > 2s)) {
              ready.swap(pending);
            }
          }
          if (!ready.empty()) since = std::chrono::steady_clock::now();
          for (auto& [x, promise] : ready) promise.set_value(long{x} * 10);
          std::this_thread::sleep_for(100us);
        }
      });
      std::atomic<int> made{0};
      std::vector<long> out;
      const PipelineRun run =
          run_pipeline(pool, tokens, source([&]() -> std::optional<int> {
                         if (made.load() == n) return std::nullopt;
                         return made++;
                       }),
                       stage(StageMode::parallel,
                             [&](int x) {
                               Promise<long> promise;
                               Future<long> future = promise.get_future();
                               const std::lock_guard lock(mutex);
                               pending.emplace_back(x, std::move(promise));
                               most_pending = std::max(most_pending, pending.size());
                               if (x == n - 1) last_made = true;
                               return future;
                             }),
                       stage(StageMode::serial_in_order, [&](long y) { out.push_back(y); }));
      finished = true;
      EXPECT_EQ(run.items, static_cast<std::uint64_t>(n));
      ASSERT_EQ(out.size(), static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)], long{i} * 10);
      EXPECT_EQ(most_pending, tokens) << "workers " << workers;
    }
  }
}

// Asynchronous stages on another pool, serial ones included, and a last stage returning a
// Future<void>: every item through, a serial stage's tasks one at a time.
TEST(Pipeline, AsynchronousSerialAndLastStagesKeepTheirModes) {
  for (const std::size_t workers : pool_sizes) {
    ThreadPool pool(workers);
    ThreadPool other(workers);
    std::atomic<int> inside{0};
    std::atomic<int> most_inside{0};
    std::vector<int> out;
    const PipelineRun run =
        run_pipeline(pool, 8, count_to(500),
                     stage(StageMode::parallel, [&](int x) { return other.submit(busy, x); }),
                     stage(StageMode::serial_out_of_order,
                           [&](int x) {
                             return other.submit([&, x] {
                               const int now = ++inside;
                               most_inside = std::max(most_inside.load(), now);
                               busy(x);
                               --inside;
                               return x + 1;
                             });
                           }),
                     stage(StageMode::serial_in_order,
                           [&](int x) { return other.submit([&out, x] { out.push_back(x); }); }));
    EXPECT_EQ(run.items, 500u);
    EXPECT_EQ(most_inside.load(), 1);
    ASSERT_EQ(out.size(), 500u);
    for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], static_cast<int>(i) + 1);
  }
}

// A future that fails stops the pipeline with its exception, once the futures in flight are
// done; a stage that returns a future with no state is an error naming the stage.
TEST(Pipeline, AFailedFutureStopsThePipelineOnceTheOthersAreDone) {
  for (const std::size_t workers : pool_sizes) {
    ThreadPool pool(workers);
    ThreadPool other(2);
    std::atomic<int> running{0};
    std::atomic<int> running_after{-1};
    int next = 0;
    try {
      run_pipeline(pool, 8, source([&]() -> std::optional<int> { return next++; }),
                   stage(StageMode::parallel,
                         [&](int x) {
                           ++running;
                           return other.submit([&running, x] {
                             busy(x);
                             --running;
                             if (x == 70) throw std::domain_error("item 70 failed remotely");
                             return x;
                           });
                         }),
                   stage(StageMode::serial_in_order, [](int) {}));
      ADD_FAILURE() << "no exception";
    } catch (const std::domain_error& e) {
      EXPECT_STREQ(e.what(), "item 70 failed remotely");
      running_after = running.load();
    }
    EXPECT_EQ(running_after, 0) << "a stage's task was still running when run_pipeline returned";
    EXPECT_THAT(
        [&] {
          run_pipeline(pool, 2, count_to(3), stage(StageMode::parallel, [](int) { return 1; }),
                       stage(StageMode::serial_in_order, [](int) { return Future<void>{}; }));
        },
        ::testing::ThrowsMessage<std::logic_error>(
            HasSubstr("stage 2 returned a future with no state")));
  }
}

}  // namespace
}  // namespace pardo::test

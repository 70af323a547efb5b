// The example workload of CONTRIBUTING.md (examples/workload/birthday.*) on every backend:
// the same bits everywhere, an honest error bar, stop and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <stop_token>

#include "../stats/stats_support.hpp"
#include "birthday.hpp"

namespace pardo::test {
namespace {

const birthday::Options options{.people = 23, .trials = 20'001, .seed = 7, .block_trials = 1000};

TEST(Birthday, SameBitsOnEveryBackend) {
  const auto results =
      on_every_backend([](auto& executor) { return birthday::estimate(executor, options); });
  const birthday::Result& reference = results.front().second;
  EXPECT_EQ(reference.trials, options.trials);
  EXPECT_EQ(reference.run.blocks_total, 21u);
  for (const auto& [name, r] : results) {
    EXPECT_EQ(r.shared, reference.shared) << name;
    EXPECT_EQ(bits(r.probability), bits(reference.probability)) << name;
    EXPECT_TRUE(r.run.complete) << name;
    EXPECT_EQ(r.run.blocks_done, 21u) << name;
  }
}

TEST(Birthday, TheIntervalHoldsTheExactAnswer) {
  ThreadPool pool(2);
  const birthday::Result r = birthday::estimate(pool, options);
  const double exact = birthday::exact(23);
  EXPECT_NEAR(exact, 0.5072972343239857, 1e-12);
  EXPECT_LT(std::abs(r.probability - exact), 4 * r.std_error);
  EXPECT_TRUE(r.interval.contains(r.probability));
  EXPECT_EQ(r.interval.level, 0.95);
}

TEST(Birthday, AStoppedRunIsPartial) {
  std::stop_source stop;
  stop.request_stop();
  for (const auto& [name, r] : on_every_backend([&](auto& executor) {
         return birthday::estimate(executor, options, {.stop = stop.get_token()});
       })) {
    EXPECT_FALSE(r.run.complete) << name;
    EXPECT_EQ(r.trials, 0u) << name;
    EXPECT_TRUE(std::isnan(r.probability)) << name;
  }
}

TEST(Birthday, BadOptionsNameTheValue) {
  SerialExecutor serial;
  try {
    birthday::estimate(serial, {.people = 400});
    FAIL() << "400 people were accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "birthday: people must be in [1, 365], got 400");
  }
  EXPECT_THROW(birthday::estimate(serial, {.trials = 0}), std::invalid_argument);
  EXPECT_THROW(birthday::estimate(serial, {.block_trials = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace pardo::test

#include <gtest/gtest.h>

#include <limits>
#include <pardo/opt.hpp>
#include <stdexcept>
#include <vector>

#include "opt/solver_support.hpp"

namespace {

using namespace pardo::opt;

struct Fixture {
  std::vector<double> history;
  std::vector<double> best_x{1.0, 2.0};
  std::vector<double> candidates{1.0, 2.0, 1.0, 2.0};
  std::vector<double> values{0.5, 0.5};
  Status status(double best, std::uint64_t generation = 0, std::uint64_t evaluations = 0) {
    Status s;
    s.generation = generation;
    s.evaluations = evaluations;
    s.best_value = best;
    s.best_x = best_x;
    s.history = history;
    s.candidates = candidates;
    s.values = values;
    s.dim = 2;
    return s;
  }
};

TEST(ValueToReach, HoldsAtTheTargetWithinTheToleranceInTheProblemsSense) {
  Fixture f;
  EXPECT_TRUE(value_to_reach(1.0).met(f.status(1.0)));
  EXPECT_FALSE(value_to_reach(1.0).met(f.status(1.0 + 1e-12)));
  EXPECT_TRUE(value_to_reach(1.0, 0.1).met(f.status(1.05)));
  Status s = f.status(0.95);
  s.sense = Sense::maximize;
  EXPECT_TRUE(value_to_reach(1.0, 0.1).met(s));
  EXPECT_FALSE(value_to_reach(1.0).met(s));
  EXPECT_EQ(*value_to_reach(0.001).met(f.status(0)), "value_to_reach(0.001)");
}

TEST(ChangeOverGenerations, LooksBackExactlyTheGivenNumberOfGenerations) {
  Fixture f;
  f.history = {10, 5, 4.5, 4.4999};
  EXPECT_TRUE(change_over_generations(1e-3, 1).met(f.status(4.4999, 3)));
  EXPECT_FALSE(change_over_generations(1e-3, 2).met(f.status(4.4999, 3)));
  EXPECT_TRUE(change_over_generations(0.51, 2).met(f.status(4.4999, 3)));
  // Not enough generations yet: never holds.
  EXPECT_FALSE(change_over_generations(100, 4).met(f.status(4.4999, 3)));
}

TEST(NormalizedChangeOverGenerations, ScalesByTheEarlierValueAndCanStopAtZero) {
  Fixture f;
  f.history = {1000, 999};
  EXPECT_TRUE(normalized_change_over_generations(1e-3, 1).met(f.status(999, 1)));
  EXPECT_FALSE(normalized_change_over_generations(1e-4, 1).met(f.status(999, 1)));
  f.history = {0, 0};
  EXPECT_TRUE(normalized_change_over_generations(1e-4, 1).met(f.status(0, 1)));
}

TEST(CandidateRelativeTolerance, NeedsEveryCandidateAndValueNearTheBest) {
  Fixture f;
  EXPECT_TRUE(candidate_relative_tolerance(0, 0).met(f.status(0.5)));
  // Relative to the best coordinate, 2: 3e-4 off is within 1.6e-4 of it, not 1.4e-4.
  f.candidates = {1.0, 2.0, 1.0, 2.0 + 3e-4};
  EXPECT_FALSE(candidate_relative_tolerance(1.4e-4, 1).met(f.status(0.5)));
  EXPECT_TRUE(candidate_relative_tolerance(1.6e-4, 1).met(f.status(0.5)));
  // Near 0 the scale is 1: absolute.
  f.best_x = {0.0, 0.0};
  f.candidates = {0.0, 0.0, 0.0, 3e-4};
  EXPECT_FALSE(candidate_relative_tolerance(2.9e-4, 1).met(f.status(0.5)));
  EXPECT_TRUE(candidate_relative_tolerance(3.1e-4, 1).met(f.status(0.5)));
  f.values = {0.5, 0.6};
  EXPECT_FALSE(candidate_relative_tolerance(1, 0.05).met(f.status(0.5)));
}

TEST(PopulationSpread, IsScipysConvergenceTest) {
  Fixture f;
  f.values = {1.0, 1.02};  // sd 0.01, mean 1.01
  EXPECT_TRUE(population_spread(0.0100).met(f.status(1.0)));
  EXPECT_FALSE(population_spread(0.0098).met(f.status(1.0)));
  EXPECT_TRUE(population_spread(0, 0.0101).met(f.status(1.0)));
}

TEST(Limits, HoldFromTheirCount) {
  Fixture f;
  EXPECT_FALSE(evaluation_limit(100).met(f.status(0, 0, 99)));
  EXPECT_TRUE(evaluation_limit(100).met(f.status(0, 0, 100)));
  EXPECT_FALSE(generation_limit(3).met(f.status(0, 2)));
  EXPECT_TRUE(generation_limit(3).met(f.status(0, 3)));
  Status s = f.status(0);
  s.seconds = 0.5;
  EXPECT_FALSE(time_limit(1).met(s));
  s.seconds = 1.0;
  EXPECT_TRUE(time_limit(1).met(s));
}

TEST(Combinations, AndNeedsBothOrNamesTheFirstThatHolds) {
  Fixture f;
  const Termination both = generation_limit(2) && evaluation_limit(10);
  EXPECT_FALSE(both.met(f.status(0, 2, 9)));
  EXPECT_EQ(*both.met(f.status(0, 2, 10)), "generation_limit(2) and evaluation_limit(10)");
  const Termination either = value_to_reach(0) || generation_limit(5);
  EXPECT_EQ(*either.met(f.status(1, 5)), "generation_limit(5)");
  EXPECT_EQ(*either.met(f.status(0, 5)), "value_to_reach(0)");
  EXPECT_FALSE(either.met(f.status(1, 4)));
  EXPECT_EQ((either && both).describe(),
            "(value_to_reach(0) or generation_limit(5)) and (generation_limit(2) and "
            "evaluation_limit(10))");
}

TEST(BadConditions, ThrowNamingTheValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(pardo::opt::test::message_of([&] { value_to_reach(nan); }),
            "value_to_reach: target must be finite, not nan");
  EXPECT_EQ(pardo::opt::test::message_of([] { value_to_reach(0, -1); }),
            "value_to_reach: tolerance must be finite and >= 0, not -1");
  EXPECT_NE(
      pardo::opt::test::message_of([] { change_over_generations(1e-6, 0); }).find("generations"),
      std::string::npos);
  EXPECT_NE(pardo::opt::test::message_of([] { evaluation_limit(0); }).find("evaluations"),
            std::string::npos);
  EXPECT_NE(pardo::opt::test::message_of([] { generation_limit(0); }).find("generations"),
            std::string::npos);
  EXPECT_EQ(pardo::opt::test::message_of([] { time_limit(0); }),
            "time_limit: seconds must be finite and > 0, not 0");
  EXPECT_NE(pardo::opt::test::message_of([] { population_spread(0, 0); }).find("never holds"),
            std::string::npos);
  EXPECT_NE(pardo::opt::test::message_of([] { candidate_relative_tolerance(-1, 0); }).find("xtol"),
            std::string::npos);
}

}  // namespace

// pardo::memory_shortfall: the memory test the workloads make before they start, public so
// that a caller (the CLI) can refuse a request in its own words and never disagree with them.
#include <gtest/gtest.h>

#include <limits>
#include <pardo/core/memory.hpp>
#include <pardo/mcmc.hpp>
#include <stdexcept>
#include <string>

namespace pardo::test {
namespace {

TEST(MemoryShortfall, ASmallRequestFits) { EXPECT_FALSE(memory_shortfall(1024.0, "a buffer")); }

TEST(MemoryShortfall, AnAbsurdRequestNamesItsSizePurposeAndTheLimit) {
  const auto why = memory_shortfall(8e18, "the draws");
  ASSERT_TRUE(why);
  EXPECT_EQ(why->rfind("needs 8.0 EB of memory for the draws; ", 0), 0u) << *why;
  EXPECT_TRUE(why->find("this machine has ") != std::string::npos ||
              why->find("the process may use (RLIMIT_") != std::string::npos)
      << *why;
}

TEST(MemoryShortfall, TheLimitInWordsIsTheOneAShortfallNames) {
  const std::string limit = describe_memory_limit();
  const auto why = memory_shortfall(8e18, "the draws");
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "needs 8.0 EB of memory for the draws; " + limit);
}

TEST(MemoryShortfall, NanIsRefused) {
  EXPECT_TRUE(memory_shortfall(std::numeric_limits<double>::quiet_NaN(), "nothing"));
}

// The workloads refuse on the same test, with the same words after their own request.
TEST(MemoryShortfall, RunChainsRefusesOnTheSameTest) {
  const mcmc::MetropolisOptions options{.chains = 1'000'000'000'000'000, .draws = 1000};
  const auto why = memory_shortfall(1e15 * 1000 * sizeof(double), "the draws");
  ASSERT_TRUE(why);
  try {
    mcmc::validate(options);
    FAIL() << "validate accepted 1e15 chains";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "run_chains: 1000000000000000 chains of 1000 draws in 1 dimension " + *why);
  }
}

}  // namespace
}  // namespace pardo::test

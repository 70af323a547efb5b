// pardo::memory_shortfall: the memory test the workloads make before they start, public so
// that a caller (the CLI) can refuse a request in its own words and never disagree with them;
// and pardo::keep_freed_memory, the heap policy `pardo` runs under.
#include <gtest/gtest.h>

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

#include <cstdlib>
#include <limits>
#include <pardo/core/memory.hpp>
#include <pardo/mcmc.hpp>
#include <stdexcept>
#include <string>

#include "support.hpp"

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

#if defined(__GLIBC__) && !defined(PARDO_TEST_SANITIZED)
// Whether a 16 MiB block came from the heap rather than a mapping of its own, and once freed
// stayed in the heap for the next allocation: in a fresh process, where glibc maps it and
// unmaps it on free unless told otherwise (the sanitizers bring their own allocator).
bool heap_keeps_a_large_block() {
  constexpr std::size_t size = std::size_t{16} << 20;
  const struct mallinfo2 before = mallinfo2();
  void* block = std::malloc(size);
  if (block == nullptr) return false;
  static_cast<volatile char*>(block)[size - 1] = 1;
  const struct mallinfo2 during = mallinfo2();
  std::free(block);
  const struct mallinfo2 after = mallinfo2();
  return during.hblks == before.hblks && after.fordblks >= size;
}

// Runs the death tests below in a fresh process, not a fork of this one, and puts the style
// back for the tests after them.
class KeepFreedMemory : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
  void TearDown() override { GTEST_FLAG_SET(death_test_style, style_); }

 private:
  std::string style_ = GTEST_FLAG_GET(death_test_style);
};

TEST_F(KeepFreedMemory, LargeBlocksComeFromTheHeapAndStayThere) {
  EXPECT_EXIT(
      {
        keep_freed_memory();
        std::exit(heap_keeps_a_large_block() ? 0 : 1);
      },
      testing::ExitedWithCode(0), "");
}

TEST_F(KeepFreedMemory, WithoutItAFreshProcessMapsLargeBlocks) {
  EXPECT_EXIT(std::exit(heap_keeps_a_large_block() ? 0 : 1), testing::ExitedWithCode(1), "");
}
#endif

}  // namespace
}  // namespace pardo::test

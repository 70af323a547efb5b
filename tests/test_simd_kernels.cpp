// The bulk Philox and pi kernels: every SIMD level gives the scalar bits, at every tail
// length, across the counter's 2^32 carry and its 2^64 wrap, at every round count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include <pardo/random/bulk.hpp>
#include <pardo/random/philox.hpp>

namespace pardo::test {
namespace {

using random::Key;
using random::SimdLevel;

constexpr std::uint64_t two32 = std::uint64_t{1} << 32;
constexpr std::uint64_t max64 = std::numeric_limits<std::uint64_t>::max();

// Block indices that start a run at 0, straddle the carry into counter word 1, start right
// on it, and straddle the wrap from 2^64 - 1 back to 0.
const std::vector<std::uint64_t> first_blocks{0,          5,    two32 - 37, two32, 7 * two32 - 3,
                                              max64 - 58, max64};
// Stream ids with the high word empty, full, and mixed.
const std::vector<std::uint64_t> stream_ids{0, 1, 0xFFFFFFFFu, two32, 0xDEADBEEFCAFEF00Dull, max64};
const std::vector<Key> keys{{0, 0},
                            {0xFFFFFFFFu, 0xFFFFFFFFu},
                            {0x12345678u, 0x9ABCDEF0u},
                            {0x80000000u, 1},
                            {0xA4093822u, 0x299F31D0u}};

std::vector<std::uint32_t> reference_words(const Key& key, std::uint64_t stream_id,
                                           std::uint64_t first_block, std::size_t n_blocks,
                                           unsigned rounds) {
  std::vector<std::uint32_t> words;
  words.reserve(4 * n_blocks);
  for (std::size_t i = 0; i < n_blocks; ++i) {
    const random::Counter c =
        random::philox(random::stream_counter(stream_id, first_block + i), key, rounds);
    words.insert(words.end(), c.begin(), c.end());
  }
  return words;
}

std::uint64_t reference_count(const std::vector<std::uint32_t>& words) {
  const auto inside = [](std::uint32_t a, std::uint32_t b) {
    const std::uint64_t x = a >> 1;
    const std::uint64_t y = b >> 1;
    return x * x + y * y < (std::uint64_t{1} << 62) ? 1u : 0u;
  };
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < words.size(); i += 2) count += inside(words[i], words[i + 1]);
  return count;
}

class SimdKernels : public ::testing::TestWithParam<SimdLevel> {
 protected:
  void SetUp() override {
    if (!random::supported(GetParam())) {
      GTEST_SKIP() << "this CPU cannot run " << random::to_string(GetParam());
    }
  }

  // Both kernels at this level against philox4x32 itself.
  void expect_same_bits(const Key& key, std::uint64_t stream_id, std::uint64_t first_block,
                        std::size_t n_blocks, unsigned rounds) const {
    const std::vector<std::uint32_t> expected =
        reference_words(key, stream_id, first_block, n_blocks, rounds);
    std::vector<std::uint32_t> words(4 * n_blocks, 0xCCCCCCCCu);
    random::philox_blocks(GetParam(), key, stream_id, first_block, words, rounds);
    const std::string where = "key {" + std::to_string(key[0]) + ", " + std::to_string(key[1]) +
                              "} stream " + std::to_string(stream_id) + " first block " +
                              std::to_string(first_block) + " blocks " + std::to_string(n_blocks) +
                              " rounds " + std::to_string(rounds);
    ASSERT_EQ(words, expected) << where;
    ASSERT_EQ(
        random::count_in_quarter_disc(GetParam(), key, stream_id, first_block, n_blocks, rounds),
        reference_count(expected))
        << where;
  }
};

TEST_P(SimdKernels, EveryTailLengthAndRoundCount) {
  for (unsigned rounds = 0; rounds <= 16; ++rounds) {
    for (std::uint64_t first_block : {std::uint64_t{0}, two32 - 50, max64 - 60}) {
      for (std::size_t n = 0; n <= 100; ++n) {
        expect_same_bits(keys[2], stream_ids[4], first_block, n, rounds);
      }
    }
  }
}

TEST_P(SimdKernels, ManyKeysStreamsAndStarts) {
  for (const Key& key : keys) {
    for (std::uint64_t stream_id : stream_ids) {
      for (std::uint64_t first_block : first_blocks) {
        for (unsigned rounds : {1u, 2u, 3u, 7u, 10u, 12u}) {
          expect_same_bits(key, stream_id, first_block, 133, rounds);
        }
      }
    }
  }
}

TEST_P(SimdKernels, LargeRunsAcrossTheCarry) {
  for (unsigned rounds : {10u, 5u}) {
    expect_same_bits(keys[4], stream_ids[5], two32 - 40'000, 100'003, rounds);
    expect_same_bits(keys[3], stream_ids[1], max64 - 12'345, 65'536, rounds);
  }
}

TEST_P(SimdKernels, RejectsPartialBlocks) {
  std::vector<std::uint32_t> words(4 * 10 + 3);
  for (std::size_t size : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{43}}) {
    EXPECT_THROW(random::philox_blocks(GetParam(), keys[0], 0, 0,
                                       std::span<std::uint32_t>(words.data(), size)),
                 std::invalid_argument);
  }
}

TEST_P(SimdKernels, PiEstimateWithinFiveStandardErrors) {
  constexpr std::uint64_t blocks = std::uint64_t{1} << 20;
  constexpr double points = 2.0 * blocks;
  const std::uint64_t inside =
      random::count_in_quarter_disc(GetParam(), {0x2024u, 0x0915u}, 42, 0, blocks);
  const double p = std::numbers::pi / 4;
  const double estimate = 4.0 * static_cast<double>(inside) / points;
  const double standard_error = 4.0 * std::sqrt(p * (1 - p) / points);
  EXPECT_NEAR(estimate, std::numbers::pi, 5 * standard_error);
}

INSTANTIATE_TEST_SUITE_P(Levels, SimdKernels,
                         ::testing::Values(SimdLevel::scalar, SimdLevel::avx2, SimdLevel::avx512),
                         [](const ::testing::TestParamInfo<SimdLevel>& level) {
                           return std::string(random::to_string(level.param));
                         });

TEST(SimdDispatch, ChosenLevelIsSupported) {
  EXPECT_TRUE(random::supported(SimdLevel::scalar));
  EXPECT_TRUE(random::supported(random::simd_level()));
}

TEST(SimdDispatch, ForcingAnUnsupportedLevelThrows) {
  std::vector<std::uint32_t> words(8);
  // Not a level at all: never supported, on any CPU.
  const auto bogus = static_cast<SimdLevel>(7);
  EXPECT_FALSE(random::supported(bogus));
  EXPECT_THROW(random::philox_blocks(bogus, keys[0], 0, 0, words), std::invalid_argument);
  EXPECT_THROW(random::count_in_quarter_disc(bogus, keys[0], 0, 0, 2), std::invalid_argument);
  // Real levels this CPU lacks, where there are any.
  for (SimdLevel level : {SimdLevel::avx2, SimdLevel::avx512}) {
    if (random::supported(level)) continue;
    EXPECT_THROW(random::philox_blocks(level, keys[0], 0, 0, words), std::invalid_argument);
    EXPECT_THROW(random::count_in_quarter_disc(level, keys[0], 0, 0, 2), std::invalid_argument);
  }
}

}  // namespace
}  // namespace pardo::test

// Streams: key derivation, values against Philox itself, discard, bulk fills, the ends.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <pardo/random.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using pardo::random::Counter;
using pardo::random::derive_key;
using pardo::random::Key;
using pardo::random::philox;
using pardo::random::Position;
using pardo::random::Stream;
using pardo::random::stream_counter;
using pardo::random::StreamFamily;

constexpr std::uint64_t last_block = std::numeric_limits<std::uint64_t>::max();

Counter block_of(std::uint64_t seed, std::uint64_t id, std::uint64_t block, unsigned rounds = 10) {
  return philox(stream_counter(id, block), derive_key(seed), rounds);
}

std::uint64_t key_bits(const Key& k) { return k[0] | std::uint64_t{k[1]} << 32; }

// A stream whose last block is next: 2^66 - 4 words skipped in four O(1) jumps.
Stream at_last_block(std::uint64_t seed, std::uint64_t id) {
  Stream s(seed, id);
  for (int i = 0; i < 4; ++i) s.discard(last_block);
  return s;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

TEST(RandomStream, KeyIsSplitMix64OfTheSeed) {
  // SplitMix64's first output from state 0, a widely published value.
  EXPECT_EQ(key_bits(derive_key(0)), 0xE220A8397B1DCDAFu);
  EXPECT_EQ(derive_key(0), (Key{0x7B1DCDAFu, 0xE220A839u}));
}

TEST(RandomStream, NearbySeedsGiveUnrelatedKeys) {
  std::set<std::uint64_t> keys;
  double total_distance = 0;
  constexpr int n = 1000;
  for (std::uint64_t seed = 0; seed < n; ++seed) {
    keys.insert(key_bits(derive_key(seed)));
    const int d = std::popcount(key_bits(derive_key(seed)) ^ key_bits(derive_key(seed + 1)));
    EXPECT_GE(d, 10) << "seed " << seed;
    EXPECT_LE(d, 54) << "seed " << seed;
    total_distance += d;
  }
  EXPECT_EQ(keys.size(), std::size_t{n});
  // Independent halves of 64 bits differ in 32 +- 4 bits; the mean of 1000 in 32 +- 0.13.
  EXPECT_NEAR(total_distance / n, 32.0, 1.0);
}

TEST(RandomStream, StreamsAndSeedsDiffer) {
  Stream a(42, 0);
  Stream b(42, 1);
  Stream c(43, 0);
  int same_ab = 0;
  int same_ac = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t x = a.next_u32();
    same_ab += x == b.next_u32() ? 1 : 0;
    same_ac += x == c.next_u32() ? 1 : 0;
  }
  EXPECT_LE(same_ab, 1);
  EXPECT_LE(same_ac, 1);
}

TEST(RandomStream, WordsArePhiloxBlocksInOrder) {
  for (unsigned rounds : {10u, 3u}) {
    Stream s(7, 3, rounds);
    EXPECT_EQ(s.id(), 3u);
    EXPECT_EQ(s.key(), derive_key(7));
    EXPECT_EQ(s.rounds(), rounds);
    for (std::uint64_t b = 0; b < 10; ++b) {
      const Counter c = block_of(7, 3, b, rounds);
      for (unsigned w = 0; w < 4; ++w) {
        EXPECT_EQ(s.position(), (Position{b, w}));
        EXPECT_EQ(s.next_u32(), c[w]);
      }
    }
  }
}

TEST(RandomStream, U64IsLowWordFirstAndRealsAreExactScalings) {
  const Counter c0 = block_of(5, 1, 0);
  const Counter c1 = block_of(5, 1, 1);
  Stream s(5, 1);
  EXPECT_EQ(s.next_u64(), c0[0] | std::uint64_t{c0[1]} << 32);
  EXPECT_EQ(s.next_u64(), c0[2] | std::uint64_t{c0[3]} << 32);
  EXPECT_EQ(s.next_double(),
            static_cast<double>((c1[0] | std::uint64_t{c1[1]} << 32) >> 11) / 9007199254740992.0);
  EXPECT_EQ(s.next_float(), static_cast<float>(c1[2] >> 8) / 16777216.0f);
  EXPECT_EQ(s(), c1[3]);
}

TEST(RandomStream, OddPositionU64SpansBlocks) {
  Stream s(5, 1);
  s.discard(3);
  const Counter c0 = block_of(5, 1, 0);
  const Counter c1 = block_of(5, 1, 1);
  EXPECT_EQ(s.next_u64(), c0[3] | std::uint64_t{c1[0]} << 32);
}

TEST(RandomStream, DiscardEqualsDrawing) {
  for (std::uint64_t start = 0; start < 4; ++start) {
    for (std::uint64_t n : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 8u, 13u, 1000u, 12345u}) {
      Stream jumped(9, 2);
      Stream walked(9, 2);
      jumped.discard(start);
      for (std::uint64_t i = 0; i < start; ++i) walked.next_u32();
      jumped.discard(n);
      for (std::uint64_t i = 0; i < n; ++i) walked.next_u32();
      EXPECT_EQ(jumped.position(), walked.position()) << start << " + " << n;
      for (int i = 0; i < 9; ++i) EXPECT_EQ(jumped.next_u32(), walked.next_u32());
    }
  }
}

TEST(RandomStream, DiscardFarIsDirectAccess) {
  const std::uint64_t block = std::uint64_t{1} << 40;
  Stream s(11, 4);
  s.discard(4 * block + 2);
  EXPECT_EQ(s.position(), (Position{block, 2}));
  EXPECT_EQ(s.next_u32(), block_of(11, 4, block)[2]);
}

TEST(RandomStream, CopiesContinueIdentically) {
  Stream a(3, 3);
  a.discard(6);
  Stream b = a;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.next_u32(), b.next_u32());
}

const std::vector<std::size_t> fill_sizes{
    0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 1023, 1024, 1025, 2047, 2048, 2049, 3000, 5000};

TEST(RandomStream, FillU32EqualsRepeatedNext) {
  for (std::uint64_t start = 0; start < 6; ++start) {
    for (std::size_t size : fill_sizes) {
      Stream bulk(21, 5);
      Stream one(21, 5);
      bulk.discard(start);
      one.discard(start);
      std::vector<std::uint32_t> out(size);
      bulk.fill(std::span<std::uint32_t>(out));
      for (std::size_t i = 0; i < size; ++i) {
        ASSERT_EQ(out[i], one.next_u32()) << "start " << start << " size " << size << " i " << i;
      }
      EXPECT_EQ(bulk.position(), one.position());
      EXPECT_EQ(bulk.next_u32(), one.next_u32()) << "start " << start << " size " << size;
    }
  }
}

TEST(RandomStream, FillDoubleEqualsRepeatedNext) {
  for (std::uint64_t start = 0; start < 6; ++start) {
    for (std::size_t size : fill_sizes) {
      Stream bulk(22, 6);
      Stream one(22, 6);
      bulk.discard(start);
      one.discard(start);
      std::vector<double> out(size);
      bulk.fill(std::span<double>(out));
      for (std::size_t i = 0; i < size; ++i) {
        ASSERT_EQ(out[i], one.next_double()) << "start " << start << " size " << size;
      }
      EXPECT_EQ(bulk.position(), one.position());
      EXPECT_EQ(bulk.next_u32(), one.next_u32());
    }
  }
}

TEST(RandomStream, FillFloatEqualsRepeatedNext) {
  for (std::uint64_t start = 0; start < 6; ++start) {
    for (std::size_t size : fill_sizes) {
      Stream bulk(23, 7);
      Stream one(23, 7);
      bulk.discard(start);
      one.discard(start);
      std::vector<float> out(size);
      bulk.fill(std::span<float>(out));
      for (std::size_t i = 0; i < size; ++i) {
        ASSERT_EQ(out[i], one.next_float()) << "start " << start << " size " << size;
      }
      EXPECT_EQ(bulk.position(), one.position());
      EXPECT_EQ(bulk.next_u32(), one.next_u32());
    }
  }
}

TEST(RandomStream, RealsStayInTheUnitInterval) {
  Stream s(31, 0);
  std::vector<double> d(100'000);
  std::vector<float> f(100'000);
  s.fill(std::span<double>(d));
  s.fill(std::span<float>(f));
  for (double x : d) ASSERT_TRUE(x >= 0.0 && x < 1.0) << x;
  for (float x : f) ASSERT_TRUE(x >= 0.0f && x < 1.0f) << x;
}

TEST(RandomStream, AllOnesGiveTheLargestRealBelowOne) {
  // One Philox round is simple enough to aim: word 1 is the low half of m1 * ctr[2], and
  // word 0 is its high half ^ ctr[1] ^ key[0]; pick the stream id and block to make both
  // all ones, so next_u64() sees the largest input there is.
  constexpr std::uint32_t m1 = 0xCD9E8D57u;
  std::uint32_t inverse = m1;  // Newton's iteration for m1^-1 mod 2^32
  for (int i = 0; i < 5; ++i) inverse *= 2u - m1 * inverse;
  const std::uint32_t id = 0u - inverse;  // m1 * id == 0xFFFFFFFF
  const std::uint64_t seed = 77;
  const auto high = static_cast<std::uint32_t>((std::uint64_t{m1} * id) >> 32);
  const std::uint64_t block = std::uint64_t{high ^ derive_key(seed)[0] ^ 0xFFFFFFFFu} << 32;
  const Counter c = block_of(seed, id, block, 1);
  ASSERT_EQ(c[0], 0xFFFFFFFFu);
  ASSERT_EQ(c[1], 0xFFFFFFFFu);

  Stream s(seed, id, 1);
  for (int i = 0; i < 4; ++i) s.discard(block);
  Stream t = s;
  Stream u = s;
  const double d = s.next_double();
  EXPECT_EQ(d, 1.0 - 0x1p-53);
  EXPECT_LT(d, 1.0);
  EXPECT_EQ(t.next_float(), 1.0f - 0x1p-24f);
  double bulk_d = 0;
  u.fill(std::span<double>(&bulk_d, 1));
  EXPECT_EQ(bulk_d, 1.0 - 0x1p-53);
}

TEST(RandomStream, EndOfStreamThrows) {
  Stream s = at_last_block(1, 8);
  EXPECT_EQ(s.position(), (Position{last_block, 0}));
  const Counter c = block_of(1, 8, last_block);
  for (unsigned w = 0; w < 4; ++w) EXPECT_EQ(s.next_u32(), c[w]);
  EXPECT_EQ(s.position(), (Position{last_block, 4}));
  const std::string what = message_of([&] { s.next_u32(); });
  EXPECT_NE(what.find("stream 8 is exhausted"), std::string::npos) << what;
  EXPECT_THROW(s.next_double(), std::out_of_range);
  EXPECT_THROW(s.discard(1), std::out_of_range);
  s.discard(0);
  std::vector<std::uint32_t> none;
  s.fill(std::span<std::uint32_t>(none));
  EXPECT_EQ(s.position(), (Position{last_block, 4}));
}

TEST(RandomStream, FailedDrawsNearTheEndLeaveTheStreamAlone) {
  Stream s = at_last_block(1, 8);
  s.discard(3);
  EXPECT_THROW(s.next_u64(), std::out_of_range);
  std::vector<std::uint32_t> two(2);
  EXPECT_THROW(s.fill(std::span<std::uint32_t>(two)), std::out_of_range);
  std::vector<float> two_floats(2);
  EXPECT_THROW(s.fill(std::span<float>(two_floats)), std::out_of_range);
  std::vector<double> one_double(1);
  EXPECT_THROW(s.fill(std::span<double>(one_double)), std::out_of_range);
  const std::string what = message_of([&] { s.discard(2); });
  EXPECT_NE(what.find("past the end"), std::string::npos) << what;
  EXPECT_EQ(s.position(), (Position{last_block, 3}));
  EXPECT_EQ(s.next_u32(), block_of(1, 8, last_block)[3]);
}

TEST(RandomStream, FillRunsExactlyToTheEnd) {
  Stream s(2, 9);
  for (int i = 0; i < 3; ++i) s.discard(last_block);
  s.discard(last_block - 7);  // 2^66 - 11 words drawn: 11 left, from word 1 of block 2^64 - 3
  EXPECT_EQ(s.position(), (Position{last_block - 2, 1}));
  std::vector<std::uint32_t> out(11);
  s.fill(std::span<std::uint32_t>(out));
  EXPECT_EQ(out[0], block_of(2, 9, last_block - 2)[1]);
  EXPECT_EQ(out[3], block_of(2, 9, last_block - 1)[0]);
  EXPECT_EQ(out[10], block_of(2, 9, last_block)[3]);
  EXPECT_EQ(s.position(), (Position{last_block, 4}));
  EXPECT_THROW(s.next_u32(), std::out_of_range);
}

TEST(StreamFamily, HandsOutStreamsByIndex) {
  const StreamFamily family(42, 5);
  EXPECT_EQ(family.size(), 5u);
  Stream from_family = family.stream(4);
  Stream direct(42, 4);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(from_family.next_u32(), direct.next_u32());
  const std::string what = message_of([&] { family.stream(7); });
  EXPECT_NE(what.find("stream 7"), std::string::npos) << what;
  EXPECT_NE(what.find("family of 5 streams"), std::string::npos) << what;
  EXPECT_THROW(family.stream(5), std::out_of_range);
}

TEST(RandomStream, RoundsMustBeOneToSixteen) {
  EXPECT_NO_THROW(Stream(1, 0, 1));
  EXPECT_NO_THROW(Stream(1, 0, 16));
  for (unsigned bad : {0u, 17u, 1000u}) {
    const std::string what = message_of([&] { Stream(1, 0, bad); });
    EXPECT_NE(what.find("rounds must be 1-16, got " + std::to_string(bad)), std::string::npos)
        << what;
    EXPECT_THROW(StreamFamily(1, 1, bad), std::invalid_argument);
  }
}

}  // namespace

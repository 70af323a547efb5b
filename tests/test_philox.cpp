// Philox4x32 against the published known answers and against Random123 itself.
// Random123 first: its C macro philox4x32(c, k) must not disturb pardo's names.
#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <pardo/random/philox.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

// Last, and without its C macro philox(c, k), which would swallow pardo's function.
#include <Random123/philox.h>
#undef philox4x32

namespace {

using pardo::random::Counter;
using pardo::random::Key;
using pardo::random::philox;

static_assert(philox({0, 0, 0, 0}, {0, 0}) ==
                  Counter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
              "philox must be usable at compile time");

struct KnownAnswer {
  unsigned rounds;
  Counter counter;
  Key key;
  Counter expected;
};

std::vector<KnownAnswer> read_known_answers() {
  const std::string path = PARDO_TEST_DATA_DIR "/philox4x32_10_kat.txt";
  std::ifstream file(path);
  if (!file) ADD_FAILURE() << "cannot open " << path;
  std::vector<KnownAnswer> answers;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields(line);
    std::string name;
    KnownAnswer a{};
    fields >> name >> a.rounds >> std::hex;
    for (auto& w : a.counter) fields >> w;
    for (auto& w : a.key) fields >> w;
    for (auto& w : a.expected) fields >> w;
    if (!fields || name != "philox4x32") ADD_FAILURE() << "unreadable line: " << line;
    answers.push_back(a);
  }
  return answers;
}

template <unsigned R>
Counter random123(const Counter& c, const Key& k) {
  using Generator = r123::Philox4x32_R<R>;
  const typename Generator::ctr_type ctr = {{c[0], c[1], c[2], c[3]}};
  const typename Generator::key_type key = {{k[0], k[1]}};
  const auto out = Generator{}(ctr, key);
  return {out[0], out[1], out[2], out[3]};
}

// Counts disagreements over `n` counters and keys drawn from a fixed-seed generator.
template <unsigned R>
std::size_t mismatches(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t a = gen();
    const std::uint64_t b = gen();
    const std::uint64_t c = gen();
    const Counter counter{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32),
                          static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(b >> 32)};
    const Key key{static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(c >> 32)};
    if (philox(counter, key, R) != random123<R>(counter, key)) {
      if (bad == 0) ADD_FAILURE() << "rounds " << R << ": first mismatch at input " << i;
      ++bad;
    }
  }
  return bad;
}

TEST(Philox, PublishedKnownAnswers) {
  const auto answers = read_known_answers();
  ASSERT_EQ(answers.size(), 3u);
  for (const auto& a : answers) {
    EXPECT_EQ(philox(a.counter, a.key, a.rounds), a.expected);
    EXPECT_EQ(random123<10>(a.counter, a.key), a.expected)
        << "the data file disagrees with Random123";
  }
}

TEST(Philox, MatchesRandom123OnAMillionRandomInputs) {
  EXPECT_EQ(mismatches<10>(1'000'000, 20240601), 0u);
}

TEST(Philox, ReducedAndExtraRoundsMatchRandom123) {
  EXPECT_EQ(mismatches<1>(10'000, 1), 0u);
  EXPECT_EQ(mismatches<2>(10'000, 2), 0u);
  EXPECT_EQ(mismatches<3>(10'000, 3), 0u);
  EXPECT_EQ(mismatches<5>(10'000, 5), 0u);
  EXPECT_EQ(mismatches<7>(10'000, 7), 0u);
  EXPECT_EQ(mismatches<16>(10'000, 16), 0u);
}

}  // namespace

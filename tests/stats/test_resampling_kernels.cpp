// The resampling kernels behind the bootstrap and the permutation test: at every SIMD level
// the CPU has, each gives what its one-word-at-a-time definition gives, through rejections,
// register tails and output buffers that end mid-register.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <functional>
#include <pardo/random/bulk.hpp>
#include <pardo/random/distributions.hpp>
#include <pardo/random/stream.hpp>
#include <string>
#include <vector>

#include "stats/resampling_kernels.hpp"

namespace {

namespace kernels = pardo::stats::detail;
using kernels::Drawn;
using pardo::random::SimdLevel;

using Kernel = std::function<Drawn(const std::uint32_t*, std::size_t, std::uint32_t*, std::size_t)>;

std::vector<std::uint32_t> random_words(std::size_t n, std::uint64_t seed) {
  pardo::random::Stream s(seed, 0);
  std::vector<std::uint32_t> words(n);
  s.fill(std::span<std::uint32_t>(words));
  return words;
}

std::uint32_t two32_mod(std::uint64_t range) {
  return static_cast<std::uint32_t>((std::uint64_t{1} << 32) % range);
}

// The definitions, one word at a time.
Drawn single_reference(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                       std::uint32_t* out, std::size_t out_size) {
  Drawn d{0, 0};
  for (; d.used < count && d.made < out_size; ++d.used) {
    const std::uint64_t m = std::uint64_t{words[d.used]} * n;
    if (static_cast<std::uint32_t>(m) < two32_mod(n)) continue;
    out[d.made++] = static_cast<std::uint32_t>(m >> 32);
  }
  return d;
}

Drawn pairs_reference(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                      std::uint32_t* out, std::size_t out_size) {
  const std::uint64_t range = std::uint64_t{n} * n;
  Drawn d{0, 0};
  for (; d.used < count && d.made + 2 <= out_size; ++d.used) {
    const std::uint64_t m = std::uint64_t{words[d.used]} * range;
    if (static_cast<std::uint32_t>(m) < two32_mod(range)) continue;
    const std::uint64_t index = m >> 32;  // uniform on [0, n^2): its two base-n digits
    out[d.made++] = static_cast<std::uint32_t>(index / n);
    out[d.made++] = static_cast<std::uint32_t>(index % n);
  }
  return d;
}

Drawn descending_reference(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                           std::uint32_t* out, std::size_t out_size) {
  Drawn d{0, 0};
  for (; d.used < count && d.made < out_size; ++d.used) {
    const std::uint32_t range = top - static_cast<std::uint32_t>(d.made);
    const std::uint64_t m = std::uint64_t{words[d.used]} * range;
    if (static_cast<std::uint32_t>(m) < two32_mod(range)) continue;
    out[d.made++] = static_cast<std::uint32_t>(m >> 32);
  }
  return d;
}

// A kernel against its reference on word counts and output sizes around the registers'
// widths, then drained in pieces as the bootstrap and the permutation test call it.
void expect_same(const Kernel& kernel, const Kernel& reference, const std::string& what) {
  const std::vector<std::uint32_t> words = random_words(3000, 7);
  for (const std::size_t count : {0u, 1u, 7u, 8u, 15u, 16u, 17u, 33u, 100u, 3000u}) {
    for (const std::size_t out_size : {0u, 1u, 2u, 15u, 16u, 17u, 32u, 63u, 64u, 200u, 2500u}) {
      std::vector<std::uint32_t> got(out_size + 1, 0xABCDu);
      std::vector<std::uint32_t> want(out_size + 1, 0xABCDu);
      const Drawn g = kernel(words.data(), count, got.data(), out_size);
      const Drawn w = reference(words.data(), count, want.data(), out_size);
      ASSERT_EQ(g.used, w.used) << what << ", " << count << " words, room for " << out_size;
      ASSERT_EQ(g.made, w.made) << what << ", " << count << " words, room for " << out_size;
      got.resize(g.made);
      want.resize(w.made);
      ASSERT_EQ(got, want) << what << ", " << count << " words, room for " << out_size;
    }
  }
}

std::vector<SimdLevel> levels() {
  std::vector<SimdLevel> out;
  for (const SimdLevel level : {SimdLevel::scalar, SimdLevel::avx2, SimdLevel::avx512}) {
    if (pardo::random::supported(level)) out.push_back(level);
  }
  return out;
}

// The kernels compiled for x86 vector levels exist only in x86 builds.
#if defined(__x86_64__) || defined(_M_X64)
constexpr bool x86 = true;
#else
constexpr bool x86 = false;
#endif

template <class F>
F* at_level(SimdLevel level, F* scalar, [[maybe_unused]] F* avx2, [[maybe_unused]] F* avx512) {
  if constexpr (x86) {
    if (level == SimdLevel::avx2) return avx2;
    if (level == SimdLevel::avx512) return avx512;
  }
  return scalar;
}

#if defined(__x86_64__) || defined(_M_X64)
#define PARDO_VECTOR(name) kernels::name##_avx2, kernels::name##_avx512
#else
#define PARDO_VECTOR(name) nullptr, nullptr
#endif

TEST(ResamplingKernels, OneIndexPerWordAtEveryLevel) {
  for (const SimdLevel level : levels()) {
    auto* f = at_level(level, kernels::lemire_scalar, PARDO_VECTOR(lemire));
    // 3e9 and 2^32 - 1 reject often, so vector steps fall back to single words.
    for (const std::uint32_t n : {1u, 7u, 10'000u, 3'000'000'000u, 4'294'967'295u}) {
      expect_same([&](const std::uint32_t* w, std::size_t c, std::uint32_t* o,
                      std::size_t s) { return f(w, c, n, two32_mod(n), o, s); },
                  [&](const std::uint32_t* w, std::size_t c, std::uint32_t* o, std::size_t s) {
                    return single_reference(w, c, n, o, s);
                  },
                  std::string(pardo::random::to_string(level)) + " n = " + std::to_string(n));
    }
  }
}

TEST(ResamplingKernels, TwoIndicesPerWordAtEveryLevel) {
  for (const SimdLevel level : levels()) {
    auto* f = at_level(level, kernels::lemire_pairs_scalar, PARDO_VECTOR(lemire_pairs));
    // 46341^2 is just above 2^31: about half of all words are rejected.
    for (const std::uint32_t n : {1u, 2u, 7u, 10'000u, 46'341u, 65'535u}) {
      const std::uint32_t threshold = two32_mod(std::uint64_t{n} * n);
      expect_same([&](const std::uint32_t* w, std::size_t c, std::uint32_t* o,
                      std::size_t s) { return f(w, c, n, threshold, o, s); },
                  [&](const std::uint32_t* w, std::size_t c, std::uint32_t* o, std::size_t s) {
                    return pairs_reference(w, c, n, o, s);
                  },
                  std::string(pardo::random::to_string(level)) + " n = " + std::to_string(n));
    }
  }
}

TEST(ResamplingKernels, ShrinkingRangesAtEveryLevel) {
  for (const SimdLevel level : levels()) {
    auto* f = at_level(level, kernels::lemire_descending_scalar, PARDO_VECTOR(lemire_descending));
    // Near 2^32 most words are rejected and every range differs from the next.
    for (const std::uint32_t top : {2'500u, 10'000u, 3'000'000'000u, 4'294'967'295u}) {
      expect_same([&](const std::uint32_t* w, std::size_t c, std::uint32_t* o,
                      std::size_t s) { return f(w, c, top, o, s); },
                  [&](const std::uint32_t* w, std::size_t c, std::uint32_t* o, std::size_t s) {
                    return descending_reference(w, c, top, o, s);
                  },
                  std::string(pardo::random::to_string(level)) + " top = " + std::to_string(top));
    }
  }
}

TEST(ResamplingKernels, GatheredSumsHaveTheScalarBitsAtEveryLevel) {
  pardo::random::Stream s(3, 1);
  std::vector<double> x(1'000);
  for (double& v : x) v = pardo::random::uniform(s, -400.0, 600.0);
  const std::vector<std::uint32_t> words = random_words(1'003, 9);
  std::vector<std::uint32_t> index(words.size());
  for (std::size_t i = 0; i < index.size(); ++i) index[i] = words[i] % 1'000;
  for (const SimdLevel level : levels()) {
    auto* f = at_level(level, kernels::gathered_sum_scalar, PARDO_VECTOR(gathered_sum));
    for (const std::size_t n : {0u, 1u, 7u, 8u, 9u, 16u, 1'003u}) {
      const double want = kernels::gathered_sum_scalar(x.data(), index.data(), n);
      EXPECT_EQ(std::bit_cast<std::uint64_t>(f(x.data(), index.data(), n)),
                std::bit_cast<std::uint64_t>(want))
          << pardo::random::to_string(level) << ", " << n << " values";
    }
  }
}

}  // namespace

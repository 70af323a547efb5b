// The AVX2 kernels: four blocks per register. This file alone is compiled with AVX2 flags;
// bulk.cpp calls it only where the CPU has them.

#include "random/bulk_kernels.hpp"

#if defined(PARDO_X86_KERNELS)

#include "random/bulk_simd.hpp"
#include "random/intrinsics.hpp"

namespace pardo::random::detail {
namespace {

struct Avx2 {
  using V = __m256i;
  static constexpr unsigned kLanes = 4;
  // Independent groups in flight, against the multiply-shift-xor chain's latency. Measured
  // here (Xeon, Golden Cove), 4 groups beat 2 by ~12%; 6 gained ~7% more but spill most of
  // the state, with only sixteen ymm registers, which is a bad bet on other AVX2 CPUs.
  static constexpr unsigned kGroups = 4;

  static V set1(std::uint64_t x) noexcept { return _mm256_set1_epi64x(static_cast<long long>(x)); }
  static V iota() noexcept { return _mm256_set_epi64x(3, 2, 1, 0); }
  static V zero() noexcept { return _mm256_setzero_si256(); }
  static V add(V a, V b) noexcept { return _mm256_add_epi64(a, b); }
  static V mul(V a, V b) noexcept { return _mm256_mul_epu32(a, b); }
  static V hi(V p) noexcept { return _mm256_srli_epi64(p, 32); }
  static V swap(V p) noexcept { return _mm256_shuffle_epi32(p, 0xB1); }
  static V half(V w) noexcept { return _mm256_srli_epi32(w, 1); }
  static V xor2(V a, V b) noexcept { return _mm256_xor_si256(a, b); }
  static V xor3(V a, V b, V c) noexcept { return _mm256_xor_si256(a, _mm256_xor_si256(b, c)); }

  // The last round fused with the disc test, for points A = (w0, w1) = (hi(p1) ^ c1 ^ k0,
  // lo(p1)) and B = (w2, w3) = (hi(p0) ^ c3 ^ k1, lo(p0)). x, y < 2^31, so x^2 + y^2 < 2^63 is
  // exact in 64-bit lanes, and s < 2^62 exactly when hi(s) < 2^30: hi(s) >> 30 flags a point
  // outside. A blend packs both sums' high halves, to count 8 flags at once.
  static V count_far(V far, V p0, V p1, V c1, V c3, std::uint64_t k0, std::uint64_t k1,
                     unsigned valid_blocks) noexcept {
    const V xa = half(xor3(swap(p1), c1, set1(k0)));
    const V ya = half(p1);
    const V xb = half(xor3(hi(p0), c3, set1(k1)));
    const V yb = half(p0);
    const V sa = add(mul(xa, xa), mul(ya, ya));
    const V sb = add(mul(xb, xb), mul(yb, yb));
    V flags = _mm256_srli_epi32(_mm256_blend_epi32(hi(sb), sa, 0xAA), 30);
    if (valid_blocks != kLanes) {
      const V dword = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
      const V limit = _mm256_set1_epi32(static_cast<int>(2 * valid_blocks));
      flags = _mm256_and_si256(flags, _mm256_cmpgt_epi32(limit, dword));
    }
    return _mm256_add_epi32(far, flags);
  }

  static std::uint64_t sum(V far) noexcept {
    const V low = _mm256_and_si256(far, set1(0xFFFFFFFFu));
    const V wide = _mm256_add_epi64(low, hi(far));
    const __m128i half_sum =
        _mm_add_epi64(_mm256_castsi256_si128(wide), _mm256_extracti128_si256(wide, 1));
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(half_sum)) +
           static_cast<std::uint64_t>(_mm_extract_epi64(half_sum, 1));
  }

  // Block j's words (w0, w1, w2, w3) to out[4 j ..]: swapping p1's halves puts hi(p1) where
  // w0 goes and lo(p1) = w1 beside it, so an xor and a blend make (w0, w1); likewise
  // (w2, w3); then unpack and cross the 128-bit halves.
  static void store(std::uint32_t* out, V p0, V p1, V c1, V c3, std::uint64_t k0,
                    std::uint64_t k1) noexcept {
    const V s1 = swap(p1);
    const V s0 = swap(p0);
    const V w01 = _mm256_blend_epi32(xor3(s1, c1, set1(k0)), s1, 0xAA);
    const V w23 = _mm256_blend_epi32(xor3(s0, c3, set1(k1)), s0, 0xAA);
    const V even = _mm256_unpacklo_epi64(w01, w23);
    const V odd = _mm256_unpackhi_epi64(w01, w23);
    _mm256_storeu_si256(reinterpret_cast<V*>(out), _mm256_permute2x128_si256(even, odd, 0x20));
    _mm256_storeu_si256(reinterpret_cast<V*>(out + 8), _mm256_permute2x128_si256(even, odd, 0x31));
  }
};

}  // namespace

void philox_segment_avx2(const Segment& segment, std::uint32_t* out) noexcept {
  philox_segment_any<Avx2>(segment, out);
}

std::uint64_t count_segment_avx2(const Segment& segment) noexcept {
  return count_segment_any<Avx2>(segment);
}

}  // namespace pardo::random::detail

#endif

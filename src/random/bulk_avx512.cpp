// The AVX-512 kernels: eight blocks per register. This file alone is compiled with AVX-512
// flags; bulk.cpp calls it only where the CPU has them.

#include "random/bulk_kernels.hpp"

#if defined(PARDO_X86_KERNELS)

#include "random/bulk_simd.hpp"
#include "random/intrinsics.hpp"

namespace pardo::random::detail {
namespace {

struct Avx512 {
  using V = __m512i;
  static constexpr unsigned kLanes = 8;
  // Independent groups in flight. A round's multiply-shift-xor chain is 7 cycles long, and
  // the 512-bit ports are two; measured here (Xeon, Golden Cove), 6 groups beat 4 by ~8% on
  // the pi kernel and tie 8, which already spills state to the stack.
  static constexpr unsigned kGroups = 6;

  static V set1(std::uint64_t x) noexcept { return _mm512_set1_epi64(static_cast<long long>(x)); }
  static V iota() noexcept { return _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0); }
  static V zero() noexcept { return _mm512_setzero_si512(); }
  static V add(V a, V b) noexcept { return _mm512_add_epi64(a, b); }
  static V mul(V a, V b) noexcept { return _mm512_mul_epu32(a, b); }
  static V hi(V p) noexcept { return _mm512_srli_epi64(p, 32); }
  static V swap(V p) noexcept { return _mm512_shuffle_epi32(p, _MM_PERM_CDAB); }
  static V half(V w) noexcept { return _mm512_srli_epi32(w, 1); }
  static V xor2(V a, V b) noexcept { return _mm512_xor_si512(a, b); }
  static V xor3(V a, V b, V c) noexcept { return _mm512_ternarylogic_epi64(a, b, c, 0x96); }

  // The last round fused with the disc test, for points A = (w0, w1) = (hi(p1) ^ c1 ^ k0,
  // lo(p1)) and B = (w2, w3) = (hi(p0) ^ c3 ^ k1, lo(p0)). x, y < 2^31, so x^2 + y^2 < 2^63 is
  // exact in 64-bit lanes, and s < 2^62 exactly when hi(s) < 2^30: hi(s) >> 30 flags a point
  // outside. Packing w0 and w2 into one register's even and odd halves makes one xor and one
  // shift serve both points; packing both sums' high halves counts 16 flags at once.
  static V count_far(V far, V p0, V p1, V c1, V c3, std::uint64_t k0, std::uint64_t k1,
                     unsigned valid_blocks) noexcept {
    const V high = _mm512_permutex2var_epi32(
        p1, _mm512_set_epi32(31, 15, 29, 13, 27, 11, 25, 9, 23, 7, 21, 5, 19, 3, 17, 1), p0);
    const V partner = _mm512_mask_shuffle_epi32(c1, 0xAAAA, c3, _MM_PERM_CDAB);
    const V x = half(xor3(high, partner, set1(k0 | k1 << 32)));
    const V xb = swap(x);
    const V ya = half(p1);
    const V yb = half(p0);
    const V sa = add(mul(x, x), mul(ya, ya));
    const V sb = add(mul(xb, xb), mul(yb, yb));
    const V flags = _mm512_srli_epi32(_mm512_mask_shuffle_epi32(sa, 0x5555, sb, _MM_PERM_CDAB), 30);
    if (valid_blocks == kLanes) return _mm512_add_epi32(far, flags);
    const auto valid = static_cast<__mmask16>((1u << (2 * valid_blocks)) - 1);
    return _mm512_mask_add_epi32(far, valid, far, flags);
  }

  static std::uint64_t sum(V far) noexcept {
    const V low = _mm512_and_si512(far, set1(0xFFFFFFFFu));
    return static_cast<std::uint64_t>(_mm512_reduce_add_epi64(_mm512_add_epi64(low, hi(far))));
  }

  // Block j's words (w0, w1, w2, w3) to out[4 j ..]: swapping p1's halves puts hi(p1) where
  // w0 goes and lo(p1) = w1 beside it, so one masked xor makes (w0, w1) and two permutes
  // interleave them with (w2, w3).
  static void store(std::uint32_t* out, V p0, V p1, V c1, V c3, std::uint64_t k0,
                    std::uint64_t k1) noexcept {
    const V w01 = _mm512_mask_ternarylogic_epi32(swap(p1), 0x5555, c1, set1(k0), 0x96);
    const V w23 = _mm512_mask_ternarylogic_epi32(swap(p0), 0x5555, c3, set1(k1), 0x96);
    const V first = _mm512_permutex2var_epi64(w01, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), w23);
    const V second =
        _mm512_permutex2var_epi64(w01, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), w23);
    _mm512_storeu_si512(out, first);
    _mm512_storeu_si512(out + 16, second);
  }
};

}  // namespace

void philox_segment_avx512(const Segment& segment, std::uint32_t* out) noexcept {
  philox_segment_any<Avx512>(segment, out);
}

std::uint64_t count_segment_avx512(const Segment& segment) noexcept {
  return count_segment_any<Avx512>(segment);
}

}  // namespace pardo::random::detail

#endif

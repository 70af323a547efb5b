#pragma once
// Philox4x32 and the fused pi kernel, written once over an instruction-set policy `Isa` and
// compiled per policy in bulk_avx2.cpp and bulk_avx512.cpp. Everything here has internal
// linkage (see bulk_kernels.hpp for why).
//
// Layout: one block per 64-bit lane, each counter word in the low half of its lane.
// mul_epu32 reads only low halves and returns whole 64-bit products, so a Philox round costs,
// per product, a multiply, one move of the high half down and a three-way xor, with no
// packing of words. High halves hold garbage that nothing reads. The moves alternate between
// a shift and a dword swap, which run on different ports on current x86 cores.
//
// Rounds 0 and 1 are mostly lane-independent: only counter word 0 (the block's low word)
// varies, so round 0's first product is kept incrementally (P += stride * M0) and most of
// both rounds is folded into per-segment constants (Plan), 7 vector operations instead of 13.

#include <cstdint>
#include <cstring>

#include "pardo/random/philox.hpp"
#include "random/bulk_kernels.hpp"

namespace pardo::random::detail {
namespace {

struct Plan {
  std::uint64_t k0[simd_max_rounds];  // round keys, zero-extended
  std::uint64_t k1[simd_max_rounds];
  unsigned rounds;
  // Round 0: p0 = P (per lane); p1 = p1_round0 and the xor partners are lane-independent.
  std::uint64_t p1_round0;
  std::uint64_t c1_round0;
  std::uint64_t c3_round0;
  // Round 1: p0 = p0_round1 and c1 = c1_round1 are lane-independent, c2 = hi(P) ^ x0 and
  // c3 = lo(P).
  std::uint64_t x0;
  std::uint64_t p0_round1;
  std::uint64_t c1_round1;
  // After round 1: c0 = hi(M1 c2) ^ x1 with round 1's c2, c2 = lo(P) ^ x2, and c3 = c3_round2
  // is lane-independent.
  std::uint64_t x1;
  std::uint64_t x2;
  std::uint64_t c3_round2;
};

inline Plan make_plan(const Segment& s) noexcept {
  Plan plan{};
  plan.rounds = s.rounds;
  std::uint32_t k0 = s.key0;
  std::uint32_t k1 = s.key1;
  for (unsigned r = 0; r < s.rounds; ++r) {
    plan.k0[r] = k0;
    plan.k1[r] = k1;
    k0 += philox_w0;
    k1 += philox_w1;
  }
  const auto stream_lo = static_cast<std::uint32_t>(s.stream_id);
  const auto stream_hi = static_cast<std::uint32_t>(s.stream_id >> 32);
  const std::uint64_t q = std::uint64_t{philox_m1} * stream_lo;
  plan.p1_round0 = q;
  plan.c1_round0 = s.block_hi;
  plan.c3_round0 = stream_hi;
  const std::uint32_t a = static_cast<std::uint32_t>(q >> 32) ^ s.block_hi ^ s.key0;
  const std::uint64_t r = std::uint64_t{philox_m0} * a;
  plan.x0 = stream_hi ^ s.key1;
  plan.p0_round1 = r;
  plan.c1_round1 = static_cast<std::uint32_t>(q);
  if (s.rounds >= 2) {
    plan.x1 = plan.c1_round1 ^ plan.k0[1];
    plan.x2 = static_cast<std::uint32_t>(r >> 32) ^ plan.k1[1];
    plan.c3_round2 = static_cast<std::uint32_t>(r);
  }
  return plan;
}

// Runs all rounds on G groups of Isa::kLanes blocks whose round-0 products are P, and hands
// each group's last round to final(g, p0, p1, c1, c3, r): its two products, its two xor
// partners and its round index. kRounds != 0 fixes the round count at compile time.
template <class Isa, unsigned G, unsigned kRounds, class Final>
[[gnu::always_inline]] inline void run_rounds(const Plan& plan, const typename Isa::V (&P)[G],
                                              Final&& final) noexcept {
  using V = typename Isa::V;
  const unsigned rounds = kRounds != 0 ? kRounds : plan.rounds;
  const V m0 = Isa::set1(philox_m0);
  const V m1 = Isa::set1(philox_m1);
  if (rounds == 1) {
#pragma GCC unroll 8
    for (unsigned g = 0; g < G; ++g) {
      final(g, P[g], Isa::set1(plan.p1_round0), Isa::set1(plan.c1_round0),
            Isa::set1(plan.c3_round0), 0u);
    }
    return;
  }
  if (rounds == 2) {
#pragma GCC unroll 8
    for (unsigned g = 0; g < G; ++g) {
      final(g, Isa::set1(plan.p0_round1),
            Isa::mul(Isa::xor2(Isa::hi(P[g]), Isa::set1(plan.x0)), m1), Isa::set1(plan.c1_round1),
            P[g], 1u);
    }
    return;
  }
  V c0[G], c1[G], c2[G], c3[G];
#pragma GCC unroll 8
  for (unsigned g = 0; g < G; ++g) {
    const V p1 = Isa::mul(Isa::xor2(Isa::hi(P[g]), Isa::set1(plan.x0)), m1);
    c0[g] = Isa::xor2(Isa::hi(p1), Isa::set1(plan.x1));
    c1[g] = p1;
    c2[g] = Isa::xor2(P[g], Isa::set1(plan.x2));
    c3[g] = Isa::set1(plan.c3_round2);
  }
  const auto round = [&](unsigned r) {
    const V k0 = Isa::set1(plan.k0[r]);
    const V k1 = Isa::set1(plan.k1[r]);
#pragma GCC unroll 8
    for (unsigned g = 0; g < G; ++g) {
      const V p0 = Isa::mul(c0[g], m0);
      const V p1 = Isa::mul(c2[g], m1);
      c0[g] = Isa::xor3(Isa::swap(p1), c1[g], k0);
      c1[g] = p1;
      c2[g] = Isa::xor3(Isa::hi(p0), c3[g], k1);
      c3[g] = p0;
    }
  };
  if constexpr (kRounds != 0) {
#pragma GCC unroll 32
    for (unsigned r = 2; r + 1 < kRounds; ++r) round(r);
  } else {
    for (unsigned r = 2; r + 1 < rounds; ++r) round(r);
  }
#pragma GCC unroll 8
  for (unsigned g = 0; g < G; ++g) {
    final(g, Isa::mul(c0[g], m0), Isa::mul(c2[g], m1), c1[g], c3[g], rounds - 1);
  }
}

// Round-0 products M0 * (block_lo + g * kLanes + lane) of G consecutive groups; exact in every
// lane inside the segment, where block_lo + offset < 2^32.
template <class Isa, unsigned G>
inline void first_products(std::uint32_t block_lo, typename Isa::V (&P)[G]) noexcept {
  const auto m0 = Isa::set1(philox_m0);
#pragma GCC unroll 8
  for (unsigned g = 0; g < G; ++g) {
    P[g] =
        Isa::mul(Isa::add(Isa::set1(std::uint64_t{block_lo} + g * Isa::kLanes), Isa::iota()), m0);
  }
}

template <class Isa, unsigned kRounds>
std::uint64_t count_segment(const Segment& s) noexcept {
  using V = typename Isa::V;
  constexpr unsigned G = Isa::kGroups;
  constexpr unsigned L = Isa::kLanes;
  const Plan plan = make_plan(s);
  V P[G];
  first_products<Isa, G>(s.block_lo, P);
  // Points outside the disc, counted per 32-bit lane. Each lane counts one point of each
  // block in its lane position, at most 2^32 / L of them in a segment: no overflow.
  V far = Isa::zero();
  const auto test = [&](unsigned valid) {
    return [&far, &plan, valid](unsigned, V p0, V p1, V c1, V c3, unsigned r) {
      far = Isa::count_far(far, p0, p1, c1, c3, plan.k0[r], plan.k1[r], valid);
    };
  };
  const V stride = Isa::set1(std::uint64_t{G} * L * philox_m0);
  std::uint64_t done = 0;
  for (; s.n - done >= G * L; done += G * L) {
    run_rounds<Isa, G, kRounds>(plan, P, test(L));
#pragma GCC unroll 8
    for (unsigned g = 0; g < G; ++g) P[g] = Isa::add(P[g], stride);
  }
  V tail[1] = {P[0]};
  const V tail_stride = Isa::set1(std::uint64_t{L} * philox_m0);
  for (; done < s.n; done += L) {
    const std::uint64_t left = s.n - done;
    run_rounds<Isa, 1, kRounds>(plan, tail, test(left < L ? static_cast<unsigned>(left) : L));
    tail[0] = Isa::add(tail[0], tail_stride);
  }
  return 2 * s.n - Isa::sum(far);
}

template <class Isa, unsigned kRounds>
void philox_segment(const Segment& s, std::uint32_t* out) noexcept {
  using V = typename Isa::V;
  constexpr unsigned G = Isa::kGroups;
  constexpr unsigned L = Isa::kLanes;
  const Plan plan = make_plan(s);
  V P[G];
  first_products<Isa, G>(s.block_lo, P);
  const auto store = [&plan](std::uint32_t* to) {
    return [to, &plan](unsigned g, V p0, V p1, V c1, V c3, unsigned r) {
      Isa::store(to + 4 * L * g, p0, p1, c1, c3, plan.k0[r], plan.k1[r]);
    };
  };
  const V stride = Isa::set1(std::uint64_t{G} * L * philox_m0);
  std::uint64_t done = 0;
  for (; s.n - done >= G * L; done += G * L) {
    run_rounds<Isa, G, kRounds>(plan, P, store(out + 4 * done));
#pragma GCC unroll 8
    for (unsigned g = 0; g < G; ++g) P[g] = Isa::add(P[g], stride);
  }
  V tail[1] = {P[0]};
  const V tail_stride = Isa::set1(std::uint64_t{L} * philox_m0);
  for (; done < s.n; done += L) {
    const std::uint64_t left = s.n - done;
    if (left >= L) {
      run_rounds<Isa, 1, kRounds>(plan, tail, store(out + 4 * done));
    } else {
      alignas(64) std::uint32_t words[4 * L];
      run_rounds<Isa, 1, kRounds>(plan, tail, store(words));
      std::memcpy(out + 4 * done, words, 4 * left * sizeof(std::uint32_t));
    }
    tail[0] = Isa::add(tail[0], tail_stride);
  }
}

// The standard Philox4x32-10 gets a fully unrolled kernel; other round counts loop.
template <class Isa>
std::uint64_t count_segment_any(const Segment& s) noexcept {
  return s.rounds == 10 ? count_segment<Isa, 10>(s) : count_segment<Isa, 0>(s);
}

template <class Isa>
void philox_segment_any(const Segment& s, std::uint32_t* out) noexcept {
  if (s.rounds == 10) {
    philox_segment<Isa, 10>(s, out);
  } else {
    philox_segment<Isa, 0>(s, out);
  }
}

}  // namespace
}  // namespace pardo::random::detail

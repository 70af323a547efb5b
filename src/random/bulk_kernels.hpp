#pragma once
// Entry points of the vector kernels behind bulk.hpp (bulk_avx2.cpp, bulk_avx512.cpp), one
// segment at a time. A segment keeps the block index's high word fixed, so no kernel ever
// carries from counter word 0 into word 1; bulk.cpp cuts requests into segments.
//
// Only plain types cross this boundary: those two files are compiled with vector flags, and
// an inline function they shared with the baseline library (std::span's members, say) could
// be emitted there with AVX-512 instructions and picked by the linker for everyone.

#include <cstdint>

namespace pardo::random::detail {

/// The most rounds the vector kernels take (they keep a fixed-size key schedule); bulk.cpp
/// runs other round counts with the scalar code.
inline constexpr unsigned simd_max_rounds = 32;

/// Blocks block_lo .. block_lo + n - 1 (block_lo + n <= 2^32) with high word block_hi.
struct Segment {
  std::uint32_t key0;
  std::uint32_t key1;
  std::uint64_t stream_id;
  std::uint32_t block_hi;
  std::uint32_t block_lo;
  std::uint64_t n;
  unsigned rounds;  // 1 .. simd_max_rounds
};

/// Writes the segment's 4 n words to out.
void philox_segment_avx2(const Segment& segment, std::uint32_t* out) noexcept;
void philox_segment_avx512(const Segment& segment, std::uint32_t* out) noexcept;

/// How many of the segment's 2 n points lie in the quarter disc.
std::uint64_t count_segment_avx2(const Segment& segment) noexcept;
std::uint64_t count_segment_avx512(const Segment& segment) noexcept;

}  // namespace pardo::random::detail

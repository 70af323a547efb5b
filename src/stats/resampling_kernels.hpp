#pragma once
// The resampling inner loops of the bootstrap and the permutation test: Lemire's bounded
// integers from a buffer of random words (one per word, two per word, or with a range that
// shrinks by one per index, as a Fisher-Yates shuffle draws), and the sum of the values at a
// resample's indices in stats::mean's summation pattern. Scalar code in
// resampling_kernels.cpp, vector code in resampling_kernels_avx2.cpp and
// resampling_kernels_avx512.cpp (compiled with vector flags, called only where the CPU has
// them); every level gives the same bits.
//
// Only plain types cross this boundary, as in src/random/bulk_kernels.hpp: an inline function
// shared with the vector files could be emitted there with vector instructions and picked by
// the linker for everyone.

#include <cstddef>
#include <cstdint>

namespace pardo::stats::detail {

/// stats::mean's summation pattern: value i goes into running sum i % mean_lanes, in order,
/// and the sums combine pairwise as below. Independent sums let the additions overlap (and
/// vectorise) while the result stays one fixed function of the values and their order.
inline constexpr std::size_t mean_lanes = 8;

inline double combine_mean_lanes(const double* sums) noexcept {
  return ((sums[0] + sums[1]) + (sums[2] + sums[3])) + ((sums[4] + sums[5]) + (sums[6] + sums[7]));
}

/// Where a sum in mean's pattern overflows, stats::mean sums x * 2^-mean_overflow_exponent
/// instead (exact, short of underflow) and scales the mean back: no partial sum of fewer than
/// 2^64 finite values can overflow then. One fixed exponent, so every path that computes a
/// mean (the bootstrap's fused kernel too) gives the same bits.
inline constexpr int mean_overflow_exponent = 64;

/// The sum of x[0], ..., x[n - 1] in mean's pattern: stats::mean is mean_sum / n.
double mean_sum(const double* x, std::size_t n) noexcept;

/// The sum of x[index[0]], ..., x[index[n - 1]] in mean's pattern.
double gathered_sum(const double* x, const std::uint32_t* index, std::size_t n) noexcept;
double gathered_sum_scalar(const double* x, const std::uint32_t* index, std::size_t n) noexcept;
/// The vector versions read the indices as signed 32-bit: below 2^31 only.
double gathered_sum_avx2(const double* x, const std::uint32_t* index, std::size_t n) noexcept;
double gathered_sum_avx512(const double* x, const std::uint32_t* index, std::size_t n) noexcept;

/// 2^32 mod range, for range in [1, 2^32]: the threshold below which Lemire's method rejects
/// a word's low half (`lemire` takes it for range n, `lemire_pairs` for range n^2).
std::uint32_t lemire_threshold(std::uint64_t range) noexcept;

/// Words used and indices made by a Lemire kernel.
struct Drawn {
  std::size_t used;
  std::size_t made;
};

/// Lemire's multiply-and-reject: each word w in turn gives index (w * n) >> 32 unless the low
/// half of w * n falls below `threshold` (2^32 mod n). Stops when `out_size` indices are made
/// or the `count` words run out.
Drawn lemire(const std::uint32_t* words, std::size_t count, std::uint32_t n,
             std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept;
Drawn lemire_scalar(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                    std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept;
Drawn lemire_avx2(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                  std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept;
Drawn lemire_avx512(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                    std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept;

/// Two indices per word, for n * n < 2^32: Lemire's multiply-and-reject for the range n^2,
/// its result split into base-n digits. Word w gives (w * n) >> 32 and then (l * n) >> 32,
/// where l is the low half of w * n, unless the low half of l * n falls below `threshold`
/// (2^32 mod n^2). Both are uniform on [0, n) and independent. Makes whole pairs only (so an
/// even count, at most `out_size`); stops when no whole pair fits or the words run out.
Drawn lemire_pairs(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                   std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept;
Drawn lemire_pairs_scalar(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                          std::uint32_t threshold, std::uint32_t* out,
                          std::size_t out_size) noexcept;
Drawn lemire_pairs_avx2(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                        std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept;
Drawn lemire_pairs_avx512(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                          std::uint32_t threshold, std::uint32_t* out,
                          std::size_t out_size) noexcept;

/// Index m uniform on [0, top - m), as the successive draws of a Fisher-Yates shuffle:
/// Lemire's multiply-and-reject with the range top - m, the threshold 2^32 mod (top - m)
/// computed only when the low half falls below the range. Needs out_size <= top.
Drawn lemire_descending(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                        std::uint32_t* out, std::size_t out_size) noexcept;
Drawn lemire_descending_scalar(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                               std::uint32_t* out, std::size_t out_size) noexcept;
Drawn lemire_descending_avx2(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                             std::uint32_t* out, std::size_t out_size) noexcept;
Drawn lemire_descending_avx512(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                               std::uint32_t* out, std::size_t out_size) noexcept;

}  // namespace pardo::stats::detail

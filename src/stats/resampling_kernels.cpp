// The resampling kernels' scalar code and their run-time dispatch on random::simd_level().

#include "stats/resampling_kernels.hpp"

#include "pardo/random/bulk.hpp"

namespace pardo::stats::detail {

double mean_sum(const double* x, std::size_t n) noexcept {
  double sums[mean_lanes] = {};
  std::size_t i = 0;
  for (; i + mean_lanes <= n; i += mean_lanes) {
    for (std::size_t j = 0; j < mean_lanes; ++j) sums[j] += x[i + j];
  }
  for (std::size_t j = 0; i < n; ++i, ++j) sums[j] += x[i];
  return combine_mean_lanes(sums);
}

double gathered_sum_scalar(const double* x, const std::uint32_t* index, std::size_t n) noexcept {
  double sums[mean_lanes] = {};
  std::size_t i = 0;
  for (; i + mean_lanes <= n; i += mean_lanes) {
    for (std::size_t j = 0; j < mean_lanes; ++j) sums[j] += x[index[i + j]];
  }
  for (std::size_t j = 0; i < n; ++i, ++j) sums[j] += x[index[i]];
  return combine_mean_lanes(sums);
}

std::uint32_t lemire_threshold(std::uint64_t range) noexcept {
  return static_cast<std::uint32_t>((std::uint64_t{1} << 32) % range);
}

Drawn lemire_scalar(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                    std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  std::size_t used = 0;
  std::size_t made = 0;
  while (made < out_size && used < count) {
    const std::uint64_t m = std::uint64_t{words[used]} * n;
    ++used;
    if (static_cast<std::uint32_t>(m) < threshold) continue;
    out[made] = static_cast<std::uint32_t>(m >> 32);
    ++made;
  }
  return {used, made};
}

Drawn lemire_pairs_scalar(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                          std::uint32_t threshold, std::uint32_t* out,
                          std::size_t out_size) noexcept {
  std::size_t used = 0;
  std::size_t made = 0;
  while (made + 2 <= out_size && used < count) {
    const std::uint64_t first = std::uint64_t{words[used]} * n;
    const std::uint64_t second = (first & 0xFFFFFFFFu) * n;
    ++used;
    if (static_cast<std::uint32_t>(second) < threshold) continue;
    out[made] = static_cast<std::uint32_t>(first >> 32);
    out[made + 1] = static_cast<std::uint32_t>(second >> 32);
    made += 2;
  }
  return {used, made};
}

Drawn lemire_descending_scalar(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                               std::uint32_t* out, std::size_t out_size) noexcept {
  std::size_t used = 0;
  std::size_t made = 0;
  while (made < out_size && used < count) {
    const auto range = static_cast<std::uint32_t>(top - made);
    const std::uint64_t m = std::uint64_t{words[used]} * range;
    ++used;
    const auto low = static_cast<std::uint32_t>(m);
    if (low < range && low < (0u - range) % range) continue;
    out[made] = static_cast<std::uint32_t>(m >> 32);
    ++made;
  }
  return {used, made};
}

#if defined(PARDO_X86_KERNELS)

namespace {

/// The kernel for the CPU's vector level.
template <class Kernel>
Kernel* pick(Kernel* scalar, Kernel* avx2, Kernel* avx512) noexcept {
  switch (random::simd_level()) {
    case random::SimdLevel::avx512:
      return avx512;
    case random::SimdLevel::avx2:
      return avx2;
    case random::SimdLevel::scalar:
      break;
  }
  return scalar;
}

}  // namespace

double gathered_sum(const double* x, const std::uint32_t* index, std::size_t n) noexcept {
  // The vector gathers take signed 32-bit indices.
  constexpr std::size_t signed_limit = std::size_t{1} << 31;
  if (n > signed_limit) return gathered_sum_scalar(x, index, n);
  return pick(gathered_sum_scalar, gathered_sum_avx2, gathered_sum_avx512)(x, index, n);
}

Drawn lemire(const std::uint32_t* words, std::size_t count, std::uint32_t n,
             std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  return pick(lemire_scalar, lemire_avx2, lemire_avx512)(words, count, n, threshold, out, out_size);
}

Drawn lemire_pairs(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                   std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  return pick(lemire_pairs_scalar, lemire_pairs_avx2, lemire_pairs_avx512)(
      words, count, n, threshold, out, out_size);
}

Drawn lemire_descending(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                        std::uint32_t* out, std::size_t out_size) noexcept {
  return pick(lemire_descending_scalar, lemire_descending_avx2, lemire_descending_avx512)(
      words, count, top, out, out_size);
}

#else

double gathered_sum(const double* x, const std::uint32_t* index, std::size_t n) noexcept {
  return gathered_sum_scalar(x, index, n);
}

Drawn lemire(const std::uint32_t* words, std::size_t count, std::uint32_t n,
             std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  return lemire_scalar(words, count, n, threshold, out, out_size);
}

Drawn lemire_pairs(const std::uint32_t* words, std::size_t count, std::uint32_t n,
                   std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  return lemire_pairs_scalar(words, count, n, threshold, out, out_size);
}

Drawn lemire_descending(const std::uint32_t* words, std::size_t count, std::uint32_t top,
                        std::uint32_t* out, std::size_t out_size) noexcept {
  return lemire_descending_scalar(words, count, top, out, out_size);
}

#endif

}  // namespace pardo::stats::detail

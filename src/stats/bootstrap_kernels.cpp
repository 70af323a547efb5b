// The bootstrap kernels' scalar code and their run-time dispatch on random::simd_level().

#include "bootstrap_kernels.hpp"

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

#if defined(PARDO_X86_KERNELS)

double gathered_sum(const double* x, const std::uint32_t* index, std::size_t n) noexcept {
  // The vector gathers take signed 32-bit indices.
  constexpr std::size_t signed_limit = std::size_t{1} << 31;
  switch (random::simd_level()) {
    case random::SimdLevel::avx512:
      if (n <= signed_limit) return gathered_sum_avx512(x, index, n);
      break;
    case random::SimdLevel::avx2:
      if (n <= signed_limit) return gathered_sum_avx2(x, index, n);
      break;
    case random::SimdLevel::scalar:
      break;
  }
  return gathered_sum_scalar(x, index, n);
}

Drawn lemire(const std::uint32_t* words, std::size_t count, std::uint32_t n,
             std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  switch (random::simd_level()) {
    case random::SimdLevel::avx512:
      return lemire_avx512(words, count, n, threshold, out, out_size);
    case random::SimdLevel::avx2:
      return lemire_avx2(words, count, n, threshold, out, out_size);
    case random::SimdLevel::scalar:
      break;
  }
  return lemire_scalar(words, count, n, threshold, out, out_size);
}

#else

double gathered_sum(const double* x, const std::uint32_t* index, std::size_t n) noexcept {
  return gathered_sum_scalar(x, index, n);
}

Drawn lemire(const std::uint32_t* words, std::size_t count, std::uint32_t n,
             std::uint32_t threshold, std::uint32_t* out, std::size_t out_size) noexcept {
  return lemire_scalar(words, count, n, threshold, out, out_size);
}

#endif

}  // namespace pardo::stats::detail

#pragma once
// What one GPU thread draws from a block's random stream, as the CPU's resampling blocks draw
// it: the stream's words in order, bounded integers by Lemire's multiply-and-reject, and a
// bootstrap block's row indices. Plain code for host and device; the host tests compare it
// with the CPU's kernels.

#include <cstdint>

#include "pardo/random/detail/philox_core.hpp"

namespace pardo::cuda::detail {

/// The 32-bit words of random stream (seed, stream) in order, as random::Stream gives them.
class StreamWords {
 public:
  PARDO_HOST_DEVICE StreamWords(std::uint32_t k0, std::uint32_t k1, std::uint64_t stream) noexcept
      : k0_(k0), k1_(k1), stream_(stream) {}
  PARDO_HOST_DEVICE std::uint32_t next() noexcept {
    if (position_ % 4 == 0) {
      words_ = random::detail::philox_words(random::detail::stream_words(stream_, position_ / 4),
                                            k0_, k1_, 10);
    }
    return words_.w[position_++ % 4];
  }
  /// An integer uniform on [0, range), range >= 1: Lemire's multiply-and-reject with the
  /// threshold 2^32 mod range worked out only when the low half falls below the range, as the
  /// CPU's lemire_descending draws a Fisher-Yates shuffle's swaps.
  PARDO_HOST_DEVICE std::uint32_t below(std::uint32_t range) noexcept {
    for (;;) {
      const std::uint64_t m = std::uint64_t{next()} * range;
      const auto low = static_cast<std::uint32_t>(m);
      if (!(low < range && low < (0u - range) % range)) return static_cast<std::uint32_t>(m >> 32);
    }
  }

 private:
  std::uint32_t k0_;
  std::uint32_t k1_;
  std::uint64_t stream_;
  std::uint64_t position_ = 0;
  random::detail::Words4 words_{};
};

/// The rows past which a resample index takes a word of its own (stats' ResampleIndices):
/// below, one word gives two indices.
inline constexpr std::uint32_t pair_rows_limit = 65535;

/// The row indices of a bootstrap block's resamples, one after another, as the CPU's
/// ResampleIndices makes them: Lemire's multiply-and-reject on [0, rows), two indices a word
/// (the range rows^2 split into two digits) up to pair_rows_limit rows. A resample of an odd
/// number of rows ends inside a pair; the next one starts with the pair's second index.
class ResampleIndexStream {
 public:
  PARDO_HOST_DEVICE ResampleIndexStream(std::uint32_t k0, std::uint32_t k1, std::uint64_t block,
                                        std::uint32_t rows) noexcept
      : words_(k0, k1, block),
        rows_(rows),
        pairs_(rows <= pair_rows_limit),
        threshold_(static_cast<std::uint32_t>((std::uint64_t{1} << 32) %
                                              (pairs_ ? std::uint64_t{rows} * rows : rows))) {}
  PARDO_HOST_DEVICE std::uint32_t next() noexcept {
    if (pending_) {
      pending_ = false;
      return second_;
    }
    for (;;) {
      const std::uint64_t first = std::uint64_t{words_.next()} * rows_;
      if (!pairs_) {
        if (static_cast<std::uint32_t>(first) < threshold_) continue;
        return static_cast<std::uint32_t>(first >> 32);
      }
      const std::uint64_t second = (first & 0xFFFFFFFFu) * rows_;
      if (static_cast<std::uint32_t>(second) < threshold_) continue;
      second_ = static_cast<std::uint32_t>(second >> 32);
      pending_ = true;
      return static_cast<std::uint32_t>(first >> 32);
    }
  }

 private:
  StreamWords words_;
  std::uint32_t rows_;
  bool pairs_;
  std::uint32_t threshold_;
  bool pending_ = false;
  std::uint32_t second_ = 0;
};

}  // namespace pardo::cuda::detail

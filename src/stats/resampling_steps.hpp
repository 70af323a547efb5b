#pragma once
// The loop every vector Lemire kernel shares, included by resampling_kernels_avx2.cpp and
// resampling_kernels_avx512.cpp. It has internal linkage and uses no library types, so each
// file's copy keeps its own instruction set (see resampling_kernels.hpp).

#include <cstddef>
#include <cstdint>

#include "stats/resampling_kernels.hpp"

namespace pardo::stats::detail {
namespace {

/// What a vector step returns when its words must go one at a time instead.
constexpr std::size_t one_at_a_time = ~std::size_t{0};

/// Whole registers of `width` words while `room` more outputs fit: `step(words, out, made)`
/// makes and stores a register's outputs and says how many, or returns one_at_a_time (a
/// rejection it cannot place) to have `scalar` take those words. Then `scalar` takes the
/// tail. `scalar(words, count, out, out_size, made)` is the kernel's word-at-a-time
/// definition, `made` being the outputs already made before `out`.
template <class Step, class Scalar>
[[gnu::always_inline]] inline Drawn vector_steps(std::size_t width, std::size_t room,
                                                 const std::uint32_t* words, std::size_t count,
                                                 std::uint32_t* out, std::size_t out_size,
                                                 Step&& step, Scalar&& scalar) noexcept {
  std::size_t used = 0;
  std::size_t made = 0;
  while (used + width <= count && made + room <= out_size) {
    const std::size_t stored = step(words + used, out + made, made);
    if (stored != one_at_a_time) {
      used += width;
      made += stored;
      continue;
    }
    const Drawn d = scalar(words + used, width, out + made, room, made);
    used += d.used;
    made += d.made;
  }
  const Drawn tail = scalar(words + used, count - used, out + made, out_size - made, made);
  return {used + tail.used, made + tail.made};
}

}  // namespace
}  // namespace pardo::stats::detail

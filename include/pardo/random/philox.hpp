#pragma once
/// @file
/// Philox4x32 (Salmon, Moraes, Dror, Shaw, SC'11): the counter-based generator behind
/// pardo's random streams, bit-compatible with Random123's `philox4x32`.

#include <array>
#include <cstdint>

#include "pardo/random/detail/philox_core.hpp"

namespace pardo::random {

/// Philox's 128-bit counter, as four 32-bit words.
using Counter = std::array<std::uint32_t, 4>;
/// Philox's 64-bit key, as two 32-bit words.
using Key = std::array<std::uint32_t, 2>;

/// The Philox4x32 bijection with `rounds` rounds (10 is the standard Philox4x32-10; fewer
/// rounds exist only to show that statistical tests catch a weakened generator).
/// @code
/// pardo::random::Counter out = pardo::random::philox({0, 0, 0, 0}, {0, 0});
/// // out == {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}
/// @endcode
constexpr Counter philox(Counter counter, Key key, unsigned rounds = 10) noexcept {
  const detail::Words4 out = detail::philox_words(
      {{counter[0], counter[1], counter[2], counter[3]}}, key[0], key[1], rounds);
  return {out.w[0], out.w[1], out.w[2], out.w[3]};
}

/// The counter of block `block` of stream `stream_id`: the block offset in words 0-1 and
/// the stream id in words 2-3, each little end first.
/// @code
/// auto c = pardo::random::stream_counter(7, 1);  // {1, 0, 7, 0}
/// @endcode
constexpr Counter stream_counter(std::uint64_t stream_id, std::uint64_t block) noexcept {
  const detail::Words4 c = detail::stream_words(stream_id, block);
  return {c.w[0], c.w[1], c.w[2], c.w[3]};
}

}  // namespace pardo::random

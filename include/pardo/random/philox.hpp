#pragma once
/// @file
/// Philox4x32 (Salmon, Moraes, Dror, Shaw, SC'11): the counter-based generator behind
/// pardo's random streams, bit-compatible with Random123's `philox4x32`.

#include <array>
#include <cstdint>

namespace pardo::random {

/// Philox's 128-bit counter, as four 32-bit words.
using Counter = std::array<std::uint32_t, 4>;
/// Philox's 64-bit key, as two 32-bit words.
using Key = std::array<std::uint32_t, 2>;

namespace detail {

inline constexpr std::uint32_t philox_m0 = 0xD2511F53u;
inline constexpr std::uint32_t philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u;
inline constexpr std::uint32_t philox_w1 = 0xBB67AE85u;

constexpr Counter philox_round(const Counter& c, const Key& k) noexcept {
  const std::uint64_t p0 = std::uint64_t{philox_m0} * c[0];
  const std::uint64_t p1 = std::uint64_t{philox_m1} * c[2];
  return {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
          static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
}

}  // namespace detail

/// The Philox4x32 bijection with `rounds` rounds (10 is the standard Philox4x32-10; fewer
/// rounds exist only to show that statistical tests catch a weakened generator).
/// @code
/// pardo::random::Counter out = pardo::random::philox({0, 0, 0, 0}, {0, 0});
/// // out == {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}
/// @endcode
constexpr Counter philox(Counter counter, Key key, unsigned rounds = 10) noexcept {
  for (unsigned r = 0; r < rounds; ++r) {
    if (r != 0) {
      key[0] += detail::philox_w0;
      key[1] += detail::philox_w1;
    }
    counter = detail::philox_round(counter, key);
  }
  return counter;
}

/// The counter of block `block` of stream `stream_id`: the block offset in words 0-1 and
/// the stream id in words 2-3, each little end first.
/// @code
/// auto c = pardo::random::stream_counter(7, 1);  // {1, 0, 7, 0}
/// @endcode
constexpr Counter stream_counter(std::uint64_t stream_id, std::uint64_t block) noexcept {
  return {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
          static_cast<std::uint32_t>(stream_id), static_cast<std::uint32_t>(stream_id >> 32)};
}

}  // namespace pardo::random

#pragma once
/// @file
/// Reproducible random streams: a seed names a family of independent Philox4x32 streams,
/// and a stream's values depend only on (seed, stream id, rounds, position), never on
/// which thread or machine draws them.

#include <concepts>
#include <cstdint>
#include <limits>
#include <random>
#include <span>

#include "pardo/random/philox.hpp"

namespace pardo::random {

/// The Philox key of a seed: the first output of SplitMix64 seeded with `seed`, i.e.
/// `z = seed + 0x9E3779B97F4A7C15`, then Stafford's Mix13 finaliser
/// `z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
/// z ^= z >> 31`, split into {low word, high word}. Hashing rather than using the seed
/// directly makes keys of nearby seeds (42, 43) unrelated bit patterns; the map is a
/// bijection, so distinct seeds always give distinct keys.
/// @code
/// pardo::random::Key k = pardo::random::derive_key(42);
/// auto block = pardo::random::philox(pardo::random::stream_counter(0, 0), k);
/// @endcode
Key derive_key(std::uint64_t seed) noexcept;

/// Where a stream stands: the next value is word `word` (0-3) of block `block`. Once the
/// last word of the last block has been drawn the position is {2^64 - 1, 4}, the only one
/// with word 4.
/// @code
/// pardo::random::Stream s(42, 0);
/// s.discard(6);
/// assert((s.position() == pardo::random::Position{1, 2}));
/// @endcode
struct Position {
  std::uint64_t block = 0;
  unsigned word = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

/// Stream `id` of a seed: block b is `philox(stream_counter(id, b), derive_key(seed),
/// rounds)`, and the stream is the words of blocks 0, 1, ..., 2^64 - 1 in order, 2^66
/// values in all. Drawing past the end throws std::out_of_range rather than wrapping, so a
/// stream never silently repeats itself. A copy continues identically to the original,
/// which is how to save and restore a position. Satisfies
/// std::uniform_random_bit_generator, so it plugs into the `<random>` distributions too
/// (their results are not specified bit for bit across standard libraries; pardo's own
/// distributions in pardo/random/distributions.hpp are).
/// @code
/// pardo::random::Stream s(/*seed=*/42, /*id=*/7);
/// std::uint32_t word = s.next_u32();
/// double u = s.next_double();  // in [0, 1)
/// std::vector<double> xs(1000);
/// s.fill(std::span<double>(xs));  // same values as 1000 calls of next_double()
/// @endcode
class Stream {
 public:
  using result_type = std::uint32_t;

  /// Stream `id` of `seed` at position 0; `rounds` must be 1-16 (std::invalid_argument
  /// naming it otherwise). Only 10 rounds is Philox4x32-10; fewer are for showing that
  /// statistical tests catch a weakened generator.
  /// @code
  /// pardo::random::Stream weak(42, 0, /*rounds=*/2);
  /// @endcode
  Stream(std::uint64_t seed, std::uint64_t id, unsigned rounds = 10);

  /// The smallest value operator() returns.
  /// @code
  /// static_assert(pardo::random::Stream::min() == 0);
  /// @endcode
  static constexpr result_type min() noexcept { return 0; }
  /// The largest value operator() returns.
  /// @code
  /// static_assert(pardo::random::Stream::max() == 0xFFFFFFFFu);
  /// @endcode
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// next_u32(), for std::uniform_random_bit_generator.
  /// @code
  /// std::shuffle(v.begin(), v.end(), stream);
  /// @endcode
  result_type operator()() { return next_u32(); }

  /// The next 32-bit word; std::out_of_range at the end of the stream.
  /// @code
  /// std::uint32_t w = stream.next_u32();
  /// @endcode
  std::uint32_t next_u32() {
    if (word_ % 4 == 0) {
      if (word_ == 4) throw_exhausted();
      buffer_ = philox(stream_counter(id_, block_), key_, rounds_);
    }
    const std::uint32_t value = buffer_[word_];
    if (++word_ == 4 && block_ != std::numeric_limits<std::uint64_t>::max()) {
      ++block_;
      word_ = 0;
    }
    return value;
  }

  /// Two words, the first drawn as the low half: `lo | hi << 32`. Throws
  /// std::out_of_range, without drawing, if fewer than two words are left.
  /// @code
  /// std::uint64_t w = stream.next_u64();
  /// @endcode
  std::uint64_t next_u64() {
    if (word_ == 3 && block_ == std::numeric_limits<std::uint64_t>::max()) throw_exhausted();
    const std::uint64_t lo = next_u32();
    const std::uint64_t hi = next_u32();
    return lo | hi << 32;
  }

  /// A double in [0, 1): `(next_u64() >> 11) * 0x1p-53`, the 2^53 equally spaced values.
  /// Both steps are exact, so the bits do not depend on rounding mode or FMA contraction,
  /// and 1.0 is never returned.
  /// @code
  /// double u = stream.next_double();
  /// @endcode
  double next_double() { return static_cast<double>(next_u64() >> 11) * 0x1p-53; }

  /// A float in [0, 1): `(next_u32() >> 8) * 0x1p-24`, exact like next_double(); never 1.0f.
  /// @code
  /// float u = stream.next_float();
  /// @endcode
  float next_float() { return static_cast<float>(next_u32() >> 8) * 0x1p-24f; }

  /// Fills `out` with the next out.size() words: the same values, and the same position
  /// afterwards, as that many next_u32() calls, but whole blocks come from philox_blocks
  /// and its SIMD paths. Throws std::out_of_range, writing nothing, if the stream has
  /// fewer words left.
  /// @code
  /// std::vector<std::uint32_t> words(1 << 20);
  /// stream.fill(std::span<std::uint32_t>(words));
  /// @endcode
  void fill(std::span<std::uint32_t> out);

  /// As out.size() calls of next_double() (two words each), generated in bulk.
  /// @code
  /// std::vector<double> xs(1 << 20);
  /// stream.fill(std::span<double>(xs));
  /// @endcode
  void fill(std::span<double> out);

  /// As out.size() calls of next_float() (one word each), generated in bulk.
  /// @code
  /// std::vector<float> xs(1 << 20);
  /// stream.fill(std::span<float>(xs));
  /// @endcode
  void fill(std::span<float> out);

  /// Skips `n` words in O(1), as if drawn; std::out_of_range, without moving, if that
  /// would pass the end of the stream.
  /// @code
  /// stream.discard(4 * 1000);  // skip 1000 blocks
  /// @endcode
  void discard(std::uint64_t n);

  /// Where the next value comes from.
  /// @code
  /// pardo::random::Position p = stream.position();
  /// @endcode
  Position position() const noexcept { return {block_, word_}; }

  /// This stream's id within its seed's family.
  /// @code
  /// std::uint64_t id = stream.id();
  /// @endcode
  std::uint64_t id() const noexcept { return id_; }

  /// The Philox key, derive_key(seed).
  /// @code
  /// assert(stream.key() == pardo::random::derive_key(42));
  /// @endcode
  const Key& key() const noexcept { return key_; }

  /// The number of Philox rounds, 1-16.
  /// @code
  /// unsigned r = stream.rounds();
  /// @endcode
  unsigned rounds() const noexcept { return rounds_; }

 private:
  [[noreturn]] void throw_exhausted() const;
  Position advanced(std::uint64_t n) const;
  void move_to(Position p);

  Key key_;
  std::uint64_t id_;
  unsigned rounds_;
  // Invariant: when word_ is 1-3, buffer_ holds block block_'s output.
  std::uint64_t block_ = 0;
  unsigned word_ = 0;
  Counter buffer_{};
};

static_assert(std::uniform_random_bit_generator<Stream>);

/// The streams 0 .. count - 1 of one seed, for handing one stream to each task: task i
/// draws from stream(i) wherever it runs, so results do not depend on scheduling.
/// @code
/// pardo::random::StreamFamily family(/*seed=*/42, /*count=*/tasks);
/// auto partial = pool.map([&](std::size_t i) {
///   pardo::random::Stream s = family.stream(i);
///   return s.next_double();
/// }, indices);
/// @endcode
class StreamFamily {
 public:
  /// `count` streams of `seed`; `rounds` as for Stream (std::invalid_argument if not 1-16).
  /// @code
  /// pardo::random::StreamFamily family(42, 8);
  /// @endcode
  StreamFamily(std::uint64_t seed, std::uint64_t count, unsigned rounds = 10);

  /// Stream `i` at position 0; std::out_of_range naming i and the count if i >= size().
  /// @code
  /// pardo::random::Stream s = family.stream(3);
  /// @endcode
  Stream stream(std::uint64_t i) const;

  /// The number of streams.
  /// @code
  /// for (std::uint64_t i = 0; i < family.size(); ++i) use(family.stream(i));
  /// @endcode
  std::uint64_t size() const noexcept { return count_; }

 private:
  std::uint64_t seed_;
  std::uint64_t count_;
  unsigned rounds_;
};

}  // namespace pardo::random

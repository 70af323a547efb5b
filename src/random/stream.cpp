#include "pardo/random/stream.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <string>

#include "pardo/random/bulk.hpp"

namespace pardo::random {

namespace {

constexpr std::uint64_t last_block = std::numeric_limits<std::uint64_t>::max();

unsigned checked_rounds(unsigned rounds) {
  if (rounds < 1 || rounds > 16) {
    throw std::invalid_argument("pardo::random: rounds must be 1-16, got " +
                                std::to_string(rounds));
  }
  return rounds;
}

// Bounds the scratch space of the double and float fills while keeping philox_blocks'
// calls long enough for its SIMD paths to pay off.
constexpr std::size_t scratch_words = 2048;

}  // namespace

Key derive_key(std::uint64_t seed) noexcept {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15u;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  z ^= z >> 31;
  return {static_cast<std::uint32_t>(z), static_cast<std::uint32_t>(z >> 32)};
}

Stream::Stream(std::uint64_t seed, std::uint64_t id, unsigned rounds)
    : key_(derive_key(seed)), id_(id), rounds_(checked_rounds(rounds)) {}

void Stream::throw_exhausted() const {
  throw std::out_of_range("pardo::random::Stream: stream " + std::to_string(id_) +
                          " is exhausted (all 2^64 blocks of 4 words drawn)");
}

Position Stream::advanced(std::uint64_t n) const {
  // word_ + n % 4 is at most 7, so this splits n + word_ into blocks and words without
  // overflowing.
  const std::uint64_t words = word_ + n % 4;
  const std::uint64_t blocks = n / 4 + words / 4;
  const auto word = static_cast<unsigned>(words % 4);
  const std::uint64_t room = last_block - block_;
  if (blocks <= room) return {block_ + blocks, word};
  // One block beyond the last is representable only as the end position itself.
  if (blocks - 1 == room && word == 0) return {last_block, 4};
  throw std::out_of_range("pardo::random::Stream: cannot advance stream " + std::to_string(id_) +
                          " by " + std::to_string(n) + " words from block " +
                          std::to_string(block_) + " word " + std::to_string(word_) +
                          ": past the end of the stream (2^64 blocks)");
}

void Stream::move_to(Position p) {
  block_ = p.block;
  word_ = p.word;
  if (word_ % 4 != 0) buffer_ = philox(stream_counter(id_, block_), key_, rounds_);
}

void Stream::discard(std::uint64_t n) { move_to(advanced(n)); }

void Stream::fill(std::span<std::uint32_t> out) {
  const Position end = advanced(out.size());
  std::size_t i = 0;
  for (unsigned w = word_; w % 4 != 0 && i < out.size(); ++w) out[i++] = buffer_[w];
  if (i < out.size()) {
    const std::uint64_t first = i == 0 ? block_ : block_ + 1;
    const std::size_t whole = (out.size() - i) / 4;
    if (whole != 0) philox_blocks(key_, id_, first, out.subspan(i, 4 * whole), rounds_);
    i += 4 * whole;
    if (i < out.size()) {
      buffer_ = philox(stream_counter(id_, first + whole), key_, rounds_);
      for (unsigned w = 0; i < out.size(); ++w) out[i++] = buffer_[w];
    }
  }
  // buffer_ now holds end.block whenever end.word is 1-3: either the tail block just made,
  // or the untouched current block when out ended inside it.
  block_ = end.block;
  word_ = end.word;
}

void Stream::fill(std::span<double> out) {
  // Checked up front so that a fill that cannot finish leaves the stream untouched.
  advanced(2 * std::uint64_t{out.size()});
  std::array<std::uint32_t, scratch_words> words;
  for (std::size_t done = 0; done < out.size();) {
    const std::size_t n = std::min(out.size() - done, scratch_words / 2);
    fill(std::span<std::uint32_t>(words.data(), 2 * n));
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t u = words[2 * j] | std::uint64_t{words[2 * j + 1]} << 32;
      out[done + j] = static_cast<double>(u >> 11) * 0x1p-53;
    }
    done += n;
  }
}

void Stream::fill(std::span<float> out) {
  advanced(out.size());
  std::array<std::uint32_t, scratch_words> words;
  for (std::size_t done = 0; done < out.size();) {
    const std::size_t n = std::min(out.size() - done, scratch_words);
    fill(std::span<std::uint32_t>(words.data(), n));
    for (std::size_t j = 0; j < n; ++j)
      out[done + j] = static_cast<float>(words[j] >> 8) * 0x1p-24f;
    done += n;
  }
}

StreamFamily::StreamFamily(std::uint64_t seed, std::uint64_t count, unsigned rounds)
    : seed_(seed), count_(count), rounds_(checked_rounds(rounds)) {}

Stream StreamFamily::stream(std::uint64_t i) const {
  if (i >= count_) {
    throw std::out_of_range("pardo::random::StreamFamily: stream " + std::to_string(i) +
                            " requested from a family of " + std::to_string(count_) + " streams");
  }
  return Stream(seed_, i, rounds_);
}

}  // namespace pardo::random

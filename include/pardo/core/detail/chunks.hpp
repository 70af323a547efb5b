#pragma once
// How a map's inputs are dealt into chunks: the same chunks on every backend, planned all at
// once (map) or one at a time as an imap range asks for them.

#include <algorithm>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pardo/core/options.hpp"

namespace pardo::detail {

inline std::size_t ceil_div(std::size_t a, std::size_t b) { return a / b + (a % b != 0 ? 1 : 0); }

/// A chunk of a map: inputs [begin, end), and the worker it is pinned to under the static and
/// round-robin schedules.
struct Chunk {
  std::size_t begin;
  std::size_t end;
  std::optional<std::size_t> worker;
};

/// Deals inputs into chunks one at a time, as `options` asks. `n` is the input size, or
/// nullopt for an input read as a stream, whose chunks have `options.chunksize` inputs (1 if
/// 0) and whose end the reader finds. A chunksize of 0 on a sized input picks four chunks per
/// worker, as multiprocessing.Pool, of at most `default_cap` inputs.
class ChunkPlanner {
 public:
  ChunkPlanner(std::optional<std::size_t> n, std::size_t workers, const MapOptions& options,
               const char* caller,
               std::size_t default_cap = std::numeric_limits<std::size_t>::max())
      : n_(n),
        workers_(std::max<std::size_t>(workers, 1)),
        guided_(options.schedule == Schedule::guided),
        pinned_(options.schedule == Schedule::static_blocks ||
                options.schedule == Schedule::round_robin),
        chunk_(options.chunksize) {
    if (!n_) {
      if (options.schedule == Schedule::static_blocks || guided_) {
        throw std::invalid_argument(std::string(caller) +
                                    ": Schedule::" + to_string(options.schedule) +
                                    " needs the input's size, and this input is read as a stream; "
                                    "use automatic, dynamic or round_robin");
      }
      if (chunk_ == 0) chunk_ = 1;
    } else if (options.schedule == Schedule::static_blocks) {
      chunk_ = std::max<std::size_t>(1, ceil_div(*n_, workers_));
    } else if (chunk_ == 0) {
      chunk_ = std::clamp<std::size_t>(ceil_div(*n_, 4 * workers_), 1, default_cap);
    }
  }

  /// The next chunk; nullopt once a sized input is dealt (never for a stream).
  std::optional<Chunk> next() {
    std::size_t size = chunk_;
    std::size_t left = std::numeric_limits<std::size_t>::max() - begin_;
    if (n_) {
      if (begin_ >= *n_) return std::nullopt;
      left = *n_ - begin_;
      if (guided_) size = std::max(chunk_, left / (2 * workers_));
    }
    const Chunk chunk{begin_, begin_ + std::min(size, left),
                      pinned_ ? std::optional<std::size_t>(count_ % workers_) : std::nullopt};
    begin_ = chunk.end;
    ++count_;
    return chunk;
  }

 private:
  std::optional<std::size_t> n_;
  std::size_t workers_;
  bool guided_;
  bool pinned_;
  std::size_t chunk_;
  std::size_t begin_ = 0;
  std::size_t count_ = 0;
};

/// The chunks of a map over n inputs on `workers` workers, as `options` deals them; the same
/// for every backend.
inline std::vector<Chunk> plan_chunks(std::size_t n, std::size_t workers,
                                      const MapOptions& options) {
  std::vector<Chunk> chunks;
  ChunkPlanner planner(n, workers, options, "map");
  while (auto chunk = planner.next()) chunks.push_back(*chunk);
  return chunks;
}

}  // namespace pardo::detail

#pragma once
// The machinery of imap and imap_unordered's ranges (pardo/core/imap.hpp): a chunk's results,
// the feed that submits chunks as the range asks for them, and the channel that unordered
// chunks deliver to as they finish.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "pardo/core/detail/state.hpp"
#include "pardo/core/errors.hpp"

namespace pardo::detail {

/// The values a chunk produced and, if it stopped early, why.
template <class R>
struct ChunkResult {
  std::vector<R> values;
  std::exception_ptr error;
};

/// A chunk just submitted: the index of its first input and the handle that settles with it.
template <class Handle>
struct LaunchedChunk {
  std::size_t begin;
  Handle handle;
};

/// Submits a map's chunks one at a time, reading its inputs only as far as it has submitted;
/// an imap range asks for the next chunk as it consumes one.
template <class Handle>
class ChunkFeed {
 public:
  ChunkFeed() = default;
  ChunkFeed(const ChunkFeed&) = delete;
  ChunkFeed& operator=(const ChunkFeed&) = delete;
  virtual ~ChunkFeed() = default;

  /// Submits the next chunk; nullopt once the inputs are exhausted. An error reading the
  /// inputs or submitting ends the chunk it happened in, after that chunk's earlier inputs.
  virtual std::optional<LaunchedChunk<Handle>> next() = 0;
};

/// Asks `feed` for chunks while `count()` is below `window`, handing each to `keep`; drops the
/// feed once the inputs are exhausted.
template <class Handle, class Count, class Keep>
void fill_window(std::unique_ptr<ChunkFeed<Handle>>& feed, std::size_t window, Count count,
                 Keep keep) {
  while (feed && count() < window) {
    std::optional<LaunchedChunk<Handle>> chunk = feed->next();
    if (!chunk) {
      feed.reset();
      return;
    }
    keep(std::move(*chunk));
  }
}

/// Where the chunks of `imap_unordered` leave their results, as they finish. Each entry says
/// which chunk it came from and whether it is that chunk's last, so the range knows when a
/// chunk is used up and another may be submitted.
template <class R>
class UnorderedChannel {
 public:
  struct Entry {
    std::optional<std::pair<std::size_t, R>> value;
    std::exception_ptr error;
    std::size_t chunk = 0;  // the first input index of the chunk it came from
    bool last = false;      // the chunk's last entry
  };

  /// Counts a chunk about to be submitted, before it can deliver.
  void expect() {
    std::lock_guard lock(mutex_);
    ++remaining_;
  }

  void deliver(std::size_t begin, ChunkResult<R> result) {
    std::lock_guard lock(mutex_);
    const bool nothing = result.values.empty() && !result.error;
    for (std::size_t k = 0; k < result.values.size(); ++k) {
      ready_.push_back(Entry{std::pair<std::size_t, R>(begin + k, std::move(result.values[k])),
                             nullptr, begin, false});
    }
    // Moved, not copied: the producing worker keeps no reference to the exception.
    if (result.error) ready_.push_back(Entry{std::nullopt, std::move(result.error), begin, false});
    // A chunk that produced nothing still leaves an entry, a bare marker, to say it is done.
    if (nothing) ready_.push_back(Entry{std::nullopt, nullptr, begin, false});
    ready_.back().last = true;
    --remaining_;
    cv_.notify_all();
  }

  void deliver_cancelled(std::size_t begin) {
    deliver(begin,
            ChunkResult<R>{
                {}, std::make_exception_ptr(CancelledError("imap_unordered chunk was cancelled"))});
  }

  /// The next entry, or nullopt once every chunk expected has delivered and all were taken.
  std::optional<Entry> pop() {
    wait_with_help(
        mutex_, cv_, [this] { return !ready_.empty() || remaining_ == 0; }, std::nullopt);
    std::lock_guard lock(mutex_);
    if (ready_.empty()) return std::nullopt;
#if defined(__GNUC__) && !defined(__clang__)
// When R holds a std::vector, g++ 12 at -O3 sees the vector in `value` as maybe uninitialized
// here. False: std::optional moves its payload only when engaged (GCC bug 80635).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
    Entry entry = std::move(ready_.front());
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    ready_.pop_front();
    return entry;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Entry> ready_;
  std::size_t remaining_ = 0;
};

}  // namespace pardo::detail

#pragma once
// The machinery of imap and imap_unordered's ranges (pardo/core/imap.hpp): a chunk's results,
// and the channel that unordered chunks deliver to as they finish.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace pardo::detail {

/// The values a chunk produced and, if it stopped early, why.
template <class R>
struct ChunkResult {
  std::vector<R> values;
  std::exception_ptr error;
};

/// Where the chunks of `imap_unordered` leave their results, as they finish.
template <class R>
class UnorderedChannel {
 public:
  struct Entry {
    std::optional<std::pair<std::size_t, R>> value;
    std::exception_ptr error;
  };

  explicit UnorderedChannel(std::size_t chunks) : remaining_(chunks) {}

  void deliver(std::size_t begin, ChunkResult<R> result) {
    std::lock_guard lock(mutex_);
    for (std::size_t k = 0; k < result.values.size(); ++k) {
      ready_.push_back(
          Entry{std::pair<std::size_t, R>(begin + k, std::move(result.values[k])), nullptr});
    }
    // Moved, not copied: the producing worker keeps no reference to the exception.
    if (result.error) {
      ready_.push_back(Entry{std::nullopt, std::move(result.error)});
    }
    --remaining_;
    cv_.notify_all();
  }

  void deliver_cancelled(std::size_t begin) {
    deliver(begin,
            ChunkResult<R>{
                {}, std::make_exception_ptr(CancelledError("imap_unordered chunk was cancelled"))});
  }

  /// The next entry, or nullopt once every chunk has delivered and all were taken.
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
  std::size_t remaining_;
};

}  // namespace pardo::detail

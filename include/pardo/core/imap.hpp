#pragma once
/// @file
/// The lazy result ranges of `imap` and `imap_unordered`.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "pardo/core/future.hpp"

namespace pardo {

namespace detail {

/// The values a chunk produced and, if it stopped early, why.
template <class R>
struct ChunkResult {
  std::vector<R> values;
  std::exception_ptr error;
};

}  // namespace detail

/// The results of `imap` in input order; iterating waits for each chunk as it is reached.
/// Dereferencing the position of a failed input rethrows its exception, and the iteration
/// ends there. Destroying the range cancels the chunks that have not started.
/// @code
/// for (const double& y : pool.imap(f, xs)) consume(y);
/// @endcode
template <class R>
class ImapRange {
 public:
  class iterator {
   public:
    using value_type = R;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    typename std::vector<R>::const_reference operator*() const { return range_->current(); }
    iterator& operator++() {
      range_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

   private:
    friend class ImapRange;
    explicit iterator(ImapRange* range) : range_(range) {}
    bool at_end() const noexcept {
      return range_ == nullptr || range_->chunk_ >= range_->chunks_.size();
    }
    ImapRange* range_ = nullptr;
  };

  explicit ImapRange(std::vector<Future<detail::ChunkResult<R>>> chunks)
      : chunks_(std::move(chunks)) {}
  ImapRange(ImapRange&&) noexcept = default;
  ImapRange& operator=(ImapRange&&) noexcept = default;
  ImapRange(const ImapRange&) = delete;
  ImapRange& operator=(const ImapRange&) = delete;
  ~ImapRange() {
    for (auto& chunk : chunks_) {
      if (chunk.valid()) chunk.cancel();
    }
  }

  /// Waits for the first chunk.
  iterator begin() {
    if (!started_) {
      started_ = true;
      settle();
    }
    return iterator(this);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  typename std::vector<R>::const_reference current() const {
    if (offset_ < current_->values.size()) return current_->values[offset_];
    std::rethrow_exception(current_->error);
  }

  void advance() {
    if (offset_ >= current_->values.size()) {
      chunk_ = chunks_.size();  // past an error: the iteration ends
      return;
    }
    ++offset_;
    settle();
  }

  /// Moves to the next value or error, waiting for chunks as needed.
  void settle() {
    while (chunk_ < chunks_.size()) {
      current_ = &chunks_[chunk_].get();
      if (offset_ < current_->values.size() || current_->error) return;
      ++chunk_;
      offset_ = 0;
    }
  }

  std::vector<Future<detail::ChunkResult<R>>> chunks_;
  const detail::ChunkResult<R>* current_ = nullptr;
  std::size_t chunk_ = 0;
  std::size_t offset_ = 0;
  bool started_ = false;
};

namespace detail {

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

}  // namespace detail

/// The results of `imap_unordered` as `(input index, value)` pairs in completion order.
/// Dereferencing a failed input's position rethrows its exception; iteration may go on
/// past it to the other chunks' results. Destroying the range cancels chunks not started.
/// @code
/// for (const auto& [i, y] : pool.imap_unordered(f, xs)) out[i] = y;
/// @endcode
template <class R>
class ImapUnorderedRange {
  using Channel = detail::UnorderedChannel<R>;

 public:
  class iterator {
   public:
    using value_type = std::pair<std::size_t, R>;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    const value_type& operator*() const { return range_->current(); }
    iterator& operator++() {
      range_->advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

   private:
    friend class ImapUnorderedRange;
    explicit iterator(ImapUnorderedRange* range) : range_(range) {}
    bool at_end() const noexcept { return range_ == nullptr || !range_->entry_; }
    ImapUnorderedRange* range_ = nullptr;
  };

  ImapUnorderedRange(std::shared_ptr<Channel> channel, std::vector<Future<void>> chunks)
      : channel_(std::move(channel)), chunks_(std::move(chunks)) {}
  ImapUnorderedRange(ImapUnorderedRange&&) noexcept = default;
  ImapUnorderedRange& operator=(ImapUnorderedRange&&) noexcept = default;
  ImapUnorderedRange(const ImapUnorderedRange&) = delete;
  ImapUnorderedRange& operator=(const ImapUnorderedRange&) = delete;
  ~ImapUnorderedRange() {
    for (auto& chunk : chunks_) {
      if (chunk.valid()) chunk.cancel();
    }
  }

  /// Waits for the first result.
  iterator begin() {
    if (!started_) {
      started_ = true;
      advance();
    }
    return iterator(this);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  const std::pair<std::size_t, R>& current() const {
    if (entry_->error) std::rethrow_exception(entry_->error);
    return *entry_->value;
  }
  void advance() { entry_ = channel_->pop(); }

  std::shared_ptr<Channel> channel_;
  std::vector<Future<void>> chunks_;
  std::optional<typename Channel::Entry> entry_;
  bool started_ = false;
};

}  // namespace pardo

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
#include <unordered_map>
#include <utility>
#include <vector>

#include "pardo/core/detail/imap.hpp"
#include "pardo/core/future.hpp"

namespace pardo {

/// The results of `imap` in input order. The range submits its first chunks when it is made
/// and more as it is consumed, keeping at most `MapOptions::max_in_flight` chunks (default
/// four per worker) submitted and not yet consumed: the inputs are read, and results kept,
/// only that far ahead of the consumer, so at most max_in_flight × chunksize results wait,
/// however long the input (chunksize 0 picks at most 4096).
/// Dereferencing the position of a failed input rethrows its exception, and the iteration
/// ends there; so does an exception from the input range itself, after the inputs it gave.
/// Destroying the range stops reading the inputs and cancels the chunks that have not started.
/// The executor must outlive the range.
/// @code
/// for (const double& y : pool.imap(f, xs)) consume(y);
/// @endcode
template <class R>
class ImapRange {
  using Feed = detail::ChunkFeed<Future<detail::ChunkResult<R>>>;

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
    bool at_end() const noexcept { return range_ == nullptr || range_->current_ == nullptr; }
    ImapRange* range_ = nullptr;
  };

  /// Made by `imap`: submits the first `window` chunks at once, as multiprocessing's imap
  /// starts at its call.
  /// @code
  /// auto range = pool.imap(f, xs);  // the first chunks are running already
  /// @endcode
  ImapRange(std::unique_ptr<Feed> feed, std::size_t window)
      : feed_(std::move(feed)), window_(window) {
    fill();
  }
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
    if (current_ == nullptr) return;
    if (offset_ >= current_->values.size()) {
      finish();  // past an error: the iteration ends
      return;
    }
    ++offset_;
    settle();
  }

  /// Moves to the next value or error, submitting and waiting for chunks as needed.
  void settle() {
    for (;;) {
      fill();
      if (chunks_.empty()) {
        current_ = nullptr;
        return;
      }
      current_ = &chunks_.front().get();
      if (offset_ < current_->values.size() || current_->error) return;
      chunks_.pop_front();
      offset_ = 0;
    }
  }

  void fill() {
    detail::fill_window(
        feed_, window_, [this] { return chunks_.size(); },
        [this](auto&& chunk) { chunks_.push_back(std::move(chunk.handle)); });
  }

  void finish() {
    feed_.reset();
    for (auto& chunk : chunks_) chunk.cancel();
    current_ = nullptr;
  }

  std::unique_ptr<Feed> feed_;
  std::size_t window_;
  std::deque<Future<detail::ChunkResult<R>>> chunks_;
  const detail::ChunkResult<R>* current_ = nullptr;
  std::size_t offset_ = 0;
  bool started_ = false;
};

/// The results of `imap_unordered` as `(input index, value)` pairs in completion order. Like
/// `ImapRange`, it submits chunks as it is consumed: at most `MapOptions::max_in_flight`
/// chunks (default four per worker) are submitted and not yet consumed. Dereferencing a failed
/// input's position rethrows its exception; iteration may go on past it to the other chunks'
/// results. Destroying the range stops reading the inputs and cancels chunks not started.
/// The executor must outlive the range.
/// @code
/// for (const auto& [i, y] : pool.imap_unordered(f, xs)) out[i] = y;
/// @endcode
template <class R>
class ImapUnorderedRange {
  using Channel = detail::UnorderedChannel<R>;
  using Feed = detail::ChunkFeed<Future<void>>;

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

  /// Made by `imap_unordered`: submits the first `window` chunks at once.
  /// @code
  /// auto range = pool.imap_unordered(f, xs);  // the first chunks are running already
  /// @endcode
  ImapUnorderedRange(std::shared_ptr<Channel> channel, std::unique_ptr<Feed> feed,
                     std::size_t window)
      : channel_(std::move(channel)), feed_(std::move(feed)), window_(window) {
    fill();
  }
  ImapUnorderedRange(ImapUnorderedRange&&) noexcept = default;
  ImapUnorderedRange& operator=(ImapUnorderedRange&&) noexcept = default;
  ImapUnorderedRange(const ImapUnorderedRange&) = delete;
  ImapUnorderedRange& operator=(const ImapUnorderedRange&) = delete;
  ~ImapUnorderedRange() {
    for (auto& [begin, chunk] : chunks_) {
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

  void advance() {
    for (;;) {
      fill();
      entry_ = channel_->pop();
      if (!entry_) return;
      if (entry_->last) chunks_.erase(entry_->chunk);
      if (entry_->value || entry_->error) return;  // not a bare end-of-chunk marker
    }
  }

  void fill() {
    detail::fill_window(
        feed_, window_, [this] { return chunks_.size(); },
        [this](auto&& chunk) { chunks_.emplace(chunk.begin, std::move(chunk.handle)); });
  }

  std::shared_ptr<Channel> channel_;
  std::unique_ptr<Feed> feed_;
  std::size_t window_;
  std::unordered_map<std::size_t, Future<void>> chunks_;  // submitted and not used up, by begin
  std::optional<typename Channel::Entry> entry_;
  bool started_ = false;
};

}  // namespace pardo

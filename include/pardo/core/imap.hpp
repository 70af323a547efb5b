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

#include "pardo/core/detail/imap.hpp"
#include "pardo/core/future.hpp"

namespace pardo {

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

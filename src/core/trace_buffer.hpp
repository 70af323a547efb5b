#pragma once
// A thread's trace events, in blocks of memory mapped and populated in one call each. Touching
// fresh pages one fault at a time costs about 200 ns an event in a VM (a fault per 85 events);
// a populated mapping costs about 10, and blocks come back to a shared spare list when a trace
// has been collected, so the next trace reuses them.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "pardo/core/detail/trace.hpp"

namespace pardo::detail::trace {

/// One event as recorded: trace-clock readings, converted when the trace stops.
struct RawEvent {
  const char* name;
  std::uint64_t start;
  std::uint64_t end;
  std::uint64_t first;
  std::uint64_t last;
  Category category;
  bool instant;
};

class EventBuffer {
 public:
  EventBuffer() = default;
  EventBuffer(EventBuffer&& other) noexcept;
  EventBuffer& operator=(EventBuffer&& other) noexcept;
  EventBuffer(const EventBuffer&) = delete;
  EventBuffer& operator=(const EventBuffer&) = delete;
  /// Gives the blocks back to the spare list (up to a bound; the rest are unmapped).
  ~EventBuffer();

  /// Appends `event`; false if no memory could be had for it (the event is lost).
  bool push(const RawEvent& event) noexcept;

  bool empty() const noexcept { return blocks_.empty(); }
  std::size_t size() const noexcept;

  /// Calls f(event) for each event, in the order they were pushed.
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const std::size_t n = b + 1 == blocks_.size() ? used_ : blocks_[b].capacity;
      for (std::size_t i = 0; i < n; ++i) f(blocks_[b].data[i]);
    }
  }

 private:
  struct Block {
    RawEvent* data = nullptr;
    std::size_t capacity = 0;
  };
  static Block acquire(std::size_t index) noexcept;
  static void release(Block block) noexcept;
  void release_all() noexcept;

  std::vector<Block> blocks_;
  std::size_t used_ = 0;  // events in blocks_.back()
};

}  // namespace pardo::detail::trace

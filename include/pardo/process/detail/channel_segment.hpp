#pragma once
// The untyped machinery of ProcessChannel<T>: a bounded queue of byte slots in one shared
// segment, guarded by a robust process-shared mutex, waited on through futex words
// (src/process/process_channel.cpp).

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "pardo/core/shared_handle.hpp"
#include "pardo/flow/channel.hpp"
#include "pardo/process/shared_memory.hpp"

namespace pardo::detail {

/// How long an operation may wait: not at all (try_), until a time (_for), or for as long as
/// it takes.
struct ChannelWait {
  bool wait = true;
  std::optional<std::chrono::steady_clock::time_point> until;
};

class ChannelSegment {
 public:
  /// `capacity` slots of `slot_bytes` each. Throws std::invalid_argument for a capacity of 0
  /// or of 2^32 or more, or for slots this machine's memory cannot hold.
  ChannelSegment(std::size_t capacity, std::size_t slot_bytes, std::string_view owner,
                 ElementType type);
  /// Maps the channel that `handle` names (throws as SharedArray::attach, and
  /// std::invalid_argument for a segment that is not a channel of this type).
  static ChannelSegment attach(const SharedHandle& handle, std::string_view owner,
                               ElementType type);

  /// Copies `bytes` (at most slot_bytes()) into the slot after the last.
  ChannelStatus push(std::span<const std::byte> bytes, const ChannelWait& wait);
  /// Hands the first value's bytes to `read`, under the lock, and frees its slot (also when
  /// `read` throws, which then propagates).
  ChannelStatus pop(const std::function<void(std::span<const std::byte>)>& read,
                    const ChannelWait& wait);
  void close();
  bool closed() const;
  std::size_t size() const;
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t slot_bytes() const noexcept { return slot_bytes_; }
  const SharedHandle& handle() const noexcept { return segment_.handle(); }

 private:
  class Lock;
  ChannelSegment(SharedSegment segment, std::size_t capacity, std::size_t slot_bytes,
                 std::string owner);

  SharedSegment segment_;
  std::size_t capacity_ = 0;
  std::size_t slot_bytes_ = 0;
  std::string owner_;  // for messages: "pardo::ProcessChannel<T>"
};

}  // namespace pardo::detail

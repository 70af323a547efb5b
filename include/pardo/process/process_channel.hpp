#pragma once
/// @file
/// `pardo::ProcessChannel<T>`: a bounded queue between processes on one host, in shared
/// memory (pardo::Channel's contract across worker processes).

#include <chrono>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pardo/core/detail/type_tag.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/flow/channel.hpp"
#include "pardo/process/detail/channel_segment.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo {

/// A bounded multi-producer multi-consumer FIFO queue of T in one shared memory segment, that
/// any process on this host may attach to by its handle: the shared queue between a parent
/// and its worker processes (multiprocessing.Queue, without a feeder thread or a pipe). The
/// contract is pardo::Channel's: `push` waits for room, `pop` for a value, `close` lets
/// consumers drain what is queued and then get ChannelStatus::closed; `try_` and `_for`
/// variants do not wait, or wait at most so long.
///
/// A trivially copyable T travels by memcpy (`ProcessChannel<T>(capacity)`); any other T
/// that can travel (pardo/wire.hpp) travels encoded, in slots of at most `max_value_bytes`
/// (`ProcessChannel<T>(capacity, max_value_bytes)`), and `push` throws std::length_error for
/// a value whose encoding is longer. The queue is guarded by a robust process-shared mutex:
/// a process killed while using it leaves the queue whole (with or without the value it was
/// pushing or popping), and the others go on. A process stopped while holding it (SIGSTOP,
/// a debugger) holds up the waiting operations until it continues; `try_` forms wait for
/// the mutex at most 10 ms and then report full or empty, `_for` forms at most their
/// timeout. A worker attaches with `attach(handle())`
/// while this object lives; the segment goes when it and every attached process have let
/// go of it.
/// @code
/// void produce(pardo::SharedHandle h, std::uint64_t n) {
///   auto channel = pardo::ProcessChannel<std::uint64_t>::attach(h);
///   for (std::uint64_t i = 0; i < n; ++i) channel.push(i);
/// }
/// PARDO_REMOTE(produce);
///
/// pardo::ProcessChannel<std::uint64_t> channel(1024);
/// auto done = pool.submit(produce, channel.handle(), std::uint64_t{1000});
/// std::uint64_t sum = 0;
/// for (int i = 0; i < 1000; ++i) sum += *channel.pop();
/// @endcode
template <class T>
class ProcessChannel {
  static_assert(Serializable<T>,
                "pardo::ProcessChannel<T>: T must be able to travel (see pardo/wire.hpp)");
  static constexpr bool bitwise = detail::Codec<T>::bitwise;

 public:
  /// A channel of `capacity` values of a trivially copyable T. Throws std::invalid_argument
  /// for a capacity of 0, of 2^32 or more, or beyond this machine's memory; std::system_error
  /// if the segment cannot be made.
  /// @code
  /// pardo::ProcessChannel<double> channel(256);
  /// @endcode
  explicit ProcessChannel(std::size_t capacity) requires bitwise
      : segment_(capacity, sizeof(T), owner, element_type()) {}

  /// A channel of `capacity` values whose encodings are at most `max_value_bytes` long.
  /// Throws as the other constructor, and std::invalid_argument for `max_value_bytes` 0.
  /// @code
  /// pardo::ProcessChannel<std::string> lines(64, 4096);
  /// @endcode
  ProcessChannel(std::size_t capacity, std::size_t max_value_bytes) requires(!bitwise)
      : segment_(capacity, max_value_bytes, owner, element_type()) {}

  /// The channel that `handle` names, made in this or another process of this host. Throws
  /// std::invalid_argument for a handle of another kind or type, std::system_error if the
  /// segment cannot be reached (its creator has gone).
  /// @code
  /// auto channel = pardo::ProcessChannel<double>::attach(handle);
  /// @endcode
  static ProcessChannel attach(const SharedHandle& handle) {
    return ProcessChannel(detail::ChannelSegment::attach(handle, owner, element_type()));
  }

  /// What another process passes to `attach` (trivially copyable: a task argument).
  /// @code
  /// pool.submit(produce, channel.handle(), n);
  /// @endcode
  const SharedHandle& handle() const noexcept { return segment_.handle(); }

  /// Appends `value`, waiting while the channel is full: success, or closed (the value is
  /// not queued). Throws std::length_error for an encoding longer than the slots.
  /// @code
  /// channel.push(42.0);
  /// @endcode
  ChannelStatus push(const T& value) { return put(value, {}); }

  /// `push` without waiting: full when there is no room now.
  /// @code
  /// if (channel.try_push(x) == pardo::ChannelStatus::full) later(x);
  /// @endcode
  ChannelStatus try_push(const T& value) { return put(value, {false, std::nullopt}); }

  /// `push`, waiting at most `timeout`: timeout when there was no room in time.
  /// @code
  /// channel.push_for(x, std::chrono::milliseconds(10));
  /// @endcode
  template <class Rep, class Period>
  ChannelStatus push_for(const T& value, std::chrono::duration<Rep, Period> timeout) {
    return put(value, {true, deadline(timeout)});
  }

  /// Takes the first value into `out`, waiting while the channel is open and empty: success,
  /// or closed once it is closed and drained. Throws SerializationError for bytes that do not
  /// decode as a T (the value is then gone).
  /// @code
  /// double x;
  /// while (channel.pop(x) == pardo::ChannelStatus::success) use(x);
  /// @endcode
  ChannelStatus pop(T& out) { return take(out, {}); }

  /// The first value, or nothing once the channel is closed and drained.
  /// @code
  /// while (auto x = channel.pop()) use(*x);
  /// @endcode
  std::optional<T> pop() {
    T value{};
    if (take(value, {}) != ChannelStatus::success) return std::nullopt;
    return value;
  }

  /// `pop` without waiting: empty when nothing is queued now and the channel is open.
  /// @code
  /// double x;
  /// if (channel.try_pop(x) == pardo::ChannelStatus::success) use(x);
  /// @endcode
  ChannelStatus try_pop(T& out) { return take(out, {false, std::nullopt}); }

  /// `pop`, waiting at most `timeout`.
  /// @code
  /// channel.pop_for(x, std::chrono::seconds(1));
  /// @endcode
  template <class Rep, class Period>
  ChannelStatus pop_for(T& out, std::chrono::duration<Rep, Period> timeout) {
    return take(out, {true, deadline(timeout)});
  }

  /// Closes the channel in every process: pushes fail from now on, and pops drain what is
  /// queued, then return closed. Waiters wake up.
  /// @code
  /// channel.close();
  /// @endcode
  void close() { segment_.close(); }

  /// Whether the channel has been closed, by any process.
  /// @code
  /// assert(!channel.closed());
  /// @endcode
  bool closed() const { return segment_.closed(); }

  /// The values queued now (a snapshot).
  /// @code
  /// std::size_t queued = channel.size();
  /// @endcode
  std::size_t size() const { return segment_.size(); }

  /// The most values the channel holds.
  /// @code
  /// assert(channel.capacity() == 256);
  /// @endcode
  std::size_t capacity() const noexcept { return segment_.capacity(); }

  /// Pops values until the channel is closed and drained (an input range).
  /// @code
  /// for (double x : channel) use(x);
  /// @endcode
  using iterator = ChannelIterator<T, ProcessChannel>;

  /// The first value popped (waits like `pop`).
  /// @code
  /// auto it = channel.begin();
  /// @endcode
  iterator begin() { return iterator(this); }
  /// The end: the channel closed and drained.
  /// @code
  /// for (auto it = channel.begin(); it != channel.end(); ++it) use(*it);
  /// @endcode
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  static constexpr std::string_view owner = "pardo::ProcessChannel";

  static detail::ElementType element_type() noexcept {
    // Bytes, 64-aligned; the tag keeps a channel of one T from being attached as another.
    return {detail::fnv1a(detail::type_name<ProcessChannel>()), 1, 64, detail::type_name<T>()};
  }

  template <class Rep, class Period>
  static std::chrono::steady_clock::time_point deadline(
      std::chrono::duration<Rep, Period> timeout) {
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  }

  explicit ProcessChannel(detail::ChannelSegment segment) : segment_(std::move(segment)) {}

  ChannelStatus put(const T& value, const detail::ChannelWait& wait) {
    if constexpr (bitwise) {
      return segment_.push(std::as_bytes(std::span<const T>(&value, 1)), wait);
    } else {
      thread_local std::string encoded;
      encoded.clear();
      wire::Writer out(encoded);
      wire::encode(out, value);
      return segment_.push(std::as_bytes(std::span<const char>(encoded)), wait);
    }
  }

  ChannelStatus take(T& out, const detail::ChannelWait& wait) {
    if constexpr (bitwise) {
      return segment_.pop(
          [&](std::span<const std::byte> bytes) {
            if (bytes.size() != sizeof(T)) {
              throw SerializationError(std::string(owner) + ": a slot of " +
                                       std::to_string(bytes.size()) + " bytes, not " +
                                       std::to_string(sizeof(T)));
            }
            std::memcpy(static_cast<void*>(&out), bytes.data(), sizeof(T));
          },
          wait);
    } else {
      thread_local std::string encoded;
      const ChannelStatus status = segment_.pop(
          [&](std::span<const std::byte> bytes) {
            encoded.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
          },
          wait);
      if (status == ChannelStatus::success) {
        wire::Reader in(encoded);
        wire::decode_into(in, out);
        in.expect_end();
      }
      return status;
    }
  }

  detail::ChannelSegment segment_;
};

}  // namespace pardo

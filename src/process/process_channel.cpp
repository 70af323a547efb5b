// ProcessChannel's shared segment: a header (the sizes, a robust process-shared mutex, the
// cursor, two futex words to wait on), then `capacity` slots, each a u64 byte count and the
// value's bytes. Every change of the queue is one store of the cursor, made after the slot is
// written or read, so that a process killed at any point leaves a whole queue: the next
// locker is told its owner died and goes on. Waiting is on futex words, not on condition
// variables, whose internal lock a killed process could hold for ever; and a waiter sleeps at
// most a slice before it looks again, so a wake-up lost with a killed process costs a slice.
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "pardo/core/memory.hpp"
#include "pardo/process/detail/channel_segment.hpp"

namespace pardo::detail {

namespace {

constexpr std::uint64_t channel_magic = 0x7061'7264'6f43'484e;  // "pardoCHN"

struct ChannelState {
  std::uint64_t magic;
  std::uint64_t capacity;
  std::uint64_t slot_bytes;
  pthread_mutex_t mutex;
  std::atomic<std::uint64_t> cursor;  // the first slot's index | the value count << 32
  std::atomic<std::uint32_t> closed;
  // Bumped under the mutex at each pop (not_full) or push (not_empty), and at close.
  std::atomic<std::uint32_t> not_full;
  std::atomic<std::uint32_t> not_empty;
  std::atomic<std::uint32_t> waiters;  // processes' threads inside Lock::wait, or dead there
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

// A sleeper looks again after this long even if no wake-up came.
constexpr auto wait_slice = std::chrono::milliseconds(100);

std::uint32_t* futex_word(std::atomic<std::uint32_t>& word) noexcept {
  return reinterpret_cast<std::uint32_t*>(&word);
}

// Bumps `word` and wakes whoever sleeps on it; under the mutex.
void notify(ChannelState& state, std::atomic<std::uint32_t>& word) noexcept {
  word.fetch_add(1);
  if (state.waiters.load() != 0) {
    ::syscall(SYS_futex, futex_word(word), FUTEX_WAKE, std::numeric_limits<int>::max(), nullptr,
              nullptr, 0);
  }
}

constexpr std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }
constexpr std::size_t state_bytes = round_up(sizeof(ChannelState), 64);
constexpr std::size_t stride_of(std::size_t slot_bytes) {
  return round_up(sizeof(std::uint64_t) + slot_bytes, alignof(std::uint64_t));
}

ChannelState& state_of(const SharedSegment& segment) noexcept {
  return *static_cast<ChannelState*>(segment.data());
}

std::byte* slot_of(const SharedSegment& segment, std::size_t index, std::size_t slot_bytes) {
  return static_cast<std::byte*>(segment.data()) + state_bytes + index * stride_of(slot_bytes);
}

void check(int rc, const std::string& owner, const char* what) {
  if (rc != 0) throw std::system_error(rc, std::system_category(), owner + ": " + what);
}

std::uint64_t head_of(std::uint64_t cursor) noexcept { return cursor & 0xffff'ffffu; }
std::uint64_t count_of(std::uint64_t cursor) noexcept { return cursor >> 32; }

}  // namespace

// Holds the channel's mutex; a lock taken from a process that died holding it is made
// consistent (the queue is whole: see the top of this file). A `try_` or `_for` operation
// waits for the mutex no longer than it may wait at all, so that a process stopped while
// holding it (SIGSTOP, a debugger) holds up only the operations that would wait anyway.
class ChannelSegment::Lock {
 public:
  Lock(const ChannelSegment& channel, const ChannelWait& wait)
      : state_(state_of(channel.segment_)), owner_(channel.owner_) {
    if (wait.wait && !wait.until) {
      recover(pthread_mutex_lock(&state_.mutex), "pthread_mutex_lock");
      held_ = true;
    } else {
      take_by(wait.wait ? *wait.until : std::chrono::steady_clock::now() + try_patience);
    }
  }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  ~Lock() {
    if (held_) pthread_mutex_unlock(&state_.mutex);
  }

  /// False when a `try_` or `_for` operation could not take the mutex in time.
  bool held() const noexcept { return held_; }

  // Lets go of the mutex until `word` moves on (or spuriously, or a slice has passed), then
  // takes it again; false once `wait.until` has passed (the mutex may then not be held).
  bool wait(std::atomic<std::uint32_t>& word, const ChannelWait& wait) {
    using std::chrono::steady_clock;
    auto slice = std::chrono::duration_cast<std::chrono::nanoseconds>(wait_slice);
    if (wait.until) {
      const auto left = *wait.until - steady_clock::now();
      if (left <= steady_clock::duration::zero()) return false;
      slice = std::min(slice, std::chrono::duration_cast<std::chrono::nanoseconds>(left));
    }
    const std::uint32_t seen = word.load();
    state_.waiters.fetch_add(1);
    pthread_mutex_unlock(&state_.mutex);
    held_ = false;
    const timespec relative = timespec_of(slice);
    ::syscall(SYS_futex, futex_word(word), FUTEX_WAIT, seen, &relative, nullptr, 0);
    if (wait.until) {
      take_by(*wait.until);
    } else {
      recover(pthread_mutex_lock(&state_.mutex), "pthread_mutex_lock");
      held_ = true;
    }
    state_.waiters.fetch_sub(1);
    return held_ && (!wait.until || steady_clock::now() < *wait.until);
  }

 private:
  // How long a `try_` operation waits for a mutex that another process holds: far beyond
  // anyone's use of it (a slot's copy), short enough to count as not waiting.
  static constexpr auto try_patience = std::chrono::milliseconds(10);

  static timespec timespec_of(std::chrono::nanoseconds ns) noexcept {
    return {static_cast<std::time_t>(ns.count() / 1'000'000'000),
            static_cast<long>(ns.count() % 1'000'000'000)};
  }

  // Polls with trylock, backing off from 1 µs to 1 ms, until `until`: the mutex is held
  // for microseconds, and unlike timedlock, trylock reports a dead owner to sanitizers too.
  void take_by(std::chrono::steady_clock::time_point until) {
    auto pause = std::chrono::microseconds(1);
    for (;;) {
      const int rc = pthread_mutex_trylock(&state_.mutex);
      if (rc != EBUSY) {
        recover(rc, "pthread_mutex_trylock");
        held_ = true;
        return;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= until) return;
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(pause, until - now));
      pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(1));
    }
  }

  void recover(int rc, const char* what) {
    if (rc == EOWNERDEAD) rc = pthread_mutex_consistent(&state_.mutex);
    check(rc, owner_, what);
  }

  ChannelState& state_;
  const std::string& owner_;
  bool held_ = false;
};

namespace {

std::string owner_of(std::string_view owner, const ElementType& type) {
  std::string who(owner);
  if (!type.name.empty()) who.append("<").append(type.name).append(">");
  return who;
}

SharedSegment checked_segment(std::size_t capacity, std::size_t slot_bytes, std::string_view owner,
                              const ElementType& type) {
  const std::string who = owner_of(owner, type);
  if (capacity == 0 || capacity > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument(who + (capacity == 0
                                           ? std::string(": capacity is 0; it must be at least 1")
                                           : ": capacity " + std::to_string(capacity) +
                                                 " is 2^32 or more; it must be less"));
  }
  if (slot_bytes == 0 || slot_bytes > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument(who + ": a slot of " + std::to_string(slot_bytes) +
                                " bytes; it must hold 1 to 2^32 - 1 bytes");
  }
  const double bytes = static_cast<double>(state_bytes) +
                       static_cast<double>(capacity) * static_cast<double>(stride_of(slot_bytes));
  if (auto why = memory_shortfall(bytes, "its slots")) {
    throw std::invalid_argument(who + ": capacity " + std::to_string(capacity) + " " + *why);
  }
  return SharedSegment(owner, type, state_bytes + capacity * stride_of(slot_bytes));
}

}  // namespace

ChannelSegment::ChannelSegment(std::size_t capacity, std::size_t slot_bytes, std::string_view owner,
                               ElementType type)
    : ChannelSegment(checked_segment(capacity, slot_bytes, owner, type), capacity, slot_bytes,
                     owner_of(owner, type)) {
  auto* state = ::new (segment_.data()) ChannelState{};
  state->capacity = capacity;
  state->slot_bytes = slot_bytes;
  pthread_mutexattr_t mutex_attributes;
  check(pthread_mutexattr_init(&mutex_attributes), owner_, "pthread_mutexattr_init");
  pthread_mutexattr_setpshared(&mutex_attributes, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&mutex_attributes, PTHREAD_MUTEX_ROBUST);
  const int mutex_rc = pthread_mutex_init(&state->mutex, &mutex_attributes);
  pthread_mutexattr_destroy(&mutex_attributes);
  check(mutex_rc, owner_, "pthread_mutex_init");
  // Last: an attacher that sees the magic sees everything before it (the handle only
  // leaves this process after the constructor).
  state->magic = channel_magic;
  // Never destroyed: other processes may use the channel after this object has gone, and a
  // Linux mutex holds nothing beyond its memory.
}

ChannelSegment::ChannelSegment(SharedSegment segment, std::size_t capacity, std::size_t slot_bytes,
                               std::string owner)
    : segment_(std::move(segment)),
      capacity_(capacity),
      slot_bytes_(slot_bytes),
      owner_(std::move(owner)) {}

ChannelSegment ChannelSegment::attach(const SharedHandle& handle, std::string_view owner,
                                      ElementType type) {
  SharedSegment segment = SharedSegment::attach(owner, type, handle, false);
  std::string who = owner_of(owner, type);
  const ChannelState& state = state_of(segment);
  if (handle.bytes < state_bytes || state.magic != channel_magic || state.capacity == 0 ||
      state.slot_bytes == 0 || state.slot_bytes > handle.bytes ||
      handle.bytes != state_bytes + state.capacity * stride_of(state.slot_bytes)) {
    throw std::invalid_argument(who + "::attach: the segment of " + std::to_string(handle.bytes) +
                                " bytes is not a channel");
  }
  return ChannelSegment(std::move(segment), state.capacity, state.slot_bytes, std::move(who));
}

ChannelStatus ChannelSegment::push(std::span<const std::byte> bytes, const ChannelWait& wait) {
  if (bytes.size() > slot_bytes_) {
    throw std::length_error(owner_ + "::push: a value of " + std::to_string(bytes.size()) +
                            " bytes does not fit a slot of " + std::to_string(slot_bytes_));
  }
  ChannelState& state = state_of(segment_);
  Lock lock(*this, wait);
  if (!lock.held()) return wait.wait ? ChannelStatus::timeout : ChannelStatus::full;
  bool timed_out = false;
  std::uint64_t cursor = state.cursor.load();
  while (state.closed.load() == 0 && count_of(cursor) == capacity_) {
    if (!wait.wait) return ChannelStatus::full;
    if (timed_out) return ChannelStatus::timeout;
    timed_out = !lock.wait(state.not_full, wait);
    if (!lock.held()) return ChannelStatus::timeout;
    cursor = state.cursor.load();
  }
  if (state.closed.load() != 0) return ChannelStatus::closed;
  const std::uint64_t tail = (head_of(cursor) + count_of(cursor)) % capacity_;
  std::byte* slot = slot_of(segment_, tail, slot_bytes_);
  const std::uint64_t size = bytes.size();
  std::memcpy(slot, &size, sizeof size);
  if (size != 0) std::memcpy(slot + sizeof size, bytes.data(), bytes.size());
  state.cursor.store(cursor + (std::uint64_t{1} << 32));
  notify(state, state.not_empty);
  return ChannelStatus::success;
}

ChannelStatus ChannelSegment::pop(const std::function<void(std::span<const std::byte>)>& read,
                                  const ChannelWait& wait) {
  ChannelState& state = state_of(segment_);
  Lock lock(*this, wait);
  if (!lock.held()) return wait.wait ? ChannelStatus::timeout : ChannelStatus::empty;
  bool timed_out = false;
  std::uint64_t cursor = state.cursor.load();
  while (count_of(cursor) == 0) {
    if (state.closed.load() != 0) return ChannelStatus::closed;
    if (!wait.wait) return ChannelStatus::empty;
    if (timed_out) return ChannelStatus::timeout;
    timed_out = !lock.wait(state.not_empty, wait);
    if (!lock.held()) return ChannelStatus::timeout;
    cursor = state.cursor.load();
  }
  const std::uint64_t head = head_of(cursor);
  const std::byte* slot = slot_of(segment_, head, slot_bytes_);
  std::uint64_t size = 0;
  std::memcpy(&size, slot, sizeof size);
  // Frees the slot whatever `read` does: a value that cannot be read is not read again.
  const auto release = [&] {
    state.cursor.store(((head + 1) % capacity_) | ((count_of(cursor) - 1) << 32));
    notify(state, state.not_full);
  };
  try {
    read(
        {slot + sizeof size, static_cast<std::size_t>(std::min<std::uint64_t>(size, slot_bytes_))});
  } catch (...) {
    release();
    throw;
  }
  release();
  return ChannelStatus::success;
}

void ChannelSegment::close() {
  ChannelState& state = state_of(segment_);
  Lock lock(*this, ChannelWait{});
  state.closed.store(1);
  notify(state, state.not_empty);
  notify(state, state.not_full);
}

bool ChannelSegment::closed() const { return state_of(segment_).closed.load() != 0; }

std::size_t ChannelSegment::size() const {
  return static_cast<std::size_t>(count_of(state_of(segment_).cursor.load()));
}

}  // namespace pardo::detail

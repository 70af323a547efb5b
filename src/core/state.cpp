#include "pardo/core/detail/state.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <thread>

namespace pardo::detail {

namespace {

thread_local Helper* tls_helper = nullptr;

constexpr auto first_backoff = std::chrono::microseconds(20);
constexpr auto last_backoff = std::chrono::microseconds(1000);

}  // namespace

Helper* current_helper() noexcept { return tls_helper; }

Helper* exchange_current_helper(Helper* helper) noexcept {
  return std::exchange(tls_helper, helper);
}

bool wait_with_help(std::mutex& mutex, std::condition_variable& cv,
                    const std::function<bool()>& done, std::optional<Clock::time_point> deadline) {
  Helper* helper = current_helper();
  if (helper == nullptr) {
    std::unique_lock lock(mutex);
    if (!deadline) {
      cv.wait(lock, done);
      return true;
    }
    return cv.wait_until(lock, *deadline, done);
  }
  // A worker keeps its pool moving while it waits; when there is nothing to run it naps
  // briefly, since new jobs arriving elsewhere do not signal this condition variable.
  auto backoff = std::chrono::duration_cast<Clock::duration>(first_backoff);
  for (;;) {
    {
      std::unique_lock lock(mutex);
      if (done()) return true;
    }
    if (helper->run_one()) {
      backoff = first_backoff;
      continue;
    }
    const auto now = Clock::now();
    if (deadline && now >= *deadline) {
      std::unique_lock lock(mutex);
      return done();
    }
    auto until = now + backoff;
    if (deadline) until = std::min(until, *deadline);
    std::unique_lock lock(mutex);
    if (cv.wait_until(lock, until, done)) return true;
    backoff = std::min<Clock::duration>(backoff * 2, last_backoff);
  }
}

struct StateBase::Listeners {
  std::vector<Callback> callbacks;
  std::vector<std::pair<Waiter*, std::size_t>> waiters;
};

StateBase::~StateBase() { delete listeners_; }

std::optional<std::uint32_t> StateBase::transition(std::uint32_t from, Raw to) noexcept {
  std::uint32_t word = word_.load(std::memory_order_relaxed);
  for (;;) {
    if ((from & (1u << (word & status_mask))) == 0) return std::nullopt;
    // A move to a done status drops the sleepers bit: settle() wakes them.
    const std::uint32_t next = to >= raw_finished ? to : (word & ~status_mask) | to;
    if (word_.compare_exchange_weak(word, next, std::memory_order_seq_cst,
                                    std::memory_order_relaxed)) {
      return word;
    }
  }
}

bool StateBase::try_start() noexcept {
  return transition(1u << raw_pending, raw_running).has_value();
}

bool StateBase::cancel() noexcept {
  if (const auto old = transition(1u << raw_pending, raw_cancelled)) {
    settle(*old);
    return true;
  }
  return status() == Status::cancelled;
}

bool StateBase::force_cancel() noexcept {
  if (const auto old = transition((1u << raw_pending) | (1u << raw_running), raw_cancelled)) {
    settle(*old);
    return true;
  }
  return status() == Status::cancelled;
}

void StateBase::begin_completion() {
  if (transition((1u << raw_pending) | (1u << raw_running), raw_completing)) return;
  const std::uint32_t word = word_.load(std::memory_order_acquire) & status_mask;
  if (word == raw_cancelled) throw InvalidStateError("future was cancelled");
  throw InvalidStateError("future already has a result");
}

void StateBase::end_completion(std::exception_ptr error) noexcept {
  error_ = std::move(error);
  const auto old = transition(1u << raw_completing, raw_finished);
  settle(*old);
}

void StateBase::settle(std::uint32_t old_word) noexcept {
  if ((old_word & sleepers_bit) != 0) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word_), FUTEX_WAKE_PRIVATE, INT_MAX,
            nullptr, nullptr, 0);
  }
  if (!has_listeners_.load(std::memory_order_seq_cst)) return;
  std::vector<Callback> callbacks;
  lock_lists();
  if (listeners_ != nullptr) {
    for (const auto& [waiter, tag] : listeners_->waiters) waiter->on_done(tag);
    listeners_->waiters.clear();
    callbacks.swap(listeners_->callbacks);
  }
  unlock_lists();
  for (auto& callback : callbacks) {
    try {
      callback(*this);
    } catch (...) {
      report_error(std::current_exception(), "done callback");
    }
  }
}

bool StateBase::sleep_until(std::optional<Clock::time_point> deadline) const {
  std::uint32_t word = word_.load(std::memory_order_acquire);
  if (is_done(word)) return true;
  if ((word & sleepers_bit) == 0) {
    if (!word_.compare_exchange_strong(word, word | sleepers_bit, std::memory_order_acq_rel)) {
      return is_done(word);
    }
    word |= sleepers_bit;
  }
  timespec limit{};
  timespec* limit_ptr = nullptr;
  if (deadline) {
    // steady_clock is CLOCK_MONOTONIC, the clock FUTEX_WAIT_BITSET measures by default.
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(deadline->time_since_epoch()).count();
    limit.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
    limit.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    limit_ptr = &limit;
  }
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word_), FUTEX_WAIT_BITSET_PRIVATE, word,
          limit_ptr, nullptr, FUTEX_BITSET_MATCH_ANY);
  return done();
}

void StateBase::wait() const {
  if (done()) return;
  wait_until_impl(std::nullopt);
}

bool StateBase::wait_until(Clock::time_point deadline) const {
  if (done()) return true;
  return wait_until_impl(deadline);
}

bool StateBase::wait_until_impl(std::optional<Clock::time_point> deadline) const {
  Helper* helper = current_helper();
  auto backoff = std::chrono::duration_cast<Clock::duration>(first_backoff);
  for (;;) {
    if (done()) return true;
    if (helper != nullptr && helper->run_one()) {
      backoff = first_backoff;
      continue;
    }
    std::optional<Clock::time_point> until = deadline;
    if (helper != nullptr || deadline) {
      const auto now = Clock::now();
      if (deadline && now >= *deadline) return done();
      if (helper != nullptr) {
        // New jobs arriving elsewhere do not wake this sleep, so a worker naps briefly.
        until = deadline ? std::min(*deadline, now + backoff) : now + backoff;
        backoff = std::min<Clock::duration>(backoff * 2, last_backoff);
      }
    }
    if (sleep_until(until)) return true;
  }
}

void StateBase::rethrow_if_failed() const {
  if (status() == Status::cancelled) throw CancelledError("future was cancelled");
  if (error_) std::rethrow_exception(error_);
}

void StateBase::lock_lists() const noexcept {
  while (list_lock_.exchange(true, std::memory_order_acquire)) {
    while (list_lock_.load(std::memory_order_relaxed)) std::this_thread::yield();
  }
}

void StateBase::unlock_lists() const noexcept {
  list_lock_.store(false, std::memory_order_release);
}

void StateBase::add_callback(Callback callback) {
  lock_lists();
  // Announce the listener before looking at the status; settle() looks the other way round.
  has_listeners_.store(true, std::memory_order_seq_cst);
  if (!is_done(word_.load(std::memory_order_seq_cst))) {
    try {
      if (listeners_ == nullptr) listeners_ = new Listeners();
      listeners_->callbacks.push_back(std::move(callback));
    } catch (...) {
      unlock_lists();
      throw;
    }
    unlock_lists();
    return;
  }
  unlock_lists();
  try {
    callback(*this);
  } catch (...) {
    report_error(std::current_exception(), "done callback");
  }
}

bool StateBase::add_waiter(Waiter* waiter, std::size_t tag) {
  lock_lists();
  has_listeners_.store(true, std::memory_order_seq_cst);
  if (is_done(word_.load(std::memory_order_seq_cst))) {
    unlock_lists();
    return false;
  }
  try {
    if (listeners_ == nullptr) listeners_ = new Listeners();
    listeners_->waiters.emplace_back(waiter, tag);
  } catch (...) {
    unlock_lists();
    throw;
  }
  unlock_lists();
  return true;
}

void StateBase::remove_waiter(Waiter* waiter) noexcept {
  lock_lists();
  if (listeners_ != nullptr) {
    std::erase_if(listeners_->waiters,
                  [waiter](const auto& entry) { return entry.first == waiter; });
  }
  unlock_lists();
}

}  // namespace pardo::detail

#include "pardo/detail/state.hpp"

#include <algorithm>

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

bool StateBase::try_start() noexcept {
  Status expected = Status::pending;
  return status_.compare_exchange_strong(expected, Status::running, std::memory_order_acq_rel);
}

bool StateBase::cancel() noexcept {
  std::unique_lock lock(mutex_);
  Status expected = Status::pending;
  if (status_.load(std::memory_order_relaxed) == Status::cancelled) return true;
  if (status_.load(std::memory_order_relaxed) != expected) return false;
  settle(lock, Status::cancelled);
  return true;
}

bool StateBase::force_cancel() noexcept {
  std::unique_lock lock(mutex_);
  const Status s = status_.load(std::memory_order_relaxed);
  if (s == Status::cancelled) return true;
  if (s == Status::finished) return false;
  settle(lock, Status::cancelled);
  return true;
}

void StateBase::wait() const {
  if (done()) return;
  wait_with_help(
      mutex_, cv_, [this] { return done(); }, std::nullopt);
}

bool StateBase::wait_until(Clock::time_point deadline) const {
  if (done()) return true;
  return wait_with_help(
      mutex_, cv_, [this] { return done(); }, deadline);
}

void StateBase::rethrow_if_failed() const {
  if (status() == Status::cancelled) throw CancelledError("future was cancelled");
  if (error_) std::rethrow_exception(error_);
}

void StateBase::add_callback(Callback callback) {
  {
    std::lock_guard lock(mutex_);
    if (!done()) {
      callbacks_.push_back(std::move(callback));
      return;
    }
  }
  try {
    callback(*this);
  } catch (...) {
    report_error(std::current_exception(), "done callback");
  }
}

bool StateBase::add_waiter(Waiter* waiter, std::size_t tag) {
  std::lock_guard lock(mutex_);
  if (done()) return false;
  waiters_.emplace_back(waiter, tag);
  return true;
}

void StateBase::remove_waiter(Waiter* waiter) noexcept {
  std::lock_guard lock(mutex_);
  std::erase_if(waiters_, [waiter](const auto& entry) { return entry.first == waiter; });
}

std::unique_lock<std::mutex> StateBase::lock_open() {
  std::unique_lock lock(mutex_);
  const Status s = status_.load(std::memory_order_relaxed);
  if (s == Status::finished) throw InvalidStateError("future already has a result");
  if (s == Status::cancelled) throw InvalidStateError("future was cancelled");
  return lock;
}

void StateBase::complete(std::unique_lock<std::mutex>& lock, std::exception_ptr error) {
  error_ = std::move(error);
  settle(lock, Status::finished);
}

void StateBase::settle(std::unique_lock<std::mutex>& lock, Status final_status) {
  status_.store(final_status, std::memory_order_release);
  for (const auto& [waiter, tag] : waiters_) waiter->on_done(tag);
  waiters_.clear();
  std::vector<Callback> callbacks = std::move(callbacks_);
  callbacks_.clear();
  cv_.notify_all();
  lock.unlock();
  for (auto& callback : callbacks) {
    try {
      callback(*this);
    } catch (...) {
      report_error(std::current_exception(), "done callback");
    }
  }
}

}  // namespace pardo::detail

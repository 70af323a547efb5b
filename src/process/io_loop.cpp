// The I/O thread's loop: it dispatches, writes what waits for each worker, checks deadlines,
// then sleeps in epoll until a socket, the wake-up eventfd or the next deadline needs it.

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <exception>
#include <mutex>
#include <vector>

#include "process/process_core_impl.hpp"

namespace pardo::detail {

namespace {

/// The epoll key of the wake-up eventfd; a worker's is its generation and index.
constexpr std::uint64_t wake_key = ~std::uint64_t{0};

std::uint64_t epoll_key(const process::Worker& w) {
  return (std::uint64_t{w.generation} << 32) | w.index;
}

}  // namespace

ProcessCore::Impl::Impl(std::size_t count, ProcessOptions opts)
    : options(std::move(opts)), workers(count) {
  pinned.resize(count);
  pids.assign(count, -1);
  for (std::size_t w = 0; w < count; ++w) workers[w].index = w;
  epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) process::throw_errno("ProcessPool: epoll_create1");
  wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    ::close(epoll_fd);
    process::throw_errno("ProcessPool: eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = wake_key;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
}

ProcessCore::Impl::~Impl() {
  ::close(wake_fd);
  ::close(epoll_fd);
}

void ProcessCore::Impl::wake() noexcept {
  if (io_sleeping.exchange(false)) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
  }
}

void ProcessCore::Impl::run() noexcept {
  exchange_current_error_sink(this);
  for (auto& w : workers) spawn(w);
  {
    std::lock_guard lock(mutex);
    spawned = true;
    start_error = broken;
  }
  spawned_cv.notify_all();
  std::vector<epoll_event> events(64);
  for (;;) {
    while (dispatch()) {
    }
    for (auto& w : workers) flush(w);
    check_deadlines();
    kill_all_if_terminating();
    if (finished()) break;
    io_sleeping.store(true);
    // Jobs pushed (or a terminate() called) from here on wake the loop; those before are
    // handled now.
    if (dispatch() || terminate_pending()) {
      io_sleeping.store(false);
      continue;
    }
    for (auto& w : workers) flush(w);
    const int n =
        ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), wait_millis());
    io_sleeping.store(false);
    for (int i = 0; i < n; ++i) handle_event(events[static_cast<std::size_t>(i)]);
  }
  exchange_current_error_sink(nullptr);
}

void ProcessCore::Impl::handle_event(const epoll_event& ev) {
  if (ev.data.u64 == wake_key) {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto n = ::read(wake_fd, &count, sizeof count);
    return;
  }
  const auto index = static_cast<std::size_t>(ev.data.u64 & 0xffffffffU);
  const auto generation = static_cast<std::uint32_t>(ev.data.u64 >> 32);
  Worker& w = workers[index];
  if (w.fd < 0 || w.generation != generation) return;  // a replaced worker's event
  if ((ev.events & EPOLLOUT) != 0) flush(w);
  if ((ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0) read_from(w);
}

bool ProcessCore::Impl::finished() {
  std::lock_guard lock(mutex);
  if (accepting) return false;
  for (const auto& w : workers) {
    if (w.fd >= 0 || has_queued(w.index)) return false;
  }
  return true;
}

void ProcessCore::Impl::flush(Worker& w) {
  while (w.fd >= 0 && w.out_sent < w.out.size()) {
    const ssize_t n = ::send(w.fd, w.out.data() + w.out_sent, w.out.size() - w.out_sent,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
      w.out_sent += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      watch_writes(w, true);
      return;
    }
    // The worker is gone; its end of file arrives through the read side.
    w.out.clear();
    w.out_sent = 0;
    break;
  }
  if (w.out_sent == w.out.size()) {
    w.out.clear();
    w.out_sent = 0;
    watch_writes(w, false);
  }
}

/// Registers (EPOLL_CTL_ADD) or updates (EPOLL_CTL_MOD) the events of a worker's socket:
/// always its replies and its hang-up, and room to write while bytes wait to go out.
void ProcessCore::Impl::watch(Worker& w, int op, bool writes) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (writes ? EPOLLOUT : 0U);
  ev.data.u64 = epoll_key(w);
  ::epoll_ctl(epoll_fd, op, w.fd, &ev);
}

void ProcessCore::Impl::watch_writes(Worker& w, bool on) {
  if (w.fd < 0 || w.watching_writes == on) return;
  watch(w, EPOLL_CTL_MOD, on);
  w.watching_writes = on;
}

void ProcessCore::Impl::read_from(Worker& w) {
  for (;;) {
    const auto space = w.in.prepare();
    const ssize_t n = ::recv(w.fd, space.data(), space.size(), MSG_DONTWAIT);
    if (n > 0) {
      w.in.commit(static_cast<std::size_t>(n));
      try {
        while (auto frame = w.in.next()) handle_frame(w, *frame);
      } catch (const std::exception& e) {
        protocol_violation(w, e.what());
        return;
      }
      if (static_cast<std::size_t>(n) < space.size()) return;
      continue;
    }
    if (n < 0 && (errno == EINTR)) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    reap(w);  // end of file, or the connection broke: the worker is gone
    return;
  }
}

}  // namespace pardo::detail

#include "progress.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>

namespace pardo::cli {

namespace {

// Written by the signal handler, read by the monitor thread: lock-free, so signal-safe.
std::atomic<bool> sigint_seen{false};
std::atomic<bool> stoppable{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// In a command that can stop, the first Ctrl-C asks its run to stop and print the partial
// result; a second, or the first anywhere else, ends the process at once (worker processes
// follow: they die with their parent).
extern "C" void on_sigint(int) {
  if (sigint_seen.exchange(true, std::memory_order_relaxed) ||
      !stoppable.load(std::memory_order_relaxed)) {
    ::_exit(130);
  }
}

std::string human_rate(double per_second) {
  const char* units[] = {"", "k", "M", "G", "T"};
  int unit = 0;
  while (per_second >= 1000.0 && unit < 4) {
    per_second /= 1000.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%s", per_second, units[unit]);
  return text;
}

}  // namespace

void handle_sigint() { std::signal(SIGINT, on_sigint); }

void handle_mpirun_signals(bool rank_zero) {
  if (rank_zero) {
    std::signal(SIGTERM, on_sigint);
  } else {
    std::signal(SIGINT, SIG_IGN);
    std::signal(SIGTERM, SIG_IGN);
  }
}

bool stop_requested() noexcept { return sigint_seen.load(std::memory_order_relaxed); }

void accept_stop_requests() { stoppable.store(true, std::memory_order_relaxed); }

RunMonitor::RunMonitor(std::uint64_t total, const std::atomic<std::uint64_t>& done, bool quiet,
                       std::uint64_t units_per_block)
    : total_(total),
      done_(done),
      units_per_block_(static_cast<double>(units_per_block)),
      show_(!quiet && isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {
  accept_stop_requests();
  thread_ = std::thread([this] { run(); });
}

RunMonitor::~RunMonitor() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (drawn_) std::fputs("\r\033[K", stderr);
}

bool RunMonitor::interrupted() const noexcept { return stop_requested(); }

void RunMonitor::run() {
  std::unique_lock lock(mutex_);
  do {
    if (interrupted()) stop_.request_stop();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (show_ && seconds > 1.0) draw(seconds);
  } while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return finished_; }));
}

void RunMonitor::draw(double seconds) {
  constexpr int width = 30;
  const std::uint64_t done = done_.load(std::memory_order_relaxed);
  const double fraction =
      total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * width);
  const double rate = static_cast<double>(done) / seconds;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0;
  const double unit_rate = rate * units_per_block_;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r[%s] %5.1f%%  %s samples/s  ETA %.1f s%s\033[K", bar.c_str(),
               100.0 * fraction, human_rate(unit_rate).c_str(), eta,
               stop_.stop_requested() ? "  (stopping)" : "");
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace pardo::cli

#include "progress.hpp"

#include <unistd.h>

#include <algorithm>
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

// A count as people read it: 740, 12.35k, 1.61M.
std::string human_count(std::uint64_t count) {
  return count < 1000 ? std::to_string(count) : human_rate(static_cast<double>(count));
}

std::string format_seconds(double seconds) {
  char text[32];
  if (seconds < 100) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else if (seconds < 6000) {
    std::snprintf(text, sizeof text, "%.0f min", seconds / 60);
  } else {
    std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
  }
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

void stop_on_sigterm() { std::signal(SIGTERM, on_sigint); }

bool stop_requested() noexcept { return sigint_seen.load(std::memory_order_relaxed); }

void accept_stop_requests() { stoppable.store(true, std::memory_order_relaxed); }

RunMonitor::RunMonitor(const Progress& progress, bool quiet)
    : progress_(progress),
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
  const Progress::Snapshot s = progress_.snapshot();
  if (s.phase.empty()) return;
  // The rate of this phase, in its unit: a phase that began a moment ago has none yet.
  const double rate = s.phase_seconds > 0.05 ? static_cast<double>(s.done) / s.phase_seconds : 0;
  const std::string phase = s.phase_number > 1 || seconds > s.phase_seconds + 1
                                ? s.phase + " (phase " + std::to_string(s.phase_number) + ")"
                                : s.phase;
  if (s.total == 0) {
    std::fprintf(stderr, "\r%s: %s %s  %s %s/s%s\033[K", phase.c_str(), human_count(s.done).c_str(),
                 s.unit.c_str(), human_rate(rate).c_str(), s.unit.c_str(),
                 stop_.stop_requested() ? "  (stopping)" : "");
  } else {
    const std::uint64_t done = std::min(s.done, s.total);
    const double fraction = static_cast<double>(done) / static_cast<double>(s.total);
    std::string bar(static_cast<std::size_t>(fraction * width), '#');
    bar.resize(width, '.');
    const std::string eta =
        rate > 0 ? "ETA " + format_seconds(static_cast<double>(s.total - done) / rate) : "ETA ?";
    std::fprintf(stderr, "\r%s [%s] %5.1f%%  %s of %s %s  %s %s/s  %s%s\033[K", phase.c_str(),
                 bar.c_str(), 100.0 * fraction, human_count(done).c_str(),
                 human_count(s.total).c_str(), s.unit.c_str(), human_rate(rate).c_str(),
                 s.unit.c_str(), eta.c_str(), stop_.stop_requested() ? "  (stopping)" : "");
  }
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace pardo::cli

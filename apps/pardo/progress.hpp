#pragma once
// A long run's companion thread: it turns Ctrl-C into a stop request and, when stderr is a
// terminal and the run lasts over a second, draws a progress bar with rate and ETA.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <thread>

namespace pardo::cli {

class RunMonitor {
 public:
  /// Watches `done` blocks grow towards `total`, each shown as `units_per_block` units; shows
  /// a bar unless `quiet` or stderr is not a tty.
  RunMonitor(std::uint64_t total, const std::atomic<std::uint64_t>& done, bool quiet,
             std::uint64_t units_per_block = 1);
  RunMonitor(const RunMonitor&) = delete;
  RunMonitor& operator=(const RunMonitor&) = delete;
  /// Stops the thread, erases the bar and restores the previous SIGINT handler.
  ~RunMonitor();

  std::stop_token stop_token() const noexcept { return stop_.get_token(); }
  /// Whether Ctrl-C was pressed during the run.
  bool interrupted() const noexcept;

 private:
  void run();
  void draw(double seconds);

  const std::uint64_t total_;
  const std::atomic<std::uint64_t>& done_;
  const double units_per_block_;
  const bool show_;
  bool drawn_ = false;
  std::stop_source stop_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool finished_ = false;
  void (*previous_handler_)(int) = nullptr;
  std::thread thread_;
};

}  // namespace pardo::cli

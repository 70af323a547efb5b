#pragma once
// Ctrl-C, and a long run's companion thread: it turns Ctrl-C into a stop request and, when
// stderr is a terminal and the run lasts over a second, draws the run's pardo::Progress as a
// bar: the phase, done of total in its unit, the rate in that unit and the ETA.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <pardo/core/progress.hpp>
#include <stop_token>
#include <thread>

namespace pardo::cli {

/// Installs pardo's SIGINT handler: Ctrl-C ends the process with exit code 130 at once,
/// unless the command accepts stop requests; there the first Ctrl-C is a stop request (its
/// run prints a partial result) and a second ends the process at once.
void handle_sigint();

/// Under mpirun, which answers Ctrl-C by sending SIGTERM to every rank (and SIGKILL a second
/// later): on rank 0 SIGTERM acts as Ctrl-C, so the partial result is printed; the other
/// ranks ignore SIGINT and SIGTERM and serve rank 0 until it ends the run.
void handle_mpirun_signals(bool rank_zero);

/// SIGTERM acts as Ctrl-C from now on: what a checkpointed run does, so that a batch job's
/// time limit or `scancel` (SIGTERM, then SIGKILL) stops it with its checkpoint written.
void stop_on_sigterm();

/// Whether a Ctrl-C (or mpirun's SIGTERM) has asked this command to stop.
bool stop_requested() noexcept;

/// Says that this command stops cleanly on Ctrl-C: call it before reading input, so that a
/// Ctrl-C while reading stops the run as soon as it starts. A RunMonitor calls it too.
void accept_stop_requests();

class RunMonitor {
 public:
  /// Watches `progress`; shows it as a bar unless `quiet` or stderr is not a tty.
  RunMonitor(const Progress& progress, bool quiet);
  RunMonitor(const RunMonitor&) = delete;
  RunMonitor& operator=(const RunMonitor&) = delete;
  /// Stops the thread and erases the bar.
  ~RunMonitor();

  std::stop_token stop_token() const noexcept { return stop_.get_token(); }
  /// Whether Ctrl-C was pressed during the run.
  bool interrupted() const noexcept;

 private:
  void run();
  void draw(double seconds);

  const Progress& progress_;
  const bool show_;
  bool drawn_ = false;
  std::stop_source stop_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace pardo::cli

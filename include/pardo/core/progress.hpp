#pragma once
/// @file
/// How far a run has got, in the unit that runs: the one progress model of pardo. A workload
/// or a map advances a Progress from any thread; a progress bar, a log line or a GUI reads
/// snapshots of it from another (the CLI's bar polls five times a second).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

namespace pardo {

/// A run's progress: the phase it is in ("sampling", then "diagnostics"), the unit that phase
/// counts ("draws"), how many are done and of what total. Thread-safe; advancing is one
/// relaxed atomic add.
/// @code
/// pardo::Progress progress;
/// std::jthread bar([&](std::stop_token stop) {
///   while (!stop.stop_requested()) {
///     const auto s = progress.snapshot();
///     std::fprintf(stderr, "\r%s: %llu of %llu %s", s.phase.c_str(),
///                  (unsigned long long)s.done, (unsigned long long)s.total, s.unit.c_str());
///     std::this_thread::sleep_for(std::chrono::milliseconds(200));
///   }
/// });
/// auto r = pardo::mc::estimate_pi(pool, {.samples = 10'000'000'000}, {.progress = &progress});
/// @endcode
class Progress {
 public:
  /// What snapshot() returns: a consistent view of the phase at one moment.
  struct Snapshot {
    std::string phase;             ///< what the run is doing, as "sampling"; empty before any
    std::string unit;              ///< what `done` and `total` count, as "samples"
    std::uint64_t done = 0;        ///< units done in this phase
    std::uint64_t total = 0;       ///< units this phase will do; 0 if not known
    std::size_t phase_number = 0;  ///< phases started so far, this one included
    double phase_seconds = 0;      ///< since this phase started
  };

  Progress() = default;
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  /// Ends the last phase (a trace being recorded shows it as a span).
  ~Progress();

  /// Starts a phase that counts `unit` up to `total` (0: not known); `done` starts at 0.
  /// @code
  /// progress.start_phase("diagnostics", "parameters", dim);
  /// @endcode
  void start_phase(std::string phase, std::string unit, std::uint64_t total);

  /// Adds `units` to the phase's `done`, from any thread.
  /// @code
  /// progress.advance(block_samples);
  /// @endcode
  void advance(std::uint64_t units = 1) noexcept {
    done_.fetch_add(units, std::memory_order_relaxed);
  }

  /// The phase, its unit, done and total, as one consistent view.
  /// @code
  /// const pardo::Progress::Snapshot s = progress.snapshot();
  /// double fraction = s.total > 0 ? double(s.done) / double(s.total) : 0.0;
  /// @endcode
  Snapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::string phase_;
  std::string unit_;
  std::uint64_t total_ = 0;
  std::size_t phase_number_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::uint64_t started_ticks_ = 0;  // the trace clock's, for the phase's span
  std::atomic<std::uint64_t> done_{0};
};

/// Progress::start_phase on `progress` if there is one: what a workload calls with the
/// `RunControl::progress` it was given, which may be null.
/// @code
/// pardo::start_phase(control.progress, "fitting", "data sets", datasets);
/// @endcode
inline void start_phase(Progress* progress, std::string phase, std::string unit,
                        std::uint64_t total) {
  if (progress != nullptr) progress->start_phase(std::move(phase), std::move(unit), total);
}

/// Progress::advance on `progress` if there is one.
/// @code
/// pardo::advance_progress(control.progress, segment_steps);
/// @endcode
inline void advance_progress(Progress* progress, std::uint64_t units = 1) noexcept {
  if (progress != nullptr) progress->advance(units);
}

}  // namespace pardo

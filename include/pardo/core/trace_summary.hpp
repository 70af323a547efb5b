#pragma once
/// @file
/// What a trace means, in numbers: each worker's busy and idle time, the load imbalance, the
/// task durations, the scheduler's share, the critical path, and what to change.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pardo/core/trace.hpp"

namespace pardo::trace {

/// The figures of one trace (`--profile` prints them).
/// @code
/// pardo::trace::start();
/// pool.map(f, inputs);
/// const auto summary = pardo::trace::Summary::of(pardo::trace::stop());
/// std::fputs(summary.report().c_str(), stderr);
/// @endcode
struct Summary {
  /// One worker: a thread of a pool, a worker process, an MPI rank.
  struct Worker {
    std::string name;
    std::uint32_t pid = 0;
    std::uint32_t track = 0;
    double busy_seconds = 0;      ///< in tasks and chunks (nested ones counted once)
    double overhead_seconds = 0;  ///< gaps between its tasks shorter than overhead_gap
    double idle_seconds = 0;      ///< the rest of the run's wall time
    std::size_t tasks = 0;        ///< tasks and chunks it ran
    std::size_t steals = 0;
  };

  /// A gap between two tasks of one worker up to this long is the scheduler's time (taking
  /// the next task); a longer one is idleness (no task was there to take).
  static constexpr double overhead_gap_seconds = 20e-6;

  double wall_seconds = 0;  ///< from the first event's start to the last one's end
  std::vector<Worker> workers;
  std::size_t tasks = 0;
  std::size_t steals = 0;
  /// The busiest worker's busy time over the mean: 1 is perfect balance.
  double imbalance = 1;
  /// Task (and chunk) durations: median, 90th and 99th percentiles, longest.
  double task_p50_seconds = 0;
  double task_p90_seconds = 0;
  double task_p99_seconds = 0;
  double task_max_seconds = 0;
  /// Scheduler time over scheduler and task time, all workers together.
  double overhead_share = 0;
  /// The critical path: the longest task, as tasks of a map are independent. No number of
  /// workers makes the run shorter than this.
  double critical_path_seconds = 0;
  /// What to change, in words ("use a chunksize of 64: the median task takes 2 us"); empty
  /// when nothing stands out.
  std::vector<std::string> suggestions;

  /// Computes the figures of `trace`: its workers are the tracks that ran tasks or chunks.
  static Summary of(const Trace& trace);

  /// A table for people: one row per worker, then the figures and the suggestions.
  std::string report() const;
};

}  // namespace pardo::trace

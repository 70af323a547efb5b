#pragma once
/// @file
/// Hooks for a caller that watches or stops a long workload (the CLI's progress bar, Ctrl-C).

#include <atomic>
#include <cstdint>
#include <exception>
#include <stop_token>

#include "pardo/core/progress.hpp"

namespace pardo {

class Checkpoint;

/// What a run does with a block that failed on every attempt (see RunControl::retries).
/// @code
/// pardo::RunControl control{.on_block_failure = pardo::OnBlockFailure::stop};
/// @endcode
enum class OnBlockFailure {
  raise,  ///< the run throws pardo::BlockFailed
  stop,   ///< the run ends as if stopped: a partial result, with RunInfo::failure saying why
};

/// What a workload checks between its blocks. Blocks not started when a stop is requested
/// are skipped and the result says it is partial; `progress`, if set, follows the run phase
/// by phase in the unit that runs (samples, resamples, draws; see pardo::Progress), advanced
/// as each block finishes (from any thread). On worker processes, a block whose worker died
/// (pardo::WorkerCrashed, or WorkerStalled) runs again, up to `retries` times: blocks are
/// deterministic, so the answer has the same bits as an undisturbed run.
/// @code
/// pardo::Progress progress;
/// std::stop_source stop;
/// pardo::RunControl control{.stop = stop.get_token(), .progress = &progress, .retries = 3};
/// auto r = pardo::stats::bootstrap(pool, data, pardo::stats::mean, {}, control);
/// @endcode
struct RunControl {
  std::stop_token stop{};
  /// Where the run reports how far it has got; none if null.
  Progress* progress = nullptr;
  /// Times a block whose worker died runs again before the block fails for good.
  int retries = 2;
  /// What a block that failed for good does to the run.
  OnBlockFailure on_block_failure = OnBlockFailure::raise;
  /// Where finished blocks are kept and written, and blocks of a resumed run come from; none
  /// if null (see pardo::Checkpoint). A stopped run writes it before it returns.
  Checkpoint* checkpoint = nullptr;
};

/// Thrown from inside a long block that saw `RunControl::stop` while it ran: the run counts
/// the block as not run, like one the stop skipped, so a stop is honoured within one check
/// of the flag rather than at the end of the block.
/// @code
/// if (control.stop.stop_requested()) throw pardo::BlockStopped();
/// @endcode
class BlockStopped : public std::exception {
 public:
  const char* what() const noexcept override { return "the block was stopped before its end"; }
};

/// Throws BlockStopped if `stop` has been requested: what a long block calls every few
/// milliseconds of work.
/// @code
/// for (std::uint64_t chunk = 0; chunk < chunks; ++chunk) {
///   pardo::throw_if_stopped(control.stop);
///   hits += count(chunk);
/// }
/// @endcode
inline void throw_if_stopped(const std::stop_token& stop) {
  if (stop.stop_requested()) throw BlockStopped();
}

}  // namespace pardo

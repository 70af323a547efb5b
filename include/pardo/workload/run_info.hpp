#pragma once
/// @file
/// What every workload's result reports alongside its numbers: `pardo::Interval` and
/// `pardo::RunInfo`.

#include <cstddef>
#include <cstdint>
#include <string>

namespace pardo {

/// A two-sided interval [low, high] at confidence `level`.
/// @code
/// pardo::Interval ci{.low = 1.2, .high = 3.4, .level = 0.95};
/// @endcode
struct Interval {
  double low = 0;
  double high = 0;
  double level = 0;
  /// Whether `value` lies in [low, high].
  /// @code
  /// assert((pardo::Interval{0, 1, 0.95}.contains(0.5)));
  /// @endcode
  bool contains(double value) const noexcept { return low <= value && value <= high; }
};

/// How a workload's run went: the blocks it ran out of those it planned, its wall time, and
/// where it ran. Embedded as `run` in every workload's result.
/// @code
/// auto r = pardo::mc::estimate_pi(pool, {.samples = 1'000'000'000});
/// if (!r.run.complete) std::printf("stopped after %llu of %llu blocks\n",
///                                  (unsigned long long)r.run.blocks_done,
///                                  (unsigned long long)r.run.blocks_total);
/// @endcode
struct RunInfo {
  std::uint64_t blocks_done = 0;   ///< blocks that ran to their end
  std::uint64_t blocks_total = 0;  ///< blocks the run was planned with
  double seconds = 0;              ///< wall time of the whole run
  /// False if a stop request (or a failed block, see `failure`) cut the run short: the result
  /// then covers `blocks_done` blocks.
  bool complete = false;
  std::string backend{};    ///< the executor's backend(): "serial", "threads", "processes", "mpi"
  std::size_t workers = 0;  ///< the executor's size()
  /// Runs of blocks again after their worker died (each retry counts once).
  std::uint64_t blocks_retried = 0;
  /// Why a block failed for good, under OnBlockFailure::stop; empty otherwise.
  std::string failure{};
  /// Blocks of `blocks_done` taken from a checkpoint rather than run (RunControl::checkpoint).
  std::uint64_t blocks_restored = 0;
};

}  // namespace pardo

#pragma once
/// @file
/// How the map family splits work: `pardo::Schedule` and `pardo::MapOptions`.

#include <cstddef>
#include <string>

#include "pardo/core/progress.hpp"

namespace pardo {

/// How a loop's iterations are dealt to workers.
/// @code
/// pool.map(f, xs, {.chunksize = 64, .schedule = pardo::Schedule::dynamic});
/// @endcode
enum class Schedule {
  automatic,      ///< work stealing with adaptive chunks: ranges split when a worker is idle
  static_blocks,  ///< one contiguous, equal portion per worker (chunksize is ignored)
  round_robin,    ///< chunk i to worker i mod W
  dynamic,        ///< chunks taken from one shared counter by whichever worker is free
  guided,  ///< like dynamic, with chunks shrinking as the work runs out (chunksize: the least)
};

/// The name of a schedule ("automatic", ...), or "Schedule(N)" for a value out of range.
/// @code
/// assert(pardo::to_string(pardo::Schedule::guided) == "guided");
/// @endcode
std::string to_string(Schedule schedule);

/// Options of `map`, `parallel_for`, `map_reduce` and their relatives.
/// @code
/// pardo::MapOptions options{.chunksize = 0, .schedule = pardo::Schedule::automatic};
/// @endcode
struct MapOptions {
  /// Items per chunk; 0 picks one from the input size and the worker count.
  std::size_t chunksize = 0;
  /// How chunks are dealt to workers.
  Schedule schedule = Schedule::automatic;
  /// Counts each call of the mapped function that returns, from whichever thread or process
  /// reply it is seen on (`map`, `map_async`, `starmap`, `imap`, `imap_unordered`); none if
  /// null. The caller starts its phase with the total it knows:
  /// @code
  /// pardo::Progress progress;
  /// progress.start_phase("map", "inputs", xs.size());
  /// auto ys = pool.map(f, xs, {.progress = &progress});
  /// @endcode
  Progress* progress = nullptr;
  /// `imap` and `imap_unordered` only: the most chunks submitted and not yet consumed, which
  /// bounds how far the inputs are read, and results kept, ahead of the consumer; 0 picks four
  /// per worker. With one, chunks run one at a time, each as the consumer reaches it.
  /// @code
  /// for (double y : pool.imap(f, std::views::iota(0), {.chunksize = 64, .max_in_flight = 8}))
  ///   if (y > limit) break;
  /// @endcode
  std::size_t max_in_flight = 0;
};

namespace detail {
/// Throws std::invalid_argument naming the schedule if it is not one of Schedule's values.
void validate(const MapOptions& options, const char* caller);
}  // namespace detail

}  // namespace pardo

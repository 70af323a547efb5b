#pragma once
/// @file
/// Hooks for a caller that watches or stops a long workload (the CLI's progress bar, Ctrl-C).

#include <atomic>
#include <cstdint>
#include <stop_token>

namespace pardo {

/// What a workload checks between its blocks. Blocks not started when a stop is requested
/// are skipped and the result says it is partial; `blocks_done`, if set, grows by one as
/// each block finishes (from any thread).
/// @code
/// std::atomic<std::uint64_t> done{0};
/// std::stop_source stop;
/// pardo::RunControl control{.stop = stop.get_token(), .blocks_done = &done};
/// auto r = pardo::stats::bootstrap(pool, data, pardo::stats::mean, {}, control);
/// @endcode
struct RunControl {
  std::stop_token stop{};
  std::atomic<std::uint64_t>* blocks_done = nullptr;
};

}  // namespace pardo

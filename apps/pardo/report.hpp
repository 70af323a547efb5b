#pragma once
// What every workload command reports the same way: its RunInfo in JSON, and the exit code
// of a run that may have been interrupted.

#include <nlohmann/json.hpp>
#include <pardo/workload/run_info.hpp>

namespace pardo::cli {

/// Adds "backend", "workers", "seconds", "blocks_done", "blocks_total" and "complete".
void add_run(nlohmann::json& j, const RunInfo& run);

/// For a run a stop request cut short, "interrupted: partial result from D of T blocks".
void print_interrupted(const RunInfo& run);

/// 0 for a complete run, 130 (as after SIGINT) for one a stop request cut short.
inline int exit_code_of(const RunInfo& run) { return run.complete ? 0 : 130; }

}  // namespace pardo::cli

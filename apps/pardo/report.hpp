#pragma once
// What every workload command reports the same way: its RunInfo in JSON, a run cut short,
// and the exit code (the table in `pardo --help`).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <pardo/workload/run_info.hpp>
#include <string_view>

namespace pardo::cli {

/// The exit codes of every command, as `pardo --help` lists them.
enum ExitCode : int {
  exit_success = 0,
  exit_not_reached = 1,  ///< ran to the end without reaching what was asked
  exit_usage = 2,        ///< bad usage or input, named on stderr
  exit_failure = 3,      ///< failed while running: workers lost beyond retries, I/O, memory
  exit_interrupted = 130,
};

/// The table of exit codes, for `pardo --help`.
const char* exit_code_table();

/// Keeps the command line for provenance(); main calls it first.
void record_command_line(int argc, const char* const* argv);

/// Where a JSON result came from, as docs/pardo.schema.json defines "pardo": the version, the
/// SIMD level the kernels chose, the subcommand (`command`, as "bench pi"), the command line
/// as typed (`argv`) and the UTC date and time.
nlohmann::json provenance(std::string_view command);

/// Adds what every workload's JSON has: "pardo" (provenance of `command`) and "run" {backend,
/// workers, seed (null where none applies), blocks {done, total, retried}, seconds, complete,
/// failure (for a run a failed block ended)}.
void add_run(nlohmann::json& j, std::string_view command, const RunInfo& run,
             std::optional<std::uint64_t> seed);

/// {"low", "high", "level"}: an interval as every command's JSON writes it.
nlohmann::json interval_json(double low, double high, double level);

/// For a run cut short, "interrupted: partial result from D of T blocks" (or "failed: ...").
void print_interrupted(const RunInfo& run);

/// The exit code of a run, once its result is printed: 3 if a block failed for good (its
/// message then goes to stderr), 130 if a stop request cut it short, 1 if it ran to the end
/// without `reached` what was asked, else 0.
int finish_run(const RunInfo& run, bool reached = true);

/// Prints "<prefix>: <what>" on stderr for a library error. `prefix` is "pardo <command>";
/// the library's own leading "<command>: " (its function is often named as the command:
/// "power: ...") is dropped, so that the command is said once.
void print_error(std::string_view prefix, std::string_view what);

}  // namespace pardo::cli

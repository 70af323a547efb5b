#pragma once
/// @file
/// Monitors: what a solver reports as it goes, after each generation and for each evaluation,
/// kept in memory, printed or logged to a file.

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "pardo/opt/termination.hpp"

namespace pardo::opt {

/// Receives a solver's progress. Override what you need; both calls come on the thread that
/// runs `solve`, in order, never at once.
/// @code
/// struct Count : pardo::opt::Monitor {
///   int generations = 0;
///   void generation(const pardo::opt::Status&) override { ++generations; }
/// };
/// @endcode
class Monitor {
 public:
  virtual ~Monitor() = default;
  /// After each generation, the start (generation 0) included.
  virtual void generation(const Status& /*status*/) {}
  /// After each batch of evaluations: the points row by row (dim coordinates each) and their
  /// values as the objective gave them, in the order asked (a NaN stays NaN here; the solver
  /// ranks it below every number).
  virtual void evaluations(std::span<const double> /*points*/, std::size_t /*dim*/,
                           std::span<const double> /*values*/) {}
  /// An evaluation that failed (EvaluationFailed, or its worker crashed, stalled or ran past
  /// its timeout), given the failure penalty (see Solver::set_failure_penalty) instead of
  /// ending the solve; before the batch's evaluations call.
  virtual void failure(std::span<const double> /*x*/, const std::string& /*reason*/,
                       double /*penalty*/) {}
};

/// An evaluation that failed, as a MemoryMonitor keeps it.
/// @code
/// for (const pardo::opt::FailureRecord& f : memory.failures()) std::puts(f.reason.c_str());
/// @endcode
struct FailureRecord {
  std::vector<double> x{};
  std::string reason{};
};

/// One generation as a monitor keeps it.
/// @code
/// pardo::opt::GenerationRecord r{.generation = 3, .evaluations = 40, .best_value = 0.5};
/// @endcode
struct GenerationRecord {
  std::uint64_t generation = 0;
  std::uint64_t evaluations = 0;
  double best_value = 0;
  std::vector<double> best_x{};
  double seconds = 0;
};

/// Keeps every generation's record and, if asked, every evaluation.
/// @code
/// pardo::opt::MemoryMonitor memory(/*keep_evaluations=*/true);
/// solver.add_monitor(memory);
/// solver.solve(pool, f, pardo::opt::generation_limit(10));
/// // memory.generations().size() == 11; memory.points().size() == dim * evaluations
/// @endcode
class MemoryMonitor : public Monitor {
 public:
  explicit MemoryMonitor(bool keep_evaluations = false) : keep_evaluations_(keep_evaluations) {}
  void generation(const Status& status) override;
  void evaluations(std::span<const double> points, std::size_t dim,
                   std::span<const double> values) override;
  void failure(std::span<const double> x, const std::string& reason, double penalty) override;
  const std::vector<GenerationRecord>& generations() const noexcept { return generations_; }
  /// Every failed evaluation, in order.
  const std::vector<FailureRecord>& failures() const noexcept { return failures_; }
  /// The evaluated points, row by row (only with keep_evaluations).
  const std::vector<double>& points() const noexcept { return points_; }
  /// Their values.
  const std::vector<double>& values() const noexcept { return values_; }

 private:
  bool keep_evaluations_;
  std::vector<GenerationRecord> generations_;
  std::vector<FailureRecord> failures_;
  std::vector<double> points_;
  std::vector<double> values_;
};

/// Prints every `every`-th generation (and generation 0) as
/// "generation 10: best 0.0123 after 220 evaluations (0.01 s)" to `out`, and every failed
/// evaluation as "evaluation failed at x = [0.5, 1]: REASON; value set to 1e+10".
/// @code
/// pardo::opt::PrintMonitor verbose(stdout, /*every=*/10);
/// @endcode
class PrintMonitor : public Monitor {
 public:
  /// Throws std::invalid_argument for every = 0 or a null stream.
  explicit PrintMonitor(std::FILE* out = stdout, std::uint64_t every = 1);
  void generation(const Status& status) override;
  void failure(std::span<const double> x, const std::string& reason, double penalty) override;

 private:
  std::FILE* out_;
  std::uint64_t every_;
};

/// The format of a LogMonitor's file.
/// @code
/// auto format = pardo::opt::LogFormat::json_lines;
/// @endcode
enum class LogFormat { csv, json_lines };

/// What a LogMonitor writes a line for: each generation (the best so far), or each evaluation
/// (its point and value, in the order asked).
/// @code
/// auto events = pardo::opt::LogEvents::evaluations;
/// @endcode
enum class LogEvents { generations, evaluations };

/// Writes each generation to a file: CSV (generation, evaluations, failures, seconds,
/// best_value, x0, x1, ...) or JSON lines ({"generation":..,"evaluations":..,"failures":..,
/// "seconds":..,"best_value":..,"best_x":[..]}), flushed every line so that a crash keeps
/// what was written. JSON lines also get one {"failure":REASON,"x":[..],"penalty":..} line per
/// failed evaluation (CSV counts them only). With LogEvents::evaluations it writes each
/// evaluation instead: CSV (evaluation, value, x0, x1, ...) or JSON lines
/// ({"evaluation":..,"value":..,"x":[..]}), evaluations counted from 1. Throws
/// std::runtime_error naming the file and the system's reason when it cannot be created or
/// written.
/// @code
/// pardo::opt::LogMonitor log("run.csv", pardo::opt::LogFormat::csv);
/// pardo::opt::LogMonitor every("points.jsonl", pardo::opt::LogFormat::json_lines,
///                              pardo::opt::LogEvents::evaluations);
/// solver.add_monitor(log);
/// @endcode
class LogMonitor : public Monitor {
 public:
  LogMonitor(const std::string& path, LogFormat format, LogEvents events = LogEvents::generations);
  ~LogMonitor() override;
  LogMonitor(const LogMonitor&) = delete;
  LogMonitor& operator=(const LogMonitor&) = delete;
  void generation(const Status& status) override;
  void evaluations(std::span<const double> points, std::size_t dim,
                   std::span<const double> values) override;
  void failure(std::span<const double> x, const std::string& reason, double penalty) override;

 private:
  void write(const std::string& line);

  std::string path_;
  LogFormat format_;
  LogEvents events_;
  std::uint64_t evaluated_ = 0;
  std::FILE* file_;
  bool header_written_ = false;
};

}  // namespace pardo::opt

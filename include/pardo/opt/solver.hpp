#pragma once
/// @file
/// The interface every solver shares: ask for points, tell their values, and `solve`, which
/// evaluates each batch of points as one parallel map on any executor until a termination
/// condition holds. A solver keeps its state between calls, so solving again continues.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/opt/constraints.hpp"
#include "pardo/opt/detail/evaluate.hpp"
#include "pardo/opt/monitor.hpp"
#include "pardo/opt/problem.hpp"
#include "pardo/opt/termination.hpp"
#include "pardo/remote/wire_io.hpp"

namespace pardo::opt {

/// What a solve returns. Values are the objective's own (not negated when maximising).
/// @code
/// pardo::opt::Result r = solver.solve(pool, f, pardo::opt::generation_limit(100));
/// std::printf("%g at x[0] = %g, %s\n", r.value, r.x[0], r.termination.c_str());
/// @endcode
struct Result {
  std::vector<double> x;          ///< the best point
  double value = 0;               ///< its value
  std::uint64_t evaluations = 0;  ///< all evaluations so far, earlier solves included
  std::uint64_t generations = 0;  ///< all generations so far
  std::string termination;        ///< the condition that stopped this solve
  std::vector<double> history;    ///< the best value after each generation, from 0
  double seconds = 0;             ///< wall time of all solves so far
  std::uint64_t failures = 0;     ///< evaluations that got the failure penalty, all solves

  template <class Archive>
  void serialize(Archive& archive) {
    archive(x, value, evaluations, generations, termination, history, seconds, failures);
  }
};

/// The base of every solver: the ask/tell protocol and the bookkeeping they share (best
/// point, counts, history, monitors, strict bounds). Not copyable; not for use by two threads
/// at once.
/// @code
/// pardo::opt::NelderMead nm({.bounds = pardo::opt::Bounds::cube(2, -5, 5), .x0 = {1, 1}});
/// while (!done) {
///   auto points = nm.ask();
///   std::vector<double> values = evaluate_somehow(points);
///   nm.tell(values);
/// }
/// @endcode
class Solver {
 public:
  virtual ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  /// The points to evaluate next, row by row (dim coordinates each), all within the bounds.
  /// Asking again before telling returns the same points.
  std::span<const double> ask();
  /// Their values, as many as points asked, in order. Throws std::invalid_argument if the
  /// count differs or nothing was asked.
  void tell(std::span<const double> values);

  /// Where the solver stands (valid until the next ask or tell).
  Status status() const;
  /// The best point and value so far, as a Result (termination empty).
  Result result() const;
  /// The dimension.
  std::size_t dim() const noexcept { return problem_.dim(); }
  /// Whether every generation told so far is complete (between generations).
  bool between_generations() const noexcept { return pending_.empty() && started_; }

  /// Writes the solver's whole state to `path` (through a temporary file renamed over it, so
  /// that a failed save leaves the previous one whole): a solver restored from it takes the
  /// same steps, bit for bit, as this one would. Throws std::runtime_error naming the path and
  /// the system's reason when the file cannot be written.
  /// @code
  /// solver.solve(pool, f, pardo::opt::generation_limit(100));
  /// solver.save("run.state");
  /// @endcode
  void save(const std::string& path) const;
  /// Replaces this solver's state with the one saved in `path`, by a solver of the same kind,
  /// problem and options (else std::invalid_argument saying which differs). Throws
  /// std::runtime_error naming the path when it cannot be read, pardo::SerializationError
  /// when it is not a whole state file. Monitors are not part of the state.
  /// @code
  /// pardo::opt::NelderMead again(problem, options);
  /// again.restore("run.state");
  /// auto r = again.solve(pool, f, pardo::opt::generation_limit(200));  // as if never stopped
  /// @endcode
  void restore(const std::string& path);

  /// The solver's whole state as the bytes save() writes: for a checkpoint that holds more
  /// than the solver (as `pardo optimize --checkpoint` keeps it in a pardo::Checkpoint).
  /// @code
  /// const std::string bytes = solver.save_to_bytes();
  /// @endcode
  std::string save_to_bytes() const;
  /// restore() from bytes that save_to_bytes() gave; `origin` names them in the messages.
  /// @code
  /// again.restore_from_bytes(bytes, "run.ckpt");
  /// @endcode
  void restore_from_bytes(std::string_view bytes, const std::string& origin);

  /// Adds a monitor, kept by reference: it must outlive the solves.
  void add_monitor(Monitor& monitor) { monitors_.push_back(&monitor); }

  /// Applies `constraints` to every point evaluated from now on: the projection (then the
  /// bounds) before the objective, the penalty after it; the values that the result, the
  /// history and termination conditions see include the penalty. Constraints are not part of
  /// a saved state: set the same ones after a restore. Throws std::invalid_argument naming a
  /// bad weight or tolerance.
  /// @code
  /// pardo::opt::Constraints c;
  /// c.equalities.push_back([](std::span<const double> x) { return x[0] + x[1] - 1; });
  /// solver.set_constraints(c);
  /// @endcode
  void set_constraints(Constraints constraints);

  /// A point whose evaluation fails gets `value` as its objective value, with a note to the
  /// monitors (Monitor::failure), instead of ending the solve: one whose objective throws
  /// EvaluationFailed (on any executor), or, on worker processes and MPI ranks, whose worker
  /// crashes, stalls or runs past the pool's task_timeout (after the pool's retries; each
  /// point is then its own task, so a failure costs one point). Pick a value no solution
  /// should beat: a large one when minimising, a very negative one when maximising (NaN ranks
  /// last either way). Other exceptions from the objective still end the solve. Without it
  /// (std::nullopt, the default) a failed evaluation ends the solve as any exception does.
  /// @code
  /// pardo::ProcessPool pool(8, {.task_timeout = std::chrono::seconds(60)});
  /// solver.set_failure_penalty(1e10);
  /// auto r = solver.solve(pool, pardo::opt::Objective(simulate), stop);  // r.failures: how many
  /// @endcode
  void set_failure_penalty(std::optional<double> value) noexcept { failure_penalty_ = value; }

  /// Runs until `stop` holds at the end of a generation (or at once, if it already holds),
  /// evaluating each batch of points as one parallel map on `executor`. `f` is any callable
  /// `double(std::span<const double>)` on in-process executors, a registered function or an
  /// Objective handle on every executor. An exception from `f` ends the solve and reaches
  /// the caller (the first by point order); the solver keeps its state from before that
  /// batch, so solving again retries it.
  /// @code
  /// pardo::ThreadPool pool(4);
  /// pardo::opt::Result r = solver.solve(pool, f, pardo::opt::value_to_reach(1e-8) ||
  ///                                                  pardo::opt::evaluation_limit(100000));
  /// @endcode
  template <RemoteExecutor E, class F>
  Result solve(E& executor, const F& f, const Termination& stop) {
    if constexpr (std::is_function_v<F>) {
      return solve(executor, &f, stop);
    } else {
      begin_solve();
      try {
        for (;;) {
          if (between_generations()) {
            if (auto why = stop.met(status())) return finish_solve(*why);
          }
          const std::span<const double> points = ask();
          if (failure_penalty_) {
            const auto batch =
                detail::evaluate_guarded(executor, f, points, dim(), *failure_penalty_);
            note_failures(points, batch);
            tell(batch.values);
          } else {
            tell(detail::evaluate(executor, f, points, dim()));
          }
        }
      } catch (...) {
        end_solve();
        throw;
      }
    }
  }

 protected:
  explicit Solver(Problem problem);

  /// The points of the next step, written to `points` (row by row), none outside the bounds:
  /// the derived solver's half of ask.
  virtual void next_points(std::vector<double>& points) = 0;
  /// The values of those points, as numbers to minimise (negated when maximising, NaN
  /// turned to +inf); returns whether a generation ended with them.
  virtual bool take_values(std::span<const double> points, std::span<const double> values) = 0;
  /// The current population or simplex, and its values to minimise.
  virtual std::span<const double> candidates() const = 0;
  virtual std::span<const double> candidate_values() const = 0;
  /// The solver's name in state files ("nelder-mead").
  virtual std::string_view kind() const = 0;
  /// The derived solver's options and state, for save and restore. restore_state reads them
  /// without changing the solver and returns what installs them, so that a restore that
  /// fails half way leaves the solver as it was; it throws std::invalid_argument if the
  /// options read differ from this solver's.
  virtual void save_state(wire::Writer& out) const = 0;
  virtual std::function<void()> restore_state(wire::Reader& in) = 0;
  /// Throws std::invalid_argument, naming the solver, if `saved` (options as save_state
  /// wrote them) differs from `own`.
  static void require_same_options(const std::string& saved, const std::string& own,
                                   std::string_view solver);

  const Problem& problem() const noexcept { return problem_; }
  /// Moves x into the bounds, axis by axis.
  void clip(std::span<double> x) const;
  /// The seed of the solver's random choices.
  std::uint64_t seed() const noexcept { return problem_.seed; }
  std::uint64_t generation() const noexcept { return generation_; }
  /// The best point so far, and its value to minimise.
  std::span<const double> best_x() const noexcept { return best_x_; }
  double best_value() const noexcept { return best_; }

 private:
  void begin_solve();
  void end_solve();
  void note_failures(std::span<const double> points, const detail::IsolatedBatch& batch);
  Result finish_solve(const std::string& why);
  double user_value(double minimised) const;

  Problem problem_;
  std::vector<Monitor*> monitors_;
  Constraints constraints_;
  std::vector<double> pending_;    // points asked, not yet told
  std::vector<double> projected_;  // their projections, the points evaluated (if projecting)
  std::vector<double> scratch_;
  std::vector<double> best_x_;
  double best_ = 0;
  std::vector<double> history_;
  mutable std::vector<double> user_values_;  // the candidates' values as status() shows them
  std::uint64_t generation_ = 0;
  std::uint64_t evaluations_ = 0;
  std::uint64_t failures_ = 0;
  std::optional<double> failure_penalty_;
  bool started_ = false;
  double seconds_before_ = 0;  // of earlier solves
  std::chrono::steady_clock::time_point solve_started_{};
  bool solving_ = false;
};

}  // namespace pardo::opt

// `pardo optimize`: one of pardo::opt's solvers on a built-in model, a C function in a shared
// library, or an external program per point; evaluations run in parallel on any backend,
// and a seed gives the same answer on every one.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <string>
#include <vector>

#include "backend.hpp"
#include "commands.hpp"
#include "outputs.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "user_objective.hpp"

namespace pardo::cli {

namespace {

struct OptimizeArgs {
  std::string model = "rosenbrock";
  std::string library;  // --objective LIB.so:SYMBOL
  std::string command;  // --objective-cmd 'PROGRAM {x}'
  std::string dim = "2";
  std::string solver = "de";
  std::string nested = "powell";
  std::string starts;
  std::string bounds;
  std::string population;
  std::optional<double> vtr;
  std::string max_evaluations = "100000";
  std::string max_generations;
  double time_limit = 0;
  double evaluation_timeout = 0;
  std::optional<double> failure_penalty;
  bool maximize = false;
  std::string log;
  std::uint64_t seed = 42;
  BackendArgs backend;
  bool json = false;
  std::string output;
  bool quiet = false;
  CLI::Option* dim_option = nullptr;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "pardo optimize: %s\n", message.c_str());
  return 2;
}

// Thrown by the progress monitor at the end of a generation after a Ctrl-C.
struct Interrupted {};

// The progress bar counts evaluations, and a Ctrl-C ends the solve after its generation.
class CliMonitor : public opt::Monitor {
 public:
  explicit CliMonitor(const RunControl& control) : control_(control) {}
  void generation(const opt::Status& s) override {
    if (control_.progress != nullptr) control_.progress->advance(s.evaluations - counted_);
    counted_ = s.evaluations;
    if (control_.stop.stop_requested()) throw Interrupted{};
  }
  void failure(std::span<const double> /*x*/, const std::string& reason,
               double /*penalty*/) override {
    if (first_failure.empty()) first_failure = reason;
  }
  std::string first_failure;

 private:
  const RunControl& control_;
  std::uint64_t counted_ = 0;
};

/// Keeps the solver's whole state in the run's checkpoint at the end of a generation, once
/// every --checkpoint-every seconds: encoding the state costs as much as a generation of a
/// cheap objective, so it is made only when the checkpoint would write it. keep() also keeps
/// the state the solve ended with, complete or stopped.
class CheckpointMonitor : public opt::Monitor {
 public:
  CheckpointMonitor(Checkpoint& checkpoint, const opt::Solver& solver, std::uint32_t section,
                    double every)
      : checkpoint_(checkpoint),
        solver_(solver),
        section_(section),
        every_(every),
        kept_(std::chrono::steady_clock::now()) {}
  void generation(const opt::Status& /*s*/) override {
    if (std::chrono::steady_clock::now() - kept_ >= every_) keep();
  }
  void keep() {
    checkpoint_.record(section_, 0, solver_.save_to_bytes());
    // After the record, which writes: the checkpoint's own clock is then due when this one is.
    kept_ = std::chrono::steady_clock::now();
  }

 private:
  Checkpoint& checkpoint_;
  const opt::Solver& solver_;
  std::uint32_t section_;
  std::chrono::duration<double> every_;
  std::chrono::steady_clock::time_point kept_;
};

/// The bounds: "LO:HI" for every axis, or one "LO:HI" per axis, comma-separated.
opt::Bounds parse_bounds(const std::string& text, std::size_t dim) {
  std::vector<std::string> parts;
  for (std::size_t at = 0;;) {
    const std::size_t comma = text.find(',', at);
    parts.push_back(text.substr(at, comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  if (parts.size() != 1 && parts.size() != dim) {
    throw UsageError("--bounds: '" + text + "' has " + std::to_string(parts.size()) +
                     " ranges for " + std::to_string(dim) +
                     " dimensions (give one LO:HI for "
                     "all, or one per dimension)");
  }
  opt::Bounds b;
  for (std::size_t j = 0; j < dim; ++j) {
    const std::string& part = parts[parts.size() == 1 ? 0 : j];
    const std::size_t colon = part.find(':', 1);  // after a leading minus sign
    const auto number = [&](const std::string& field) {
      char* stop = nullptr;
      const double v = std::strtod(field.c_str(), &stop);
      if (field.empty() || *stop != '\0' || !std::isfinite(v)) {
        throw UsageError("--bounds: '" + part + "' is not LO:HI with finite numbers");
      }
      return v;
    };
    if (colon == std::string::npos) {
      throw UsageError("--bounds: '" + part + "' is not LO:HI with finite numbers");
    }
    const double lo = number(part.substr(0, colon));
    const double hi = number(part.substr(colon + 1));
    if (!(lo < hi)) throw UsageError("--bounds: '" + part + "': LO must be below HI");
    b.lower.push_back(lo);
    b.upper.push_back(hi);
  }
  return b;
}

std::string describe_objective(const OptimizeArgs& args) {
  if (!args.library.empty()) return "library " + args.library;
  if (!args.command.empty()) return "command '" + args.command + "'";
  return args.model;
}

/// The default stop of each solver (opt::default_termination), or the limits given.
opt::Termination stopping_rule(const OptimizeArgs& args, const opt::Problem& problem,
                               std::size_t lambda) {
  const std::string& kind =
      args.solver == "buckshot" || args.solver == "lattice" ? args.nested : args.solver;
  opt::Termination stop = opt::default_termination(kind, problem.dim(), lambda);
  stop = stop || opt::evaluation_limit(parse_count(args.max_evaluations, "--max-evaluations"));
  if (!args.max_generations.empty()) {
    stop = stop || opt::generation_limit(parse_count(args.max_generations, "--max-generations"));
  }
  if (args.time_limit > 0) stop = stop || opt::time_limit(args.time_limit);
  if (args.vtr) stop = opt::value_to_reach(*args.vtr) || stop;
  return stop;
}

std::unique_ptr<opt::Solver> make_solver(const OptimizeArgs& args, const opt::Problem& problem) {
  return opt::make_solver(
      args.solver, problem,
      args.population.empty() ? 0 : parse_count(args.population, "--population"));
}

struct Outcome {
  opt::Result best;
  std::string first_failure;
  std::size_t starts = 0;  // ensembles only
  std::size_t best_run = 0;
  bool interrupted = false;
};

nlohmann::json to_json(const OptimizeArgs& args, const opt::Problem& problem, const Outcome& o,
                       const RunInfo& run) {
  nlohmann::json j{{"solver", args.solver},
                   {"objective", describe_objective(args)},
                   {"dim", problem.dim()},
                   {"sense", problem.sense == opt::Sense::maximize ? "maximize" : "minimize"},
                   {"bounds", {{"lower", problem.bounds.lower}, {"upper", problem.bounds.upper}}},
                   {"best", {{"x", o.best.x}, {"value", o.best.value}}},
                   {"evaluations", o.best.evaluations},
                   {"generations", o.best.generations},
                   {"failures", o.best.failures},
                   {"termination", o.best.termination}};
  if (args.library.empty() && args.command.empty()) j["model"] = args.model;
  if (args.vtr) j["vtr"] = *args.vtr;
  if (o.starts > 0) {
    j["nested"] = args.nested;
    j["starts"] = o.starts;
    j["best_run"] = o.best_run;
  }
  add_run(j, "optimize", run, args.seed);
  return j;
}

void print_human(const OptimizeArgs& args, const opt::Problem& problem, const Outcome& o,
                 const RunInfo& run) {
  std::printf("pardo optimize: %s", args.solver.c_str());
  if (o.starts > 0) std::printf(" (%zu %s runs)", o.starts, args.nested.c_str());
  std::printf(" %s %s in %zu dimension%s, %zu worker%s (%s), seed %llu\n",
              problem.sense == opt::Sense::maximize ? "maximising" : "minimising",
              describe_objective(args).c_str(), problem.dim(), problem.dim() == 1 ? "" : "s",
              run.workers, run.workers == 1 ? "" : "s", run.backend.c_str(),
              static_cast<unsigned long long>(args.seed));
  std::printf("  best value %.12g at x = [", o.best.value);
  for (std::size_t j = 0; j < o.best.x.size(); ++j) {
    std::printf("%s%.10g", j == 0 ? "" : ", ", o.best.x[j]);
  }
  std::printf("]\n  stopped by %s after %llu generations, %llu evaluations",
              o.best.termination.c_str(), static_cast<unsigned long long>(o.best.generations),
              static_cast<unsigned long long>(o.best.evaluations));
  if (o.best.failures > 0) {
    std::printf(" (%llu failed)", static_cast<unsigned long long>(o.best.failures));
  }
  std::printf(", in %.3f s\n", run.seconds);
}

template <class E>
Outcome solve_on(E& executor, const OptimizeArgs& args, const opt::Problem& problem,
                 const opt::Objective& f, const RunControl& control, opt::LogMonitor* log) {
  Outcome o;
  const bool ensemble = args.solver == "buckshot" || args.solver == "lattice";
  if (ensemble) {
    const opt::NestedSolver nested = args.nested == "powell"
                                         ? opt::NestedSolver{opt::PowellOptions{}}
                                         : opt::NestedSolver{opt::NelderMeadOptions{}};
    std::vector<std::vector<double>> starts;
    if (args.solver == "buckshot") {
      starts = opt::buckshot_starts(
          problem, args.starts.empty() ? 20 : parse_count(args.starts, "--starts"));
    } else {
      const std::vector<std::size_t> cells(
          problem.dim(), args.starts.empty() ? 3 : parse_count(args.starts, "--starts"));
      starts = opt::lattice_starts(problem.bounds, cells);
    }
    if (control.progress != nullptr)
      control.progress->start_phase("optimizing", "runs", starts.size());
    const opt::EnsembleResult r =
        opt::solve_ensemble(executor, f, problem, starts, nested, stopping_rule(args, problem, 0),
                            MapOptions{.chunksize = 1, .schedule = Schedule::dynamic});
    if (control.progress != nullptr) control.progress->advance(starts.size());
    o.best = r.best;
    o.best.evaluations = r.evaluations;
    o.starts = starts.size();
    o.best_run = r.best_run;
    return o;
  }
  std::unique_ptr<opt::Solver> solver = make_solver(args, problem);
  const opt::Termination stop = stopping_rule(args, problem, opt::population_of(*solver));
  CliMonitor monitor(control);
  if (log != nullptr) solver->add_monitor(*log);
  if (args.failure_penalty) solver->set_failure_penalty(*args.failure_penalty);
  std::optional<CheckpointMonitor> keeper;
  if (control.checkpoint != nullptr) {
    const std::uint32_t section = control.checkpoint->open_section("optimizer");
    if (auto saved = control.checkpoint->restore<std::string>(section, 0)) {
      solver->restore_from_bytes(*saved, args.backend.checkpoint.resume);
      if (!args.quiet && !args.json) {
        std::fprintf(stderr, "pardo optimize: note: resuming from %s at generation %llu\n",
                     args.backend.checkpoint.resume.c_str(),
                     static_cast<unsigned long long>(solver->status().generation));
      }
    }
    solver->add_monitor(
        keeper.emplace(*control.checkpoint, *solver, section, args.backend.checkpoint.every));
  }
  solver->add_monitor(monitor);
  if (control.progress != nullptr) {
    control.progress->start_phase("optimizing", "evaluations",
                                  parse_count(args.max_evaluations, "--max-evaluations"));
  }
  try {
    o.best = solver->solve(executor, f, stop);
  } catch (const Interrupted&) {
    o.best = solver->result();
    o.best.termination = "interrupted";
    o.interrupted = true;
  }
  if (keeper) keeper->keep();
  o.first_failure = monitor.first_failure;
  return o;
}

int run_optimize(OptimizeArgs args) {
  if (const int code = check_backend(args.backend, "optimize"); code != 0) return code;
  const std::vector<std::string> solvers{"nelder-mead", "powell",   "de",     "pso",
                                         "cmaes",       "buckshot", "lattice"};
  if (std::find(solvers.begin(), solvers.end(), args.solver) == solvers.end()) {
    return fail("--solver: unknown solver '" + args.solver +
                "' (nelder-mead, powell, de, pso, cmaes, buckshot or lattice)");
  }
  if (args.nested != "powell" && args.nested != "nelder-mead") {
    return fail("--nested: unknown solver '" + args.nested + "' (powell or nelder-mead)");
  }
  const bool ensemble = args.solver == "buckshot" || args.solver == "lattice";
  if (!ensemble && !args.starts.empty()) {
    return fail("--starts applies to --solver buckshot or lattice, not " + args.solver);
  }
  if (ensemble && !args.log.empty()) {
    return fail("--log follows one solver's generations; --solver " + args.solver +
                " runs many (log a single solver instead)");
  }
  const CheckpointArgs& checkpoint = args.backend.checkpoint;
  if (ensemble && (!checkpoint.file.empty() || !checkpoint.resume.empty())) {
    return fail("--checkpoint and --resume keep one solver's state; --solver " + args.solver +
                " runs many (checkpoint a single solver instead)");
  }
  if (!args.population.empty() &&
      (args.solver == "nelder-mead" || args.solver == "powell" || ensemble)) {
    return fail("--population applies to --solver de, pso or cmaes, not " + args.solver);
  }
  if (!(args.time_limit >= 0) || !std::isfinite(args.time_limit)) {
    return fail("--time-limit " + format_number(args.time_limit) + ": must be >= 0 (0: none)");
  }
  if (!(args.evaluation_timeout >= 0) || !std::isfinite(args.evaluation_timeout)) {
    return fail("--evaluation-timeout " + format_number(args.evaluation_timeout) +
                ": must be >= 0 (0: none)");
  }
  if (args.vtr && !std::isfinite(*args.vtr)) {
    return fail("--vtr " + format_number(*args.vtr) + ": must be a finite number");
  }
  const bool user = !args.library.empty() || !args.command.empty();
  if (!args.library.empty() && !args.command.empty()) {
    return fail("--objective and --objective-cmd are two objectives: give one");
  }
  if (args.evaluation_timeout > 0 && args.command.empty() && args.backend.backend != "processes") {
    return fail(
        "--evaluation-timeout needs --objective-cmd, or --backend processes (a function "
        "in this process cannot be stopped)");
  }
  opt::Problem problem{.sense = args.maximize ? opt::Sense::maximize : opt::Sense::minimize,
                       .seed = args.seed};
  opt::Objective f;
  try {
    std::size_t dim = parse_count(args.dim, "--dim");
    if (user) {
      if (args.bounds.empty()) return fail("--bounds LO:HI is needed for a user's objective");
      set_user_objective(args.library, args.command, args.evaluation_timeout);
      f = opt::Objective(user_objective);
      if (args.backend.backend == "processes") {
        args.backend.initializer =
            user_objective_initializer(args.library, args.command, args.evaluation_timeout);
      }
    } else {
      const opt::models::Model* model = nullptr;
      for (const auto& m : opt::models::all()) {
        if (m.name == args.model) model = &m;
      }
      if (model == nullptr) {
        std::string names;
        for (const auto& m : opt::models::all())
          names += (names.empty() ? "" : ", ") + std::string(m.name);
        return fail("--model: unknown model '" + args.model + "' (" + names + ")");
      }
      const bool dim_given = args.dim_option != nullptr && args.dim_option->count() > 0;
      if (model->fixed_dim != 0) {
        if (dim_given && dim != model->fixed_dim) {
          return fail("--dim " + std::to_string(dim) + ": " + args.model + " is defined in " +
                      std::to_string(model->fixed_dim) + " dimensions only");
        }
        dim = model->fixed_dim;
      } else if (dim < model->min_dim) {
        return fail("--dim " + std::to_string(dim) + ": " + args.model + " needs at least " +
                    std::to_string(model->min_dim));
      }
      f = opt::Objective(model->function);
      if (args.bounds.empty()) problem.bounds = opt::Bounds::cube(dim, model->low, model->high);
    }
    if (!args.bounds.empty()) problem.bounds = parse_bounds(args.bounds, dim);
    // The largest state a solver keeps: CMA-ES's d x d matrices, a population of points
    // (DE's default: 15 d of them, with their trials), or an ensemble's starts and runs.
    const auto d = static_cast<double>(dim);
    require_memory(4 * d * d * 8, "--dim " + args.dim, "the solver's state");
    if (!args.population.empty()) {
      const auto p = static_cast<double>(parse_count(args.population, "--population"));
      require_memory(3 * p * d * 8, "--population " + args.population + " x --dim " + args.dim,
                     "the population");
    } else if (args.solver == "de") {
      require_memory(3 * 15 * d * d * 8, "--dim " + args.dim, "the population (15 x dim)");
    }
    if (!args.starts.empty() && args.solver == "buckshot") {
      const auto starts = static_cast<double>(parse_count(args.starts, "--starts"));
      require_memory(starts * (3 * d * 8 + 256), "--starts " + args.starts + " x --dim " + args.dim,
                     "the runs");
    }
    static_cast<void>(stopping_rule(args, problem, 1));  // its counts, checked before the run
  } catch (const UsageError& e) {
    return fail(e.what());
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
  if (args.backend.backend == "processes") args.backend.task_timeout = args.evaluation_timeout;
  std::unique_ptr<opt::LogMonitor> log;
  if (!args.log.empty()) {
    const bool csv = args.log.size() >= 4 && args.log.compare(args.log.size() - 4, 4, ".csv") == 0;
    try {
      log = std::make_unique<opt::LogMonitor>(
          args.log, csv ? opt::LogFormat::csv : opt::LogFormat::json_lines);
    } catch (const std::runtime_error& e) {
      // "LogMonitor: cannot create PATH: reason", said as this command's option.
      const std::string what = e.what();
      return fail("--log: " + what.substr(what.find("cannot")));
    }
  }
  Outcome outcome;
  RunInfo info;
  const auto started = std::chrono::steady_clock::now();
  const auto run = run_monitored(args.backend, "optimize", args.quiet || args.json,
                                 [&](auto& executor, const RunControl& control) {
                                   info.backend = std::string(executor.backend());
                                   info.workers = executor.size();
                                   outcome =
                                       solve_on(executor, args, problem, f, control, log.get());
                                 });
  if (!run.prints) return run.exit_code;
  info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  info.complete = !outcome.interrupted;
  info.blocks_total = outcome.starts > 0 ? outcome.starts : outcome.best.generations + 1;
  info.blocks_done = info.blocks_total;
  if (args.json) {
    std::cout << to_json(args, problem, outcome, info).dump() << '\n';
  } else {
    print_human(args, problem, outcome, info);
  }
  // Penalties let a run go on past failed evaluations; a run where all failed found nothing.
  if (outcome.best.failures > 0) {
    const bool all = outcome.best.failures == outcome.best.evaluations;
    std::fprintf(stderr,
                 "pardo optimize: %s%llu of %llu evaluations failed and got the penalty "
                 "%g; the first: %s\n",
                 all ? "" : "warning: ", static_cast<unsigned long long>(outcome.best.failures),
                 static_cast<unsigned long long>(outcome.best.evaluations), *args.failure_penalty,
                 outcome.first_failure.c_str());
    if (all) return exit_failure;
  }
  const bool reached =
      !args.vtr || (problem.sense == opt::Sense::maximize ? outcome.best.value >= *args.vtr
                                                          : outcome.best.value <= *args.vtr);
  return finish_run(info, reached);
}

}  // namespace

void add_optimize_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<OptimizeArgs>();
  auto* cmd = app.add_subcommand(
      "optimize",
      "Global or local optimisation of a model or your own objective, evaluated in "
      "parallel");
  cmd->add_option("--model", args->model,
                  "A built-in test model: sphere, rosenbrock, rastrigin, ackley, griewank, "
                  "schwefel, zimmermann, corana, step, peaks")
      ->type_name("NAME")
      ->capture_default_str();
  cmd->add_option("--objective", args->library,
                  "Your C function double SYMBOL(const double* x, size_t d) in a shared library")
      ->type_name("LIB.so:SYMBOL");
  cmd->add_option("--objective-cmd", args->command,
                  "A program run per point, {x} replaced by its coordinates; it prints the value")
      ->type_name("'PROGRAM {x}'");
  args->dim_option = cmd->add_option("-d,--dim", args->dim, "Dimensions")
                         ->type_name("COUNT")
                         ->capture_default_str();
  cmd->add_option("--solver", args->solver,
                  "nelder-mead, powell, de, pso, cmaes, buckshot or lattice")
      ->type_name("NAME")
      ->capture_default_str();
  cmd->add_option("--nested", args->nested,
                  "The solver of each buckshot or lattice run: powell "
                  "or nelder-mead")
      ->type_name("NAME")
      ->capture_default_str();
  cmd->add_option("--starts", args->starts,
                  "Buckshot: random starts (default 20); lattice: cells per axis (default 3)")
      ->type_name("COUNT");
  cmd->add_option("--bounds", args->bounds,
                  "The box: LO:HI for every axis or one LO:HI per axis, comma-separated "
                  "(default: the model's)")
      ->type_name("LO:HI");
  cmd->add_option("--population", args->population,
                  "de, pso, cmaes: points per generation (default: the solver's)")
      ->type_name("COUNT");
  cmd->add_option("--vtr", args->vtr, "Value to reach: stop once the best is at or beyond it")
      ->type_name("FLOAT");
  cmd->add_option("--max-evaluations", args->max_evaluations,
                  "Evaluation budget (per run for buckshot and lattice)")
      ->type_name("COUNT")
      ->capture_default_str();
  cmd->add_option("--max-generations", args->max_generations, "Generation budget")
      ->type_name("COUNT");
  cmd->add_option("--time-limit", args->time_limit, "Stop after this many seconds (0: none)")
      ->type_name("SECONDS")
      ->capture_default_str();
  cmd->add_option("--evaluation-timeout", args->evaluation_timeout,
                  "Kill an evaluation running longer (--objective-cmd, or --backend processes)")
      ->type_name("SECONDS")
      ->capture_default_str();
  cmd->add_option("--failure-penalty", args->failure_penalty,
                  "The value of a point whose evaluation failed (default: the worst, +inf or "
                  "-inf)")
      ->type_name("FLOAT");
  cmd->add_flag("--maximize", args->maximize, "Look for the largest value");
  cmd->add_option("--log", args->log, "Write each generation to FILE (.csv, else JSON lines)")
      ->type_name("FILE");
  add_seed_option(*cmd, args->seed);
  add_backend_options(*cmd, args->backend);
  add_checkpoint_options(*cmd, args->backend.checkpoint);
  add_output_option(*cmd, args->output);
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([&exit_code, args] {
    accept_stop_requests();
    if (!args->failure_penalty) {
      args->failure_penalty = args->maximize ? -HUGE_VAL : HUGE_VAL;
    }
    exit_code = redirect_output(args->output, "optimize");
    if (exit_code == 0) exit_code = run_optimize(*args);
  });
}

}  // namespace pardo::cli

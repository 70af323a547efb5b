// `pardo integrate`: Monte Carlo integration of a built-in integrand over a box, with error
// bars and the exact value to compare with, on any backend, reproducibly.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <pardo/cuda/integrate.hpp>
#include <pardo/mc/integrate.hpp>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend.hpp"
#include "commands.hpp"
#include "outputs.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

namespace integrands = mc::integrands;

// Far beyond what Monte Carlo integration is used for; it bounds the box's vectors.
constexpr std::size_t max_dim = 10000;

struct IntegrateArgs {
  std::string function = "ball";
  std::size_t dim = 2;
  std::string lower = "-1";
  std::string upper = "1";
  std::string samples = "1e7";
  std::string method = "plain";
  std::string strata = "1024";
  CLI::Option* strata_option = nullptr;
  std::string block = "16384";
  std::string abs_tol;
  std::string rel_tol;
  std::uint64_t seed = 42;
  BackendArgs backend;
  bool json = false;
  std::string output;
  bool quiet = false;
};

struct Builtin {
  const char* name;
  double (*f)(std::span<const double>);
  cuda::Integrand on_gpu;
  const char* formula;
};

constexpr Builtin builtins[] = {
    {"ball", integrands::unit_ball, cuda::Integrand::unit_ball, "1 if |x| <= 1 else 0"},
    {"cross-polytope", integrands::cross_polytope, cuda::Integrand::cross_polytope,
     "1 if sum |x_i| <= 1 else 0"},
    {"gaussian", integrands::gaussian, cuda::Integrand::gaussian, "exp(-|x|^2)"},
    {"cosine", integrands::cosine, cuda::Integrand::cosine, "cos(sum x_i)"},
};

const Builtin* find_builtin(const std::string& name) {
  for (const Builtin& b : builtins) {
    if (name == b.name) return &b;
  }
  return nullptr;
}

double parse_number(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) {
    throw UsageError(option + ": '" + text + "' is not a number");
  }
  if (!std::isfinite(value)) throw UsageError(option + ": '" + text + "' is not finite");
  return value;
}

// One number for every axis, or d numbers separated by commas.
std::vector<double> parse_bounds(const std::string& text, std::size_t dim,
                                 const std::string& option) {
  std::vector<double> values;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    values.push_back(parse_number(text.substr(start, comma - start), option));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (values.size() == 1) return std::vector<double>(dim, values.front());
  if (values.size() != dim) {
    throw UsageError(option + ": '" + text + "' has " + std::to_string(values.size()) +
                     " values; give 1 or --dim " + std::to_string(dim));
  }
  return values;
}

std::optional<double> parse_tolerance(const std::string& text, const std::string& option) {
  if (text.empty()) return std::nullopt;
  const double value = parse_number(text, option);
  if (!(value > 0)) throw UsageError(option + ": '" + text + "' must be positive");
  return value;
}

// The library's tests of the box (each lower bound below its upper bound, a finite volume),
// naming the options.
void check_box(const IntegrateArgs& args, const mc::Box& box) {
  double volume = 1;
  for (std::size_t i = 0; i < box.dim(); ++i) {
    volume *= box.upper[i] - box.lower[i];
    if (box.lower[i] < box.upper[i]) continue;
    std::string message = "--lower " + args.lower + " is not below --upper " + args.upper;
    const bool per_axis =
        args.lower.find(',') != std::string::npos || args.upper.find(',') != std::string::npos;
    if (per_axis) {
      message += " on axis " + std::to_string(i + 1) + " (" + format_number(box.lower[i]) +
                 " >= " + format_number(box.upper[i]) + ")";
    }
    throw UsageError(message);
  }
  if (!std::isfinite(volume) || !(volume > 0)) {
    throw UsageError("--lower " + args.lower + " and --upper " + args.upper +
                     ": the box's volume is " + format_number(volume) +
                     "; it must be finite and positive");
  }
}

bool holds_unit_cube(const mc::Box& box) {
  for (std::size_t i = 0; i < box.dim(); ++i) {
    if (box.lower[i] > -1 || box.upper[i] < 1) return false;
  }
  return true;
}

// The exact integral where it is known: the balls over boxes that hold them, the smooth
// integrands over any box.
std::optional<double> exact_value(const std::string& function, const mc::Box& box) {
  if (function == "gaussian") return integrands::gaussian_integral(box);
  if (function == "cosine") return integrands::cosine_integral(box);
  if (!holds_unit_cube(box)) return std::nullopt;
  if (function == "ball") return integrands::unit_ball_volume(box.dim());
  return integrands::cross_polytope_volume(box.dim());
}

std::string describe_box(const mc::Box& box) {
  bool cube = true;
  for (std::size_t i = 1; i < box.dim(); ++i) {
    cube = cube && box.lower[i] == box.lower[0] && box.upper[i] == box.upper[0];
  }
  const auto interval = [](double a, double b) {
    char text[64];
    std::snprintf(text, sizeof text, "[%g, %g]", a, b);
    return std::string(text);
  };
  if (cube) return interval(box.lower[0], box.upper[0]) + "^" + std::to_string(box.dim());
  std::string text;
  for (std::size_t i = 0; i < box.dim(); ++i) {
    if (i > 0) text += " x ";
    text += interval(box.lower[i], box.upper[i]);
  }
  return text;
}

struct Run {
  mc::Box box;
  mc::IntegrateOptions options;
  std::optional<double> exact;
  mc::IntegrateResult result;
};

void print_human(const Builtin& builtin, const Run& run) {
  const mc::IntegrateResult& r = run.result;
  std::printf("pardo integrate: %s = %s over %s, %s, %zu worker%s (%s), seed %llu\n", builtin.name,
              builtin.formula, describe_box(run.box).c_str(),
              std::string(mc::to_string(run.options.method)).c_str(), r.run.workers,
              r.run.workers == 1 ? "" : "s", r.run.backend.c_str(),
              static_cast<unsigned long long>(run.options.seed));
  print_interrupted(r.run);
  std::printf("  estimate      %.12g\n", r.estimate);
  std::printf("  std error     %.3g\n", r.std_error);
  std::printf("  95%% interval  [%.12g, %.12g]\n", r.interval.low, r.interval.high);
  if (run.exact) {
    const double error = r.estimate - *run.exact;
    std::printf("  exact         %.12g  (error %.3g, %.2f std errors)\n", *run.exact, error,
                r.std_error > 0 ? error / r.std_error : 0.0);
  } else {
    std::printf("  exact         unknown for this box\n");
  }
  std::printf("  samples       %llu in %llu of %llu blocks, %llu strat%s\n",
              static_cast<unsigned long long>(r.samples),
              static_cast<unsigned long long>(r.run.blocks_done),
              static_cast<unsigned long long>(r.run.blocks_total),
              static_cast<unsigned long long>(r.strata), r.strata == 1 ? "um" : "a");
  if (run.options.abs_tol || run.options.rel_tol) {
    std::printf("  tolerance     %s after %llu round%s\n",
                r.tolerance_met ? "met" : "not met: the sample budget is spent",
                static_cast<unsigned long long>(r.rounds), r.rounds == 1 ? "" : "s");
  }
  if (!r.warning.empty()) std::printf("  warning       %s\n", r.warning.c_str());
  std::printf("  time          %.3f s\n", r.run.seconds);
}

nlohmann::json to_json(const IntegrateArgs& args, const Run& run) {
  const mc::IntegrateResult& r = run.result;
  const auto optional = [](const std::optional<double>& x) {
    return x ? nlohmann::json(*x) : nlohmann::json(nullptr);
  };
  nlohmann::json j{{"function", args.function},
                   {"dim", run.box.dim()},
                   {"lower", run.box.lower},
                   {"upper", run.box.upper},
                   {"method", std::string(mc::to_string(run.options.method))},
                   {"estimate", r.estimate},
                   {"std_error", r.std_error},
                   {"interval", interval_json(r.interval.low, r.interval.high, 0.95)},
                   {"exact", optional(run.exact)},
                   {"abs_error", run.exact ? nlohmann::json(std::abs(r.estimate - *run.exact))
                                           : nlohmann::json(nullptr)},
                   {"samples", r.samples},
                   {"strata", r.strata},
                   {"block_samples", run.options.block_samples},
                   {"rounds", r.rounds},
                   {"abs_tol", optional(run.options.abs_tol)},
                   {"rel_tol", optional(run.options.rel_tol)},
                   {"tolerance_met", r.tolerance_met},
                   {"warning", r.warning}};
  add_run(j, "integrate", r.run, run.options.seed);
  return j;
}

int run_integrate(const IntegrateArgs& args) {
  const Builtin* builtin = find_builtin(args.function);
  if (builtin == nullptr) {
    std::fprintf(stderr,
                 "pardo integrate: --function: unknown integrand '%s' (ball, cross-polytope, "
                 "gaussian or cosine)\n",
                 args.function.c_str());
    return 2;
  }
  Run run;
  try {
    if (args.dim == 0) throw UsageError("--dim: '0' must be positive");
    run.box = {parse_bounds(args.lower, args.dim, "--lower"),
               parse_bounds(args.upper, args.dim, "--upper")};
    check_box(args, run.box);
    run.options.samples = parse_count(args.samples, "--samples");
    run.options.strata = parse_count(args.strata, "--strata");
    run.options.block_samples = parse_count(args.block, "--block-size");
    run.options.abs_tol = parse_tolerance(args.abs_tol, "--abs-tol");
    run.options.rel_tol = parse_tolerance(args.rel_tol, "--rel-tol");
    const auto method = mc::parse_integration_method(args.method);
    if (!method) {
      throw UsageError("--method: unknown method '" + args.method + "' (plain or stratified)");
    }
    run.options.method = *method;
    if (*method != mc::IntegrationMethod::stratified && args.strata_option->count() > 0) {
      throw UsageError("--strata " + args.strata + " does not apply to --method " + args.method +
                       " (only to --method stratified)");
    }
    run.options.seed = args.seed;
    // The library's own checks (bounds in order, a finite volume, two samples) come first.
    (void)mc::integration_blocks(run.box, run.options);
    run.exact = exact_value(args.function, run.box);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "pardo integrate: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "pardo integrate: %s\n", e.what());
    return 2;
  }
  const bool gpu = args.backend.backend == "cuda";
  if (const int code = check_backend(args.backend, "integrate", true); code != 0) return code;

  if (gpu) {
    Progress progress;
    RunMonitor monitor(progress, args.quiet || args.json);
    run.result = cuda::integrate(builtin->on_gpu, run.box, run.options,
                                 RunControl{.stop = monitor.stop_token(), .progress = &progress});
  } else {
    const mc::ScalarIntegrand f(builtin->f);
    const auto monitored =
        run_monitored(args.backend, "integrate", args.quiet || args.json,
                      [&](auto& executor, const RunControl& control) {
                        run.result = mc::integrate(executor, f, run.box, run.options, control);
                      });
    if (!monitored.prints) return monitored.exit_code;
  }
  if (args.json) {
    std::cout << to_json(args, run).dump() << '\n';
  } else {
    print_human(*builtin, run);
  }
  const bool adaptive = run.options.abs_tol || run.options.rel_tol;
  return finish_run(run.result.run, !adaptive || run.result.tolerance_met);
}

}  // namespace

void add_integrate_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<IntegrateArgs>();
  auto* cmd = app.add_subcommand(
      "integrate", "Integrate a built-in function over a box by Monte Carlo, with error bars");
  cmd->add_option("-f,--function", args->function, "ball, cross-polytope, gaussian or cosine")
      ->type_name("FUNCTION")
      ->capture_default_str();
  cmd->add_option("-d,--dim", args->dim, "Dimensions")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, max_dim));
  cmd->add_option("--lower", args->lower, "Lower bound: one for every axis, or d with commas")
      ->type_name("FLOAT[,FLOAT...]")
      ->capture_default_str();
  cmd->add_option("--upper", args->upper, "Upper bound: one for every axis, or d with commas")
      ->type_name("FLOAT[,FLOAT...]")
      ->capture_default_str();
  cmd->add_option("--samples", args->samples,
                  "Samples: 1e8, 100M; with a tolerance, the most to draw")
      ->type_name("COUNT")
      ->capture_default_str();
  cmd->add_option("-m,--method", args->method, "plain or stratified")
      ->type_name("METHOD")
      ->capture_default_str();
  args->strata_option =
      cmd->add_option("--strata", args->strata, "Most cells of the stratified grid")
          ->type_name("COUNT")
          ->capture_default_str();
  cmd->add_option("--block-size", args->block, "Samples per block (fixes the streams)")
      ->type_name("COUNT")
      ->capture_default_str();
  cmd->add_option("--abs-tol", args->abs_tol, "Stop once the 95% half-width is below this")
      ->type_name("FLOAT");
  cmd->add_option("--rel-tol", args->rel_tol,
                  "Stop once the 95% half-width is below this times |estimate|")
      ->type_name("FLOAT");
  add_seed_option(*cmd, args->seed);
  add_backend_options(*cmd, args->backend);
  cmd->get_option("--backend")
      ->description("serial, threads, processes, mpi (under mpirun) or cuda (a GPU, if built in)");
  add_checkpoint_options(*cmd, args->backend.checkpoint);
  add_output_option(*cmd, args->output);
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = redirect_output(args->output, "integrate");
    if (exit_code == 0) exit_code = run_integrate(*args);
  });
}

}  // namespace pardo::cli

// `pardo scale --workers 1,2,4 [--weak OPTION] -- COMMAND ARGS...`: runs a workload command at
// each worker count (repetitions interleaved, so a slow phase of a shared machine is spread
// over all counts), prints medians, spread, speed-up and efficiency, fits Amdahl's law (strong
// scaling) or Gustafson's (weak), and draws both with matplotlib.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pardo/core/scaling.hpp>
#include <pardo/core/workers.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "backend.hpp"
#include "child.hpp"
#include "commands.hpp"
#include "outputs.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

struct ScaleArgs {
  std::vector<std::size_t> workers;
  std::size_t repetitions = 3;
  std::string weak;  ///< the option that grows with the workers; empty: strong scaling
  bool json = false;
  std::string plot;
  std::vector<std::string> command;
};

/// The Python that draws plots: the one the build found, unless PARDO_PYTHON says another.
#ifdef PARDO_PYTHON
constexpr const char* default_python = PARDO_PYTHON;
#else
constexpr const char* default_python = "python3";
#endif

/// The commands that run a workload on a pool: each takes --workers, -q and --json.
const std::set<std::string> scalable{"pi",  "integrate", "bootstrap", "permtest",   "power",
                                     "fit", "mcmc",      "laplace",   "mandelbrot", "optimize"};

/// 1, 2, 4, ... up to the default worker count, and that count itself.
std::vector<std::size_t> default_counts() {
  std::vector<std::size_t> counts;
  const std::size_t most = default_workers();
  for (std::size_t p = 1; p < most; p *= 2) counts.push_back(p);
  counts.push_back(most);
  return counts;
}

bool names_option(const std::string& arg, std::string_view option) {
  return arg == option || (arg.rfind(std::string(option) + "=", 0) == 0 && option.size() > 2);
}

void check_command(const ScaleArgs& args) {
  const std::string& name = args.command.front();
  if (!scalable.contains(name)) {
    std::string list;
    for (const auto& s : scalable) list += (list.empty() ? "" : ", ") + s;
    throw UsageError("'" + name + "' is not a workload command to scale (one of " + list + ")");
  }
  for (const std::string& arg : args.command) {
    for (std::string_view own :
         {"-w", "--workers", "--json", "-q", "--quiet", "-o", "--output", "--trace", "--profile"}) {
      if (names_option(arg, own)) {
        throw UsageError(std::string(own) + " in the command: scale sets each run's workers, " +
                         "--json and -q, and reads its output itself");
      }
    }
  }
}

/// The command for `workers`: the user's, with the weak option's value times `workers`.
std::vector<std::string> command_for(const ScaleArgs& args, std::size_t workers) {
  std::vector<std::string> argv = args.command;
  if (!args.weak.empty()) {
    const std::string option = "--" + args.weak;
    bool found = false;
    for (std::size_t i = 1; i < argv.size(); ++i) {
      std::string* value = nullptr;
      std::string prefix;
      if (argv[i] == option && i + 1 < argv.size()) {
        value = &argv[i + 1];
      } else if (argv[i].rfind(option + "=", 0) == 0) {
        prefix = option + "=";
        value = &argv[i];
      } else {
        continue;
      }
      const std::string text = value->substr(prefix.size());
      char* end = nullptr;
      errno = 0;
      const double base = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || *end != '\0' || errno != 0 || !(base > 0)) {
        throw UsageError("--weak " + args.weak + ": " + option + " " + text +
                         " is not a positive number to multiply by the workers");
      }
      const double grown = base * static_cast<double>(workers);
      char out[64];
      std::snprintf(out, sizeof out, grown == std::floor(grown) && grown < 9e18 ? "%.0f" : "%.17g",
                    grown);
      *value = prefix + out;
      found = true;
      break;
    }
    if (!found) {
      throw UsageError("--weak " + args.weak + ": the command has no " + option +
                       " to grow with the workers");
    }
  }
  argv.push_back("--workers");
  argv.push_back(std::to_string(workers));
  argv.push_back("-q");
  argv.push_back("--json");
  return argv;
}

std::string quoted(const std::vector<std::string>& argv) {
  std::string text = "pardo";
  for (const auto& a : argv) text += " " + a;
  return text;
}

/// The run's time: "run.seconds" of its JSON (the workload alone, without start-up and
/// reading input), or the process's wall time where the command reports none.
double seconds_of(const ChildRun& run) {
  try {
    const auto j = nlohmann::json::parse(run.out);
    if (j.contains("run") && j["run"].contains("seconds")) return j["run"]["seconds"].get<double>();
  } catch (const nlohmann::json::exception&) {
    // Not JSON: the wall time below.
  }
  return run.wall_seconds;
}

/// Where the plotting script is: beside this program in the build tree, or in
/// share/pardo of its installation.
std::filesystem::path plot_script() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  for (const auto& candidate :
       {self / "plot_scaling.py", self / ".." / "share" / "pardo" / "plot_scaling.py"}) {
    if (std::filesystem::exists(candidate, ec)) return candidate;
  }
  throw std::runtime_error("--plot: plot_scaling.py is neither beside " + self.string() +
                           " nor in ../share/pardo");
}

int draw(const nlohmann::json& study, const std::string& png) {
  const auto data = std::filesystem::temp_directory_path() /
                    ("pardo-scale-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(data);
    out << study.dump() << '\n';
    if (!out) throw std::runtime_error("--plot: cannot write " + data.string());
  }
  const char* python = std::getenv("PARDO_PYTHON");
  const std::string command = std::string(python != nullptr ? python : default_python) + " '" +
                              plot_script().string() + "' '" + data.string() + "' '" + png + "'";
  const int status = std::system(command.c_str());
  std::filesystem::remove(data);
  if (status != 0) {
    std::fprintf(stderr,
                 "pardo scale: --plot %s: the plotting script failed (it needs python3 "
                 "with matplotlib)\n",
                 png.c_str());
    return exit_failure;
  }
  return exit_success;
}

int run_scale(const ScaleArgs& args) {
  check_command(args);
  if (const int code = prepare_save(args.plot, "--plot", "scale"); code != 0) return code;
  const std::vector<std::size_t> counts = args.workers.empty() ? default_counts() : args.workers;
  std::vector<std::vector<double>> times(counts.size());
  // Repetitions outermost: each round visits every count once.
  for (std::size_t rep = 0; rep < args.repetitions; ++rep) {
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const auto argv = command_for(args, counts[i]);
      std::vector<std::string> child{"pardo"};
      child.insert(child.end(), argv.begin(), argv.end());
      const ChildRun run = run_child("/proc/self/exe", child);
      if (run.exit_code == exit_interrupted || stop_requested()) {
        std::fprintf(stderr, "pardo scale: interrupted at %zu workers, round %zu of %zu\n",
                     counts[i], rep + 1, args.repetitions);
        return exit_interrupted;
      }
      // 1: ran to the end without reaching a target, a time all the same.
      if (run.exit_code != exit_success && run.exit_code != exit_not_reached) {
        std::fprintf(stderr, "pardo scale: `%s` exited %d\n", quoted(argv).c_str(), run.exit_code);
        return run.exit_code == exit_usage ? exit_usage : exit_failure;
      }
      times[i].push_back(seconds_of(run));
    }
  }
  std::vector<scaling::Point> points;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    auto& t = times[i];
    std::sort(t.begin(), t.end());
    const std::size_t n = t.size();
    const double median = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    points.push_back({counts[i], median, t.front(), t.back()});
  }
  const scaling::Mode mode = args.weak.empty() ? scaling::Mode::strong : scaling::Mode::weak;
  const std::vector<double> speedup = scaling::speedups(points, mode);
  // More workers than CPUs share them: those points measure oversubscription, not the
  // serial fraction, and stay out of the fit (unless no point is left).
  const std::size_t cpus = default_workers();
  std::vector<scaling::Point> fitted_points;
  for (const auto& point : points) {
    if (point.workers <= cpus) fitted_points.push_back(point);
  }
  if (fitted_points.empty()) fitted_points = points;
  if (fitted_points.size() < points.size() && !args.json) {
    std::fprintf(stderr,
                 "pardo scale: note: counts above %zu (the CPUs this process may use) share "
                 "CPUs; the fit leaves them out\n",
                 cpus);
  }
  const scaling::Fit fit = mode == scaling::Mode::strong ? scaling::fit_amdahl(fitted_points)
                                                         : scaling::fit_gustafson(fitted_points);
  const auto law = [&](double p) {
    return mode == scaling::Mode::strong ? scaling::amdahl(fit.serial_fraction, p)
                                         : scaling::gustafson(fit.serial_fraction, p);
  };

  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto p = static_cast<double>(points[i].workers);
    rows.push_back(
        {{"workers", points[i].workers},
         {"seconds",
          {{"median", points[i].seconds},
           {"min", points[i].min_seconds},
           {"max", points[i].max_seconds}}},
         {"speedup", speedup[i]},
         {"efficiency", speedup[i] / p},
         {"fitted_speedup", law(p)},
         {"in_fit", fitted_points.size() == points.size() || points[i].workers <= cpus}});
  }
  nlohmann::json study{
      {"pardo", provenance("scale")},
      {"command", args.command},
      {"mode", mode == scaling::Mode::strong ? "strong" : "weak"},
      {"weak_option", args.weak.empty() ? nlohmann::json(nullptr) : nlohmann::json(args.weak)},
      {"repetitions", args.repetitions},
      {"points", rows},
      {"fit",
       {{"law", mode == scaling::Mode::strong ? "amdahl" : "gustafson"},
        {"serial_fraction", fit.serial_fraction},
        {"rms_error", fit.rms_error}}}};
  if (args.json) {
    std::cout << study.dump() << '\n';
  } else {
    std::printf("%-8s %11s %17s %9s %11s %8s\n", "workers", "median (s)", "min - max (s)",
                mode == scaling::Mode::strong ? "speed-up" : "scaled", "efficiency", "fitted");
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto p = static_cast<double>(points[i].workers);
      std::printf("%-8zu %11.4g %8.4g - %6.4g %8.2fx %10.0f%% %7.2fx\n", points[i].workers,
                  points[i].seconds, points[i].min_seconds, points[i].max_seconds, speedup[i],
                  100 * speedup[i] / p, law(p));
    }
    if (mode == scaling::Mode::strong) {
      std::printf("Amdahl's law: serial fraction %.3g (rms error %.2g)", fit.serial_fraction,
                  fit.rms_error);
      if (fit.serial_fraction > 0) {
        std::printf(": at most %.3gx on any number of workers", 1 / fit.serial_fraction);
      }
      std::printf("\n");
    } else {
      std::printf("Gustafson's law: serial fraction %.3g (rms error %.2g)\n", fit.serial_fraction,
                  fit.rms_error);
    }
  }
  std::fflush(stdout);
  return args.plot.empty() ? exit_success : draw(study, args.plot);
}

}  // namespace

void add_scale_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScaleArgs>();
  auto* scale = app.add_subcommand(
      "scale",
      "Run a workload command at several worker counts: speed-up, efficiency, Amdahl's "
      "or Gustafson's law, a plot");
  scale
      ->add_option("-w,--workers", args->workers,
                   "Worker counts to run (default 1, 2, 4, ... up to the CPUs this process may "
                   "use)")
      ->type_name("COUNT,...")
      ->delimiter(',')
      ->check(CLI::Range(std::size_t{1}, max_workers()));
  scale
      ->add_option("--repetitions", args->repetitions,
                   "Runs at each count, interleaved: the table shows the median and the spread")
      ->type_name("COUNT")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  scale
      ->add_option("--weak", args->weak,
                   "Weak scaling: multiply the command's --OPTION by the worker count "
                   "(--weak samples), and fit Gustafson's law")
      ->type_name("OPTION");
  scale->add_flag("--json", args->json, "Print one JSON object");
  scale
      ->add_option("--plot", args->plot,
                   "Draw speed-up and efficiency against workers, with the ideal and the fitted "
                   "law, to FILE.png (python3 and matplotlib)")
      ->type_name("FILE");
  scale->callback([&exit_code, args] {
    args->command = trailing_command();
    if (args->command.empty()) {
      throw UsageError("name the command to scale after --: pardo scale -- pi --samples 1e9");
    }
    accept_stop_requests();
    exit_code = run_scale(*args);
  });
}

}  // namespace pardo::cli

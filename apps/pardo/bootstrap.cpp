// `pardo bootstrap`: a bootstrap confidence interval for a statistic of one CSV column, or of
// two columns whose rows are resampled together (the correlation).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <pardo/core/errors.hpp>
#include <pardo/cuda/bootstrap.hpp>
#include <pardo/stats/bootstrap.hpp>
#include <pardo/stats/descriptive.hpp>
#include <span>
#include <string>

#include "backend.hpp"
#include "commands.hpp"
#include "outputs.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "table.hpp"

namespace pardo::cli {

namespace {

using StatisticFn = double (*)(std::span<const double>);
using TableStatisticFn = double (*)(const stats::Columns&);

struct BootstrapArgs {
  std::string file;
  std::string column = "0";
  std::string columns;
  std::string statistic = "mean";
  std::string resamples = "9999";
  std::string block = "128";
  std::string jackknife_groups = "auto";
  double level = 0.95;
  std::string method = "bca";
  std::uint64_t seed = 42;
  TableOptions table;
  BackendArgs backend;
  bool json = false;
  std::string output;
  std::string save_distribution;
  bool quiet = false;
  bool distribution = false;
};

StatisticFn find_statistic(const std::string& name) {
  if (name == "mean") return stats::mean;
  if (name == "median") return stats::median;
  if (name == "std") return stats::std_dev;
  if (name == "var") return stats::variance;
  return nullptr;
}

// The statistic named as the GPU's bootstrap takes it: one of those find_statistic and
// find_table_statistic know.
cuda::BootstrapStatistic gpu_statistic(const std::string& name) {
  if (name == "std") return cuda::BootstrapStatistic::std_dev;
  if (name == "var") return cuda::BootstrapStatistic::variance;
  if (name == "pearson") return cuda::BootstrapStatistic::pearson;
  if (name == "median") return cuda::BootstrapStatistic::median;
  return cuda::BootstrapStatistic::mean;
}

TableStatisticFn find_table_statistic(const std::string& name) {
  if (name == "pearson") return stats::pearson;
  return nullptr;
}

/// "x,y" as its two names (or indices).
std::vector<std::string> two_columns(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  for (std::size_t comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1) {
    names.push_back(list.substr(start, comma - start));
  }
  names.push_back(list.substr(start));
  if (names.size() != 2) {
    throw UsageError("--columns '" + list + "': pearson needs two columns, as --columns x,y");
  }
  return names;
}

void print_human(const BootstrapArgs& args, std::size_t rows, const stats::BootstrapResult& r) {
  std::printf("pardo bootstrap: %s of %zu rows, %s interval, %llu resamples, %zu worker%s (%s)\n",
              args.statistic.c_str(), rows, args.method.c_str(),
              static_cast<unsigned long long>(r.resamples), r.run.workers,
              r.run.workers == 1 ? "" : "s", r.run.backend.c_str());
  print_interrupted(r.run);
  std::printf("  estimate      %.10g\n", r.estimate);
  std::printf("  std error     %.4g\n", r.std_error);
  std::printf("  bias          %.4g\n", r.bias);
  if (r.note.empty()) {
    std::printf("  %g%% interval  [%.10g, %.10g]\n", 100 * r.interval.level, r.interval.low,
                r.interval.high);
  } else {
    std::printf("  %g%% interval  none: %s\n", 100 * r.interval.level, r.note.c_str());
  }
  std::printf("  time          %.3f s\n", r.run.seconds);
}

int run_bootstrap(const BootstrapArgs& args) {
  const auto fail = [](const std::string& message) {
    std::fprintf(stderr, "pardo bootstrap: %s\n", message.c_str());
    return 2;
  };
  if (const int code = check_backend(args.backend, "bootstrap", true); code != 0) return code;
  const bool gpu = args.backend.backend == "cuda";
  const StatisticFn statistic = find_statistic(args.statistic);
  const TableStatisticFn table_statistic = find_table_statistic(args.statistic);
  if (statistic == nullptr && table_statistic == nullptr) {
    return fail("--statistic: unknown statistic '" + args.statistic +
                "' (mean, median, std, var or pearson)");
  }
  if (table_statistic == nullptr && !args.columns.empty()) {
    return fail("--columns is for pearson; " + args.statistic + " takes one --column");
  }
  if (table_statistic != nullptr && args.columns.empty()) {
    return fail("--statistic pearson needs two columns, as --columns x,y");
  }
  const auto method = stats::parse_bootstrap_method(args.method);
  if (!method) {
    return fail("--method: unknown method '" + args.method + "' (percentile, basic or bca)");
  }
  stats::BootstrapOptions options{
      .level = args.level,
      .method = *method,
      .seed = args.seed,
      .keep_distribution = args.distribution || !args.save_distribution.empty()};
  // One column, or two stacked: the rows of a Columns view.
  std::vector<double> data;
  std::size_t width = 1;
  try {
    options.resamples = parse_count(args.resamples, "--resamples");
    // stats::validate's test: the distribution and its sorted copy.
    require_memory(2.0 * static_cast<double>(options.resamples) * sizeof(double),
                   "--resamples " + args.resamples, "every resample's statistic, twice");
    options.block_resamples = parse_count(args.block, "--block-size");
    if (args.jackknife_groups == "full") {
      options.jackknife_groups = std::numeric_limits<std::uint64_t>::max();
    } else if (args.jackknife_groups != "auto" && args.jackknife_groups != "0") {
      options.jackknife_groups = parse_count(args.jackknife_groups, "--jackknife-groups");
      if (options.jackknife_groups < 2) {
        return fail("--jackknife-groups 1: at least 2 groups are needed (or auto, or full)");
      }
    }
    if (!(args.level > 0 && args.level < 1)) {
      return fail("--level " + pardo::format_number(args.level) + " is outside (0, 1)");
    }
    const stats::Dataset table = read_table(args.file, args.table);
    if (table_statistic == nullptr) {
      data = find_column(table, args.column, "--column");
    } else {
      const std::vector<std::string> names = two_columns(args.columns);
      data = stats::stack_columns(
          {find_column(table, names[0], "--columns"), find_column(table, names[1], "--columns")});
      width = 2;
    }
  } catch (const UsageError& e) {
    return fail(e.what());
  }
  const stats::Columns rows(data, width);
  stats::BootstrapResult result;
  if (gpu) {
    Progress progress;
    RunMonitor monitor(progress, args.quiet || args.json);
    result = cuda::bootstrap(rows, gpu_statistic(args.statistic), options,
                             RunControl{.stop = monitor.stop_token(), .progress = &progress});
  } else {
    const auto run = run_monitored(
        args.backend, "bootstrap", args.quiet || args.json,
        [&](auto& executor, const RunControl& control) {
          result = table_statistic != nullptr
                       ? stats::bootstrap(executor, rows, table_statistic, options, control)
                       : stats::bootstrap(executor, std::span<const double>(data), statistic,
                                          options, control);
        });
    if (!run.prints) return run.exit_code;
  }
  if (result.run.complete &&
      !(std::isfinite(result.interval.low) && std::isfinite(result.interval.high))) {
    // scipy's DegenerateDataWarning: BCa's bias correction is infinite when no resample's
    // statistic falls on one side of the estimate, and its acceleration undefined when every
    // leave-one-out value is the same (constant or heavily tied data).
    return fail("no " + args.method + " interval: the bootstrap or leave-one-out values of " +
                args.statistic +
                " are degenerate (constant or heavily tied data; scipy warns "
                "DegenerateDataWarning); try --method percentile");
  }
  if (args.json) {
    nlohmann::json j{
        {"statistic", args.statistic},
        {"method", args.method},
        {"column", table_statistic != nullptr ? args.columns : args.column},
        {"rows", rows.rows()},
        {"block_resamples", options.block_resamples},
        {"resamples", result.resamples},
        {"estimate", result.estimate},
        {"std_error", result.std_error},
        {"bias", result.bias},
        {"interval", interval_json(result.interval.low, result.interval.high, options.level)},
        {"bias_correction", result.bias_correction},
        {"acceleration", result.acceleration}};
    j["interval"]["method"] = args.method;
    if (*method == stats::BootstrapMethod::bca) {
      j["jackknife_values"] = stats::jackknife_values(rows.rows(), options);
    }
    if (!result.note.empty()) j["note"] = result.note;
    add_run(j, "bootstrap", result.run, options.seed);
    if (args.distribution) j["distribution"] = result.distribution;
    std::cout << j.dump() << '\n';
  } else {
    print_human(args, rows.rows(), result);
  }
  if (!args.save_distribution.empty()) {
    const int code = save_table(args.save_distribution,
                                {.names = {args.statistic}, .values = result.distribution},
                                "--save-distribution", "bootstrap");
    if (code != 0) return code;
  }
  return finish_run(result.run);
}

}  // namespace

void add_bootstrap_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BootstrapArgs>();
  auto* cmd = app.add_subcommand(
      "bootstrap",
      "Bootstrap confidence interval for a statistic of a CSV column or two ('-': stdin)");
  cmd->add_option("file", args->file, "CSV or .npy file of numbers, '-' for stdin")
      ->type_name("FILE")
      ->required();
  add_table_options(*cmd, args->table);
  cmd->add_option("-c,--column", args->column, "Column name or 0-based index")
      ->type_name("COLUMN")
      ->capture_default_str();
  cmd->add_option("--columns", args->columns,
                  "Two columns whose rows are resampled together, for pearson: x,y")
      ->type_name("COLUMN,COLUMN");
  cmd->add_option("--statistic", args->statistic,
                  "mean, median, std, var (of --column) or pearson (of --columns)")
      ->type_name("STATISTIC")
      ->capture_default_str();
  cmd->add_option("--resamples", args->resamples, "Bootstrap resamples: 9999, 1e5")
      ->type_name("COUNT")
      ->capture_default_str();
  cmd->add_option("-l,--level", args->level, "Confidence level in (0, 1)")
      ->type_name("FLOAT")
      ->capture_default_str();
  cmd->add_option("-m,--method", args->method, "percentile, basic or bca")
      ->type_name("METHOD")
      ->capture_default_str();
  add_seed_option(*cmd, args->seed);
  cmd->add_option("--block-size", args->block, "Resamples per block (fixes the streams)")
      ->type_name("COUNT")
      ->capture_default_str();
  cmd->add_option("--jackknife-groups", args->jackknife_groups,
                  "BCa's acceleration from this many leave-group-out values: auto (0; the "
                  "full jackknife up to 2000 rows, 2000 groups above), full, or a count >= 2")
      ->type_name("COUNT")
      ->capture_default_str();
  add_backend_options(*cmd, args->backend);
  cmd->get_option("--backend")
      ->description("serial, threads, processes, mpi (under mpirun) or cuda (a GPU, if built in)");
  add_checkpoint_options(*cmd, args->backend.checkpoint);
  add_output_option(*cmd, args->output);
  add_save_option(*cmd, "--save-distribution", args->save_distribution,
                  "Write every resample's statistic, in resample order, to FILE (.npy or CSV)");
  auto* json = cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--distribution", args->distribution,
                "Include the bootstrap distribution in the JSON")
      ->needs(json);
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = prepare_save(args->save_distribution, "--save-distribution", "bootstrap");
    if (exit_code == 0) exit_code = redirect_output(args->output, "bootstrap");
    if (exit_code == 0) exit_code = run_bootstrap(*args);
  });
}

}  // namespace pardo::cli

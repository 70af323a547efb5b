// `pardo bootstrap`: a bootstrap confidence interval for a statistic of one CSV column.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pardo/detail/validate.hpp>
#include <pardo/stats/bootstrap.hpp>
#include <pardo/stats/descriptive.hpp>
#include <span>
#include <string>

#include "backend.hpp"
#include "commands.hpp"
#include "parse.hpp"
#include "table.hpp"

namespace pardo::cli {

namespace {

using StatisticFn = double (*)(std::span<const double>);

struct BootstrapArgs {
  std::string file;
  std::string column = "0";
  std::string statistic = "mean";
  std::string resamples = "9999";
  std::string block = "128";
  double level = 0.95;
  std::string method = "bca";
  std::uint64_t seed = 42;
  BackendArgs backend;
  bool json = false;
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

void print_human(const BootstrapArgs& args, std::size_t rows, std::size_t workers,
                 const stats::BootstrapResult& r) {
  std::printf("pardo bootstrap: %s of %zu values, %s interval, %llu resamples, %zu worker%s (%s)\n",
              args.statistic.c_str(), rows, args.method.c_str(),
              static_cast<unsigned long long>(r.resamples), workers, workers == 1 ? "" : "s",
              args.backend.backend.c_str());
  if (!r.complete) {
    std::printf("interrupted: partial result from %llu of %llu blocks\n",
                static_cast<unsigned long long>(r.blocks_done),
                static_cast<unsigned long long>(r.blocks_total));
  }
  std::printf("  estimate      %.10g\n", r.estimate);
  std::printf("  std error     %.4g\n", r.std_error);
  std::printf("  bias          %.4g\n", r.bias);
  std::printf("  %g%% interval  [%.10g, %.10g]\n", 100 * r.interval.level, r.interval.low,
              r.interval.high);
  std::printf("  time          %.3f s\n", r.seconds);
}

int run_bootstrap(const BootstrapArgs& args) {
  const auto fail = [](const std::string& message) {
    std::fprintf(stderr, "pardo bootstrap: %s\n", message.c_str());
    return 2;
  };
  if (const int code = check_backend(args.backend, "bootstrap"); code != 0) return code;
  const StatisticFn statistic = find_statistic(args.statistic);
  if (statistic == nullptr) {
    return fail("--statistic: unknown statistic '" + args.statistic +
                "' (mean, median, std or var)");
  }
  const auto method = stats::parse_bootstrap_method(args.method);
  if (!method) {
    return fail("--method: unknown method '" + args.method + "' (percentile, basic or bca)");
  }
  stats::BootstrapOptions options{.level = args.level,
                                  .method = *method,
                                  .seed = args.seed,
                                  .keep_distribution = args.distribution};
  std::vector<double> data;
  try {
    options.resamples = parse_count(args.resamples, "--resamples");
    options.block_resamples = parse_count(args.block, "--block-size");
    if (!(args.level > 0 && args.level < 1)) {
      return fail("--level " + pardo::detail::format_number(args.level) + " is outside (0, 1)");
    }
    data = find_column(read_table(args.file), args.column, "--column");
  } catch (const UsageError& e) {
    return fail(e.what());
  }
  stats::BootstrapResult result;
  const auto run =
      run_monitored(args.backend, "bootstrap", stats::bootstrap_blocks(data.size(), options),
                    args.quiet || args.json, [&](auto& executor, const RunControl& control) {
                      result = stats::bootstrap(executor, data, statistic, options, control);
                    });
  if (!run.prints) return run.exit_code;
  if (args.json) {
    nlohmann::json j{{"statistic", args.statistic},
                     {"method", args.method},
                     {"column", args.column},
                     {"rows", data.size()},
                     {"backend", args.backend.backend},
                     {"workers", run.workers},
                     {"seed", options.seed},
                     {"level", options.level},
                     {"block_resamples", options.block_resamples},
                     {"resamples", result.resamples},
                     {"estimate", result.estimate},
                     {"std_error", result.std_error},
                     {"bias", result.bias},
                     {"interval", {result.interval.low, result.interval.high}},
                     {"bias_correction", result.bias_correction},
                     {"acceleration", result.acceleration},
                     {"seconds", result.seconds},
                     {"blocks_done", result.blocks_done},
                     {"blocks_total", result.blocks_total},
                     {"complete", result.complete}};
    if (args.distribution) j["distribution"] = result.distribution;
    std::cout << j.dump() << '\n';
  } else {
    print_human(args, data.size(), run.workers, result);
  }
  return result.complete ? 0 : 130;
}

}  // namespace

void add_bootstrap_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BootstrapArgs>();
  auto* cmd = app.add_subcommand(
      "bootstrap", "Bootstrap confidence interval for a statistic of a CSV column ('-': stdin)");
  cmd->add_option("file", args->file, "CSV file of numbers, '-' for stdin")->required();
  cmd->add_option("-c,--column", args->column, "Column name or 0-based index")
      ->capture_default_str();
  cmd->add_option("--statistic", args->statistic, "mean, median, std or var")
      ->capture_default_str();
  cmd->add_option("-n,--resamples", args->resamples, "Bootstrap resamples: 9999, 1e5")
      ->capture_default_str();
  cmd->add_option("-l,--level", args->level, "Confidence level in (0, 1)")->capture_default_str();
  cmd->add_option("-m,--method", args->method, "percentile, basic or bca")->capture_default_str();
  cmd->add_option("-s,--seed", args->seed, "Seed of the random streams")->capture_default_str();
  cmd->add_option("--block-size", args->block, "Resamples per block (fixes the streams)")
      ->capture_default_str();
  add_backend_options(*cmd, args->backend);
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--distribution", args->distribution,
                "Include the bootstrap distribution in the JSON");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([&exit_code, args] { exit_code = run_bootstrap(*args); });
}

}  // namespace pardo::cli

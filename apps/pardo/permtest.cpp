// `pardo permtest`: a permutation test of two CSV columns (independent, paired or
// correlation design).
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pardo/cuda/permutation.hpp>
#include <pardo/stats/permutation.hpp>
#include <span>
#include <stdexcept>
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

using StatisticFn = double (*)(std::span<const double>, std::span<const double>);

struct PermtestArgs {
  std::string file;
  std::string x = "0";
  std::string y = "1";
  std::string design = "independent";
  std::string statistic;
  std::string alternative = "two-sided";
  std::string permutations = "9999";
  std::string block = "1024";
  std::uint64_t seed = 42;
  TableOptions table;
  BackendArgs backend;
  bool json = false;
  std::string output;
  std::string save_distribution;
  bool quiet = false;
  bool distribution = false;
};

// The statistic named as the GPU's test takes it: one of those find_statistic knows.
cuda::PermutationStatistic gpu_statistic(const std::string& name) {
  if (name == "t") return cuda::PermutationStatistic::t;
  if (name == "pearson") return cuda::PermutationStatistic::pearson;
  return cuda::PermutationStatistic::mean_difference;
}

StatisticFn find_statistic(const std::string& name) {
  if (name == "mean-diff") return stats::mean_difference;
  if (name == "t") return stats::t_statistic;
  if (name == "pearson") return stats::pearson_r;
  return nullptr;
}

/// The column a --x/--y value names: "COLUMN" of the positional file, or "FILE:COLUMN".
/// Each file is read once, so "-" may serve both samples.
class Columns {
 public:
  Columns(std::string file, const TableOptions& options)
      : file_(std::move(file)), options_(options) {}

  std::vector<double> get(const std::string& spec, const std::string& option) {
    const auto colon = spec.rfind(':');
    std::string path = file_;
    std::string column = spec;
    if (colon != std::string::npos) {
      path = spec.substr(0, colon);
      column = spec.substr(colon + 1);
    } else if (file_.empty()) {
      throw UsageError(option + " '" + spec +
                       "' names a column but no FILE was given (use FILE:COLUMN or a FILE)");
    }
    auto found = tables_.find(path);
    if (found == tables_.end()) found = tables_.emplace(path, read_table(path, options_)).first;
    return find_column(found->second, column, option);
  }

 private:
  std::string file_;
  const TableOptions& options_;
  std::map<std::string, stats::Dataset> tables_;
};

void print_human(const PermtestArgs& args, std::size_t nx, std::size_t ny,
                 const stats::PermutationResult& r) {
  std::printf("pardo permtest: %s design, %s, %s, %zu + %zu values, %zu worker%s (%s)\n",
              args.design.c_str(), args.statistic.c_str(), args.alternative.c_str(), nx, ny,
              r.run.workers, r.run.workers == 1 ? "" : "s", r.run.backend.c_str());
  print_interrupted(r.run);
  std::printf("  statistic     %.10g\n", r.statistic);
  std::printf("  p-value       %.6g%s\n", r.p_value, r.exact ? "  (exact)" : "");
  if (!r.exact) std::printf("  std error     %.3g\n", r.std_error);
  std::printf("  permutations  %llu%s\n", static_cast<unsigned long long>(r.permutations),
              r.exact ? " (all arrangements)" : "");
  std::printf("  time          %.3f s\n", r.run.seconds);
}

// The library's test of a kept null distribution, naming the options: one value for each
// arrangement evaluated (all of them where there are no more than --permutations).
void require_distribution_memory(const PermtestArgs& args, std::span<const double> x,
                                 std::span<const double> y, stats::PermutationOptions options) {
  options.keep_distribution = false;
  options.block_permutations = 1;
  const std::uint64_t total = stats::permutation_blocks(x, y, options);
  std::string request = "--permutations " + args.permutations + " with " +
                        (args.distribution ? "--distribution" : "--save-distribution");
  if (total < options.permutations) request += " (" + std::to_string(total) + " arrangements)";
  require_memory(static_cast<double>(total) * sizeof(double), request, "the null distribution");
}

int run_permtest(PermtestArgs args) {
  const auto fail = [](const std::string& message) {
    std::fprintf(stderr, "pardo permtest: %s\n", message.c_str());
    return 2;
  };
  if (const int code = check_backend(args.backend, "permtest", true); code != 0) return code;
  const bool gpu = args.backend.backend == "cuda";
  const auto design = stats::parse_design(args.design);
  if (!design) {
    return fail("--design: unknown design '" + args.design +
                "' (independent, paired or correlation)");
  }
  if (args.statistic.empty()) {
    args.statistic = *design == stats::Design::correlation ? "pearson" : "mean-diff";
  }
  const StatisticFn statistic = find_statistic(args.statistic);
  if (statistic == nullptr) {
    return fail("--statistic: unknown statistic '" + args.statistic +
                "' (mean-diff, t or pearson)");
  }
  if ((*design == stats::Design::correlation) != (args.statistic == "pearson")) {
    return fail(
        "--statistic " + args.statistic + " does not apply to --design " + args.design +
        (*design == stats::Design::correlation ? " (pearson does)" : " (mean-diff or t do)"));
  }
  const auto alternative = stats::parse_alternative(args.alternative);
  if (!alternative) {
    return fail("--alternative: unknown alternative '" + args.alternative +
                "' (two-sided, less or greater)");
  }
  stats::PermutationOptions options{
      .design = *design,
      .alternative = *alternative,
      .seed = args.seed,
      .keep_distribution = args.distribution || !args.save_distribution.empty()};
  std::vector<double> x;
  std::vector<double> y;
  try {
    options.permutations = parse_count(args.permutations, "--permutations");
    options.block_permutations = parse_count(args.block, "--block-size");
    Columns columns(args.file, args.table);
    x = columns.get(args.x, "--x");
    y = columns.get(args.y, "--y");
    if (options.keep_distribution) require_distribution_memory(args, x, y, options);
    // Checks the samples and the options before any worker starts.
    static_cast<void>(stats::permutation_blocks(x, y, options));
  } catch (const UsageError& e) {
    return fail(e.what());
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
  stats::PermutationResult result;
  if (gpu) {
    Progress progress;
    RunMonitor monitor(progress, args.quiet || args.json);
    result =
        cuda::permutation_test(x, y, gpu_statistic(args.statistic), options,
                               RunControl{.stop = monitor.stop_token(), .progress = &progress});
  } else {
    const auto run = run_monitored(args.backend, "permtest", args.quiet || args.json,
                                   [&](auto& executor, const RunControl& control) {
                                     result = stats::permutation_test(executor, x, y, statistic,
                                                                      options, control);
                                   });
    if (!run.prints) return run.exit_code;
  }
  if (args.json) {
    nlohmann::json j{{"design", args.design},
                     {"statistic_name", args.statistic},
                     {"alternative", args.alternative},
                     {"n_x", x.size()},
                     {"n_y", y.size()},
                     {"block_permutations", options.block_permutations},
                     {"statistic", result.statistic},
                     {"estimate", result.p_value},
                     {"std_error", result.std_error},
                     {"exact", result.exact},
                     {"permutations", result.permutations},
                     {"less_or_equal", result.less_or_equal},
                     {"greater_or_equal", result.greater_or_equal}};
    add_run(j, "permtest", result.run, options.seed);
    if (args.distribution) j["null_distribution"] = result.null_distribution;
    std::cout << j.dump() << '\n';
  } else {
    print_human(args, x.size(), y.size(), result);
  }
  if (!args.save_distribution.empty()) {
    const int code = save_table(args.save_distribution,
                                {.names = {args.statistic}, .values = result.null_distribution},
                                "--save-distribution", "permtest");
    if (code != 0) return code;
  }
  return finish_run(result.run);
}

}  // namespace

void add_permtest_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PermtestArgs>();
  auto* cmd = app.add_subcommand(
      "permtest",
      "Permutation test of two CSV columns; --x/--y take COLUMN (of FILE) or FILE:COLUMN");
  cmd->add_option("file", args->file, "CSV or .npy file of numbers, '-' for stdin")
      ->type_name("FILE");
  add_table_options(*cmd, args->table);
  cmd->add_option("--x", args->x, "First sample: column name or 0-based index, or FILE:COLUMN")
      ->type_name("COLUMN")
      ->capture_default_str();
  cmd->add_option("--y", args->y, "Second sample: column name or 0-based index, or FILE:COLUMN")
      ->type_name("COLUMN")
      ->capture_default_str();
  cmd->add_option("--design", args->design, "independent, paired or correlation")
      ->type_name("DESIGN")
      ->capture_default_str();
  cmd->add_option("--statistic", args->statistic,
                  "mean-diff, t or pearson (default: pearson for correlation, else mean-diff)")
      ->type_name("STATISTIC");
  cmd->add_option("--alternative", args->alternative, "two-sided, less or greater")
      ->type_name("ALTERNATIVE")
      ->capture_default_str();
  cmd->add_option("--permutations", args->permutations,
                  "Random permutations, unless fewer arrangements exist (then all, exactly)")
      ->type_name("COUNT")
      ->capture_default_str();
  add_seed_option(*cmd, args->seed);
  cmd->add_option("--block-size", args->block, "Permutations per block (fixes the streams)")
      ->type_name("COUNT")
      ->capture_default_str();
  add_backend_options(*cmd, args->backend);
  cmd->get_option("--backend")
      ->description("serial, threads, processes, mpi (under mpirun) or cuda (a GPU, if built in)");
  add_checkpoint_options(*cmd, args->backend.checkpoint);
  add_output_option(*cmd, args->output);
  add_save_option(*cmd, "--save-distribution", args->save_distribution,
                  "Write the statistic of every permutation (the null distribution, in block "
                  "order) to FILE (.npy or CSV)");
  auto* json = cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("--distribution", args->distribution, "Include the null distribution in the JSON")
      ->needs(json);
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = prepare_save(args->save_distribution, "--save-distribution", "permtest");
    if (exit_code == 0) exit_code = redirect_output(args->output, "permtest");
    if (exit_code == 0) exit_code = run_permtest(*args);
  });
}

}  // namespace pardo::cli

// `pardo fit`: the same model fitted to every CSV file in a directory, as one table.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pardo/core/errors.hpp>
#include <pardo/stats/csv.hpp>
#include <pardo/stats/fit.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend.hpp"
#include "commands.hpp"
#include "outputs.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "table.hpp"

namespace pardo::cli {

namespace {

struct FitArgs {
  std::string path;
  std::string model = "ols";
  std::string response = "y";
  std::vector<std::string> predictors;
  bool no_intercept = false;
  double tolerance = 1e-10;
  double level = 0.95;
  std::uint32_t max_iterations = 100;
  CLI::Option* tolerance_option = nullptr;
  CLI::Option* iterations_option = nullptr;
  TableOptions table;
  BackendArgs backend;
  bool json = false;
  std::string output;
  bool quiet = false;
};

nlohmann::json row_json(const stats::FitRow& row, stats::FitModel model, double level) {
  nlohmann::json coefficients = nlohmann::json::array();
  for (const stats::Coefficient& c : stats::coefficients(row, model, level)) {
    coefficients.push_back({{"term", c.term},
                            {"estimate", c.estimate},
                            {"std_error", c.std_error},
                            {"statistic", c.statistic},
                            {"p_value", c.p_value},
                            {"interval", interval_json(c.low, c.high, c.level)}});
  }
  nlohmann::json j{{"name", row.name},
                   {"terms", row.terms},
                   {"estimates", row.estimates},
                   {"std_errors", row.std_errors},
                   {"coefficients", coefficients},
                   {"n", row.n},
                   {"converged", row.converged},
                   {"error", row.error}};
  if (model == stats::FitModel::ols) {
    j["r_squared"] = row.r_squared;
    j["sigma"] = row.sigma;
  } else {
    j["log_likelihood"] = row.log_likelihood;
    j["iterations"] = row.iterations;
  }
  return j;
}

void print_human(const FitArgs& args, const stats::FitTable& table, stats::FitModel model) {
  std::printf("pardo fit: %s of %s on %zu data set%s, %zu worker%s (%s)\n", args.model.c_str(),
              args.response.c_str(), table.datasets, table.datasets == 1 ? "" : "s",
              table.run.workers, table.run.workers == 1 ? "" : "s", table.run.backend.c_str());
  if (!table.run.complete) {
    std::printf("%s: %zu data sets fitted\n", table.run.failure.empty() ? "interrupted" : "failed",
                table.rows.size());
  }
  const char* statistic = model == stats::FitModel::ols ? "t" : "z";
  const std::string interval = pardo::format_number(100 * args.level) + "% interval";
  std::printf("\n  %-16s %-12s %12s %12s %8s %10s  %-s\n", "data set", "term", "estimate",
              "std error", statistic, "p-value", interval.c_str());
  for (const auto& row : table.rows) {
    if (row.estimates.empty()) continue;
    const std::vector<stats::Coefficient> coefficients =
        stats::coefficients(row, model, args.level);
    for (std::size_t k = 0; k < coefficients.size(); ++k) {
      const stats::Coefficient& c = coefficients[k];
      std::printf("  %-16s %-12s %12.6g %12.6g %8.3f %10.3g  [%.6g, %.6g]\n",
                  k == 0 ? row.name.c_str() : "", c.term.c_str(), c.estimate, c.std_error,
                  c.statistic, c.p_value, c.low, c.high);
    }
    if (model == stats::FitModel::ols) {
      std::printf("  %-16s n = %zu, R^2 = %.4f, sigma = %.4g\n", "", row.n, row.r_squared,
                  row.sigma);
    } else {
      std::printf("  %-16s n = %zu, log-likelihood = %.6g, %u iterations%s\n", "", row.n,
                  row.log_likelihood, row.iterations, row.converged ? "" : " (not converged)");
    }
  }
  std::printf("\n  fitted        %zu of %zu (%zu failed)\n", table.rows.size() - table.failed,
              table.datasets, table.failed);
  std::printf("  time          %.3f s\n", table.run.seconds);
  if (table.failed == 0) return;
  std::printf("\nerrors:\n");
  for (const auto& row : table.rows) {
    if (!row.error.empty()) std::printf("  %s: %s\n", row.name.c_str(), row.error.c_str());
  }
}

// A response or predictor that no data set has is a mistyped name, not a failure of every
// fit; one that only some data sets lack fails their rows alone.
void require_columns(const FitArgs& args, const std::vector<stats::Dataset>& datasets) {
  std::vector<std::string> known;
  for (const stats::Dataset& d : datasets) {
    for (const std::string& column : d.columns) {
      if (std::find(known.begin(), known.end(), column) == known.end()) known.push_back(column);
    }
  }
  const auto require = [&](const std::string& option, const std::string& name) {
    if (std::find(known.begin(), known.end(), name) != known.end()) return;
    std::string list;
    for (const std::string& column : known) list += (list.empty() ? "" : ", ") + column;
    throw UsageError(option + ": no data set has a column '" + name + "' (the columns are " + list +
                     ")");
  };
  require("--response", args.response);
  for (const std::string& predictor : args.predictors) require("--predictors", predictor);
}

int run_fit(const FitArgs& args) {
  const auto fail = [](const std::string& message) {
    std::fprintf(stderr, "pardo fit: %s\n", message.c_str());
    return 2;
  };
  if (const int code = check_backend(args.backend, "fit"); code != 0) return code;
  const auto model = stats::parse_fit_model(args.model);
  if (!model) return fail("--model: unknown model '" + args.model + "' (ols or logistic)");
  for (const CLI::Option* option : {args.tolerance_option, args.iterations_option}) {
    if (*model != stats::FitModel::logistic && option->count() > 0) {
      return fail(option->get_name() + " does not apply to --model " + args.model +
                  " (only to --model logistic)");
    }
  }
  for (const std::string& predictor : args.predictors) {
    if (predictor == args.response) {
      return fail("--predictors: '" + predictor + "' is the response (--response)");
    }
  }
  const stats::FitOptions options{.model = *model,
                                  .response = args.response,
                                  .predictors = args.predictors,
                                  .intercept = !args.no_intercept,
                                  .tolerance = args.tolerance,
                                  .max_iterations = args.max_iterations};
  std::vector<stats::Dataset> datasets;
  try {
    stats::validate(options);
    // File by file, so that a Ctrl-C while reading a large directory stops the run at once
    // (after one file: a run of no data sets would have nothing to call partial).
    if (std::filesystem::is_directory(args.path)) {
      for (const std::string& file : stats::dataset_files(args.path)) {
        if (stop_requested() && !datasets.empty()) break;
        datasets.push_back(read_table(file, args.table, stats::CsvHeader::required));
      }
    } else {
      datasets.push_back(read_table(args.path, args.table, stats::CsvHeader::required));
    }
    if (!stop_requested()) require_columns(args, datasets);
  } catch (const UsageError& e) {
    return fail(e.what());
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
  stats::FitTable table;
  const auto run = run_monitored(args.backend, "fit", args.quiet || args.json,
                                 [&](auto& executor, const RunControl& control) {
                                   table = stats::fit_many(executor, datasets, options, control);
                                 });
  if (!run.prints) return run.exit_code;
  if (args.json) {
    nlohmann::json j{{"model", args.model},
                     {"response", args.response},
                     {"intercept", options.intercept},
                     {"level", args.level},
                     {"datasets", table.datasets},
                     {"failed", table.failed},
                     {"rows", nlohmann::json::array()}};
    add_run(j, "fit", table.run, std::nullopt);
    for (const auto& row : table.rows) j["rows"].push_back(row_json(row, *model, args.level));
    std::cout << j.dump() << '\n';
  } else {
    print_human(args, table, *model);
  }
  return finish_run(table.run, table.failed == 0 && !table.rows.empty());
}

}  // namespace

void add_fit_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<FitArgs>();
  auto* cmd = app.add_subcommand(
      "fit", "Fit OLS or logistic regression to every CSV file in a directory (or to one file)");
  cmd->add_option("path", args->path,
                  "A directory of .csv files, one .csv or .npy file, or - for stdin")
      ->type_name("PATH")
      ->required();
  add_table_options(*cmd, args->table);
  cmd->add_option("--model", args->model, "ols or logistic")
      ->type_name("MODEL")
      ->capture_default_str();
  cmd->add_option("-y,--response", args->response, "The response column")
      ->type_name("COLUMN")
      ->capture_default_str();
  cmd->add_option("-x,--predictors", args->predictors,
                  "Predictor columns, comma-separated (default: all but the response)")
      ->type_name("COLUMN,...")
      ->delimiter(',');
  cmd->add_flag("--no-intercept", args->no_intercept, "Do not add a constant term");
  args->tolerance_option =
      cmd->add_option("--tolerance", args->tolerance, "IRLS convergence tolerance (logistic)")
          ->type_name("FLOAT")
          ->capture_default_str()
          ->check(number_in(0, 1));
  args->iterations_option = cmd->add_option("--max-iterations", args->max_iterations,
                                            "IRLS iterations before giving up (logistic)")
                                ->type_name("COUNT")
                                ->capture_default_str()
                                ->check(CLI::Range(std::uint32_t{1}, std::uint32_t{1000000}));
  cmd->add_option("-l,--level", args->level,
                  "Confidence level of the coefficients' intervals, in (0, 1)")
      ->type_name("FLOAT")
      ->capture_default_str()
      ->check(number_in(0, 1));
  add_backend_options(*cmd, args->backend);
  add_checkpoint_options(*cmd, args->backend.checkpoint);
  add_output_option(*cmd, args->output);
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = redirect_output(args->output, "fit");
    if (exit_code == 0) exit_code = run_fit(*args);
  });
}

}  // namespace pardo::cli

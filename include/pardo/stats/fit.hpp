#pragma once
/// @file
/// The same model on many data sets: ordinary least squares or logistic regression fitted
/// to each, on any executor, gathered into one table of estimates.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/workload/blocks.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo::stats {

/// A named table of numbers: data[c][i] is row i of the column called columns[c].
/// Serializable, so it travels to worker processes.
/// @code
/// pardo::stats::Dataset d{.name = "a", .columns = {"y", "x"}, .data = {{1, 2, 4}, {0, 1, 2}}};
/// @endcode
struct Dataset {
  std::string name{};
  std::vector<std::string> columns{};
  std::vector<std::vector<double>> data{};
  /// Rows read_csv or read_npy dropped for a missing value (NaPolicy::drop); not sent to
  /// worker processes.
  std::size_t dropped_rows = 0;
  /// The number of rows (0 without columns).
  /// @code
  /// std::size_t n = d.rows();
  /// @endcode
  std::size_t rows() const noexcept { return data.empty() ? 0 : data.front().size(); }
  /// cereal's serialize: the name, the column names, the columns.
  /// @code
  /// pardo::wire::encode(out, d);
  /// @endcode
  template <class Archive>
  void serialize(Archive& archive) {
    archive(name, columns, data);
  }
};

/// The model to fit.
/// @code
/// pardo::stats::FitOptions options{.model = pardo::stats::FitModel::logistic};
/// @endcode
enum class FitModel : std::uint8_t {
  ols,       ///< ordinary least squares, by column-pivoted Householder QR
  logistic,  ///< logistic regression of a 0/1 response, by IRLS
};

/// "ols" or "logistic".
/// @code
/// assert(pardo::stats::to_string(pardo::stats::FitModel::ols) == "ols");
/// @endcode
std::string_view to_string(FitModel model) noexcept;

/// The model named `name` ("ols", "logistic"), or nullopt.
/// @code
/// auto model = pardo::stats::parse_fit_model("logistic");
/// @endcode
std::optional<FitModel> parse_fit_model(std::string_view name) noexcept;

/// What to fit to every data set.
/// @code
/// pardo::stats::FitOptions options{.response = "y", .predictors = {"x1", "x2"}};
/// @endcode
struct FitOptions {
  FitModel model = FitModel::ols;
  std::string response = "y";
  std::vector<std::string> predictors{};  ///< empty: every column but the response
  bool intercept = true;                  ///< add a column of ones, named "const"
  double tolerance = 1e-10;            ///< IRLS stops when no coefficient moves by more than this
                                       ///< times (1 + the largest coefficient)
  std::uint32_t max_iterations = 100;  ///< IRLS iterations before giving up
  /// cereal's serialize.
  /// @code
  /// pardo::wire::encode(out, options);
  /// @endcode
  template <class Archive>
  void serialize(Archive& archive) {
    archive(model, response, predictors, intercept, tolerance, max_iterations);
  }
};

/// One data set's fit, or why it failed (`error` not empty; the other data sets' rows are
/// unaffected).
/// @code
/// for (const auto& row : table.rows)
///   if (row.error.empty()) std::printf("%s %g\n", row.name.c_str(), row.estimates[1]);
/// @endcode
struct FitRow {
  std::string name{};
  std::vector<std::string> terms{};  ///< "const" first when there is an intercept
  std::vector<double> estimates{};
  std::vector<double> std_errors{};
  std::size_t n = 0;             ///< rows used
  double r_squared = 0;          ///< OLS: 1 - RSS / TSS (TSS centred with an intercept)
  double sigma = 0;              ///< OLS: sqrt(RSS / (n - p))
  double log_likelihood = 0;     ///< logistic
  std::uint32_t iterations = 0;  ///< logistic: IRLS iterations
  bool converged = false;        ///< OLS: true; logistic: IRLS met its tolerance
  std::string error{};           ///< empty if the fit succeeded
  /// cereal's serialize (rows come back from worker processes).
  /// @code
  /// pardo::wire::encode(out, row);
  /// @endcode
  template <class Archive>
  void serialize(Archive& archive) {
    archive(name, terms, estimates, std_errors, n, r_squared, sigma, log_likelihood, iterations,
            converged, error);
  }
};

/// Every data set's row, in the data sets' order.
/// @code
/// auto table = pardo::stats::fit_many(pool, datasets, {.response = "y"});
/// std::printf("%zu fits, %zu failed, %.3f s\n", table.rows.size(), table.failed,
///             table.run.seconds);
/// @endcode
struct FitTable {
  std::vector<FitRow> rows{};  ///< one per data set fitted (all, unless stopped)
  std::size_t failed = 0;      ///< rows with an error
  std::size_t datasets = 0;    ///< data sets given
  RunInfo run{};               ///< one block per data set; complete unless stopped before every fit
};

/// One term of a fitted row with its test of "coefficient = 0" and its confidence interval:
/// Student's t with n - p degrees of freedom for OLS, the normal (Wald z) for logistic
/// regression, as statsmodels' summary() reports them.
/// @code
/// for (const auto& c : pardo::stats::coefficients(row, pardo::stats::FitModel::ols))
///   std::printf("%s %g (p = %.3g) [%g, %g]\n", c.term.c_str(), c.estimate, c.p_value, c.low,
///               c.high);
/// @endcode
struct Coefficient {
  std::string term{};
  double estimate = 0;
  double std_error = 0;
  double statistic = 0;  ///< estimate / std_error: t for OLS, z for logistic
  double p_value = 0;    ///< two-sided
  double low = 0;        ///< the interval at `level`
  double high = 0;
  double level = 0;
};

/// The coefficients of `row`, fitted by `model`, with intervals at `level` (0 < level < 1);
/// empty for a row that failed. Throws std::invalid_argument naming a bad level.
/// @code
/// auto table = pardo::stats::fit_many(pool, datasets, {.model = pardo::stats::FitModel::ols});
/// auto rows = pardo::stats::coefficients(table.rows[0], pardo::stats::FitModel::ols, 0.9);
/// @endcode
std::vector<Coefficient> coefficients(const FitRow& row, FitModel model, double level = 0.95);

/// Reads one CSV file: a header of column names, then rows of numbers, commas between.
/// Blank lines are skipped. The data set is named after the file's stem. Throws
/// std::invalid_argument naming the file, line and field for a field that is not a number,
/// a row of the wrong length, or a file without a header or rows.
/// @code
/// auto d = pardo::stats::read_dataset("data/site1.csv");
/// @endcode
Dataset read_dataset(const std::string& path);

/// The `.csv` files in `directory`, sorted by file name: what read_datasets reads, for a
/// caller that reads them one at a time (to show progress, or to stop part way). Throws
/// std::invalid_argument naming a missing directory or one without CSV files.
/// @code
/// for (const auto& file : pardo::stats::dataset_files("data/sites")) {
///   if (stop_requested()) break;
///   datasets.push_back(pardo::stats::read_dataset(file));
/// }
/// @endcode
std::vector<std::string> dataset_files(const std::string& directory);

/// Reads every `.csv` file in `directory`, sorted by file name, as read_dataset does.
/// Throws std::invalid_argument naming a missing directory, one without CSV files, or the
/// file and line of a bad field.
/// @code
/// auto datasets = pardo::stats::read_datasets("data/sites");
/// @endcode
std::vector<Dataset> read_datasets(const std::string& directory);

/// How `generate_datasets` simulates: predictors x1..xk ~ N(0, 1); for OLS
/// y = b0 + b1 x1 + ... + N(0, noise_sd^2); for logistic y ~ Bernoulli(1 / (1 + exp(-eta))).
/// coefficients[0] is the intercept b0, so k = coefficients.size() - 1.
/// @code
/// pardo::stats::GenerateOptions g{.count = 100, .rows = 200, .coefficients = {1, 2, -0.5}};
/// @endcode
struct GenerateOptions {
  std::size_t count = 10;
  std::size_t rows = 100;
  std::vector<double> coefficients{1.0, 0.5};
  FitModel model = FitModel::ols;
  double noise_sd = 1.0;
  std::uint64_t seed = 42;
};

/// `count` data sets with columns y, x1, ..., xk; data set i, named `dataset<i>`, is drawn
/// from random stream (seed, i) with pardo::random's distributions, so it is the same on
/// any machine and for any count. Throws std::invalid_argument naming a zero count, too few
/// rows, no coefficients or a non-finite value.
/// @code
/// auto datasets = pardo::stats::generate_datasets({.count = 1000, .seed = 7});
/// @endcode
std::vector<Dataset> generate_datasets(const GenerateOptions& options);

/// Throws std::invalid_argument naming bad options (a zero tolerance or iteration count,
/// an empty response name): what `fit_many` checks first.
/// @code
/// pardo::stats::validate(pardo::stats::FitOptions{.response = "y"});
/// @endcode
void validate(const FitOptions& options);

namespace detail {

/// The fit of one data set; failures are reported in the row, never thrown.
FitRow fit_one(const Dataset& dataset, const FitOptions& options);

struct FitTask {
  Dataset dataset;
  FitOptions options;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(dataset, options);
  }
};

/// fit_one on a worker; registered with PARDO_REMOTE in src/stats/fit.cpp.
FitRow fit_block(FitTask task);

/// The table from the rows in data-set order (empty: not fitted), without its RunInfo.
FitTable gather(std::vector<std::optional<FitRow>>& rows);

}  // namespace detail

/// Fits `options.model` to every data set on `executor` (any pardo executor), one data set
/// per task. Each fit is deterministic, so the table is bit-identical on every backend. A
/// data set that cannot be fitted (a missing column, too few rows, collinear predictors,
/// perfect separation, a response that is not 0/1 for a logistic model, an estimate, standard
/// error, residual standard error (OLS) or log-likelihood (logistic) that comes out infinite
/// or NaN, e.g. from values near 1e308) gets a row with its error and no estimates (an IRLS run
/// that does not converge keeps its last iterate, with `converged` false); the others are
/// unaffected. Throws std::invalid_argument for bad options.
/// @code
/// pardo::ThreadPool pool;
/// auto table = pardo::stats::fit_many(pool, pardo::stats::read_datasets("sites"),
///                                     {.model = pardo::stats::FitModel::logistic});
/// @endcode
template <RemoteExecutor E>
FitTable fit_many(E& executor, const std::vector<Dataset>& datasets, const FitOptions& options,
                  const RunControl& control = {}) {
  validate(options);
  BlockRun<FitRow> run =
      run_blocks(executor, datasets.size(),
                 [&](std::uint64_t i) { return detail::fit_one(datasets[i], options); },
                 remote_blocks(&detail::fit_block,
                               [&](std::uint64_t i) {
                                 return detail::FitTask{datasets[i], options};
                               }),
                 control, {"fitting", "data sets", datasets.size(), {}});
  FitTable table = detail::gather(run.blocks);
  table.datasets = datasets.size();
  table.run = run.info;
  return table;
}

}  // namespace pardo::stats

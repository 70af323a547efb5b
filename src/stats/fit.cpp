// One model on one data set: OLS by column-pivoted QR, logistic regression by IRLS.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <string>

#include "core/validate.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/stats/distributions.hpp"
#include "pardo/stats/fit.hpp"

namespace pardo::stats {

std::string_view to_string(FitModel model) noexcept {
  return model == FitModel::logistic ? "logistic" : "ols";
}

std::optional<FitModel> parse_fit_model(std::string_view name) noexcept {
  if (name == "ols") return FitModel::ols;
  if (name == "logistic") return FitModel::logistic;
  return std::nullopt;
}

namespace detail {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// A data set's failure, reported in its row.
struct FitError {
  std::string message;
};

struct Design {
  MatrixXd x;
  VectorXd y;
};

std::size_t find_column(const Dataset& d, const std::string& name, std::string_view role) {
  const auto it = std::find(d.columns.begin(), d.columns.end(), name);
  if (it != d.columns.end()) return static_cast<std::size_t>(it - d.columns.begin());
  std::string known;
  for (const auto& c : d.columns) known += (known.empty() ? "" : ", ") + c;
  throw FitError{"no " + std::string(role) + " column '" + name + "' (the columns are " + known +
                 ")"};
}

const std::vector<double>& checked_column(const Dataset& d, std::size_t c) {
  const std::vector<double>& column = d.data.at(c);
  if (column.size() != d.rows()) {
    throw FitError{"column '" + d.columns[c] + "' has " + std::to_string(column.size()) +
                   " values but the data set has " + std::to_string(d.rows()) + " rows"};
  }
  for (std::size_t i = 0; i < column.size(); ++i) {
    if (!std::isfinite(column[i])) {
      throw FitError{"column '" + d.columns[c] + "' row " + std::to_string(i + 1) + " is " +
                     pardo::format_number(column[i])};
    }
  }
  return column;
}

Design build_design(const Dataset& d, const FitOptions& options, FitRow& row) {
  if (d.columns.size() != d.data.size()) {
    throw FitError{"the data set has " + std::to_string(d.columns.size()) + " column names but " +
                   std::to_string(d.data.size()) + " columns"};
  }
  const std::size_t response = find_column(d, options.response, "response");
  std::vector<std::size_t> predictors;
  if (options.predictors.empty()) {
    for (std::size_t c = 0; c < d.columns.size(); ++c) {
      if (c != response) predictors.push_back(c);
    }
  } else {
    for (const auto& name : options.predictors) {
      if (name == options.response) throw FitError{"'" + name + "' is both response and predictor"};
      predictors.push_back(find_column(d, name, "predictor"));
    }
  }
  if (options.intercept) row.terms.emplace_back("const");
  for (const std::size_t c : predictors) row.terms.push_back(d.columns[c]);
  const std::size_t n = d.rows();
  const std::size_t p = row.terms.size();
  row.n = n;
  if (p == 0) throw FitError{"no predictors and no intercept: nothing to fit"};
  if (n <= p) {
    throw FitError{std::to_string(n) + " rows are too few for " + std::to_string(p) +
                   " coefficients (more rows than coefficients needed)"};
  }
  Design design{MatrixXd(static_cast<Index>(n), static_cast<Index>(p)),
                VectorXd(static_cast<Index>(n))};
  const auto rows = static_cast<Index>(n);
  Index j = 0;
  if (options.intercept) design.x.col(j++).setOnes();
  for (const std::size_t c : predictors) {
    design.x.col(j++) = Eigen::Map<const VectorXd>(checked_column(d, c).data(), rows);
  }
  design.y = Eigen::Map<const VectorXd>(checked_column(d, response).data(), rows);
  return design;
}

// diag((A^T A)^-1) from A's pivoted QR: A P = Q R gives (A^T A)^-1 = P R^-1 R^-T P^T.
VectorXd inverse_gram_diagonal(const Eigen::ColPivHouseholderQR<MatrixXd>& qr) {
  const Index p = qr.cols();
  const MatrixXd r_inverse = qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>().solve(
      MatrixXd::Identity(p, p));
  VectorXd diagonal(p);
  for (Index i = 0; i < p; ++i)
    diagonal(qr.colsPermutation().indices()(i)) = r_inverse.row(i).squaredNorm();
  return diagonal;
}

void require_full_rank(const Eigen::ColPivHouseholderQR<MatrixXd>& qr, const FitRow& row,
                       std::string_view what) {
  if (qr.rank() == qr.cols()) return;
  throw FitError{std::string(what) + " has rank " + std::to_string(qr.rank()) + " < " +
                 std::to_string(qr.cols()) + " coefficients: the terms " +
                 [&] {
                   std::string terms;
                   for (const auto& t : row.terms) terms += (terms.empty() ? "" : ", ") + t;
                   return terms;
                 }() +
                 " are collinear"};
}

void store(FitRow& row, const VectorXd& beta, const VectorXd& variance) {
  row.estimates.assign(beta.data(), beta.data() + beta.size());
  row.std_errors.resize(row.estimates.size());
  for (Index i = 0; i < variance.size(); ++i) {
    row.std_errors[static_cast<std::size_t>(i)] = std::sqrt(variance(i));
  }
}

void fit_ols(const Design& d, bool intercept, FitRow& row) {
  const Eigen::ColPivHouseholderQR<MatrixXd> qr(d.x);
  require_full_rank(qr, row, "the design matrix");
  const VectorXd beta = qr.solve(d.y);
  const double rss = (d.y - d.x * beta).squaredNorm();
  const auto dof = static_cast<double>(d.x.rows() - d.x.cols());
  const double sigma2 = rss / dof;
  store(row, beta, sigma2 * inverse_gram_diagonal(qr));
  const double tss =
      intercept ? (d.y.array() - d.y.mean()).matrix().squaredNorm() : d.y.squaredNorm();
  row.r_squared = 1 - rss / tss;
  row.sigma = std::sqrt(sigma2);
  row.converged = true;
}

double logistic(double eta) {
  return eta >= 0 ? 1 / (1 + std::exp(-eta)) : std::exp(eta) / (1 + std::exp(eta));
}

// log(1 + exp(eta)) without overflow.
double softplus(double eta) {
  return eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
}

// Whether eta puts every y = 1 strictly above 0 and every y = 0 strictly below: then the
// data are separated and the likelihood has no maximum.
bool separates(const VectorXd& y, const VectorXd& eta) {
  for (Index i = 0; i < y.size(); ++i) {
    if (y(i) == 1 ? !(eta(i) > 0) : !(eta(i) < 0)) return false;
  }
  return true;
}

// Newton's step (X^T W X)^-1 X^T (y - mu) by the QR of W^1/2 X, which also gives the
// information matrix's inverse diagonal.
void fit_logistic(const Design& d, const FitOptions& options, FitRow& row) {
  for (Index i = 0; i < d.y.size(); ++i) {
    if (d.y(i) != 0 && d.y(i) != 1) {
      throw FitError{"the response '" + options.response +
                     "' must be 0 or 1 for a logistic "
                     "model; row " +
                     std::to_string(i + 1) + " is " + pardo::format_number(d.y(i))};
    }
  }
  require_full_rank(Eigen::ColPivHouseholderQR<MatrixXd>(d.x), row, "the design matrix");
  const Index n = d.x.rows();
  const Index p = d.x.cols();
  VectorXd beta = VectorXd::Zero(p);
  VectorXd variance(p);
  MatrixXd weighted(n, p);
  VectorXd residual(n);
  // Returns the QR of W^1/2 X at beta, and the score's residual y - mu.
  const auto linearise = [&] {
    const VectorXd eta = d.x * beta;
    for (Index i = 0; i < n; ++i) {
      const double mu = logistic(eta(i));
      weighted.row(i) = std::sqrt(mu * (1 - mu)) * d.x.row(i);
      residual(i) = d.y(i) - mu;
    }
    Eigen::ColPivHouseholderQR<MatrixXd> qr(weighted);
    if (qr.rank() < p) {
      throw FitError{"the information matrix is singular after " + std::to_string(row.iterations) +
                     " iterations: fitted probabilities reach 0 or 1 (quasi-complete "
                     "separation)"};
    }
    return qr;
  };
  for (;;) {
    const auto qr = linearise();
    variance = inverse_gram_diagonal(qr);
    if (row.converged) break;
    if (row.iterations == options.max_iterations) break;
    const Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic> perm = qr.colsPermutation();
    const auto r = qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>();
    const VectorXd score = perm.transpose() * (d.x.transpose() * residual);
    const VectorXd step = perm * r.solve(r.transpose().solve(score));
    beta += step;
    ++row.iterations;
    if (separates(d.y, d.x * beta)) {
      throw FitError{
          "perfect separation: a combination of the terms splits y = 0 from y = 1 "
          "exactly, so the maximum-likelihood estimates do not exist"};
    }
    row.converged =
        step.cwiseAbs().maxCoeff() <= options.tolerance * (1 + beta.cwiseAbs().maxCoeff());
  }
  const VectorXd eta = d.x * beta;
  row.log_likelihood = 0;
  for (Index i = 0; i < n; ++i) row.log_likelihood += d.y(i) * eta(i) - softplus(eta(i));
  store(row, beta, variance);
  if (!row.converged) {
    row.error = "IRLS did not converge in " + std::to_string(options.max_iterations) +
                " iterations (the estimates are the last iterate)";
  }
}

// A fit whose numbers overflowed (or came out NaN) is a failure, never a row of infinities.
void require_finite_fit(const FitRow& row, FitModel model) {
  const auto check = [](double value, const std::string& what) {
    if (std::isfinite(value)) return;
    throw FitError{what + " is " + pardo::format_number(value) +
                   ": the data are too large (or too ill-conditioned) for double precision"};
  };
  for (std::size_t i = 0; i < row.estimates.size(); ++i) {
    check(row.estimates[i], "the estimate of '" + row.terms[i] + "'");
    check(row.std_errors[i], "the standard error of '" + row.terms[i] + "'");
  }
  if (model == FitModel::ols) {
    check(row.sigma, "the residual standard error");
  } else {
    check(row.log_likelihood, "the log-likelihood");
  }
}

}  // namespace

FitRow fit_one(const Dataset& dataset, const FitOptions& options) {
  FitRow row;
  row.name = dataset.name;
  try {
    const Design design = build_design(dataset, options, row);
    if (options.model == FitModel::logistic) {
      fit_logistic(design, options, row);
    } else {
      fit_ols(design, options.intercept, row);
    }
    require_finite_fit(row, options.model);
  } catch (const FitError& e) {
    row.estimates.clear();
    row.std_errors.clear();
    row.converged = false;
    row.error = e.message;
  }
  return row;
}

FitTable gather(std::vector<std::optional<FitRow>>& rows) {
  FitTable table;
  for (auto& row : rows) {
    if (!row) continue;
    if (!row->error.empty()) ++table.failed;
    table.rows.push_back(std::move(*row));
  }
  return table;
}

FitRow fit_block(FitTask task) { return fit_one(task.dataset, task.options); }
PARDO_REMOTE(fit_block);

}  // namespace detail

std::vector<Coefficient> coefficients(const FitRow& row, FitModel model, double level) {
  pardo::detail::require_open_unit(level, "coefficients", "level");
  std::vector<Coefficient> out;
  if (!row.error.empty() || row.estimates.empty()) return out;
  const double df = static_cast<double>(row.n) - static_cast<double>(row.estimates.size());
  const bool t = model == FitModel::ols;
  const double upper = 0.5 + level / 2;
  const double q = t ? student_t_quantile(upper, df) : normal_quantile(upper);
  for (std::size_t k = 0; k < row.estimates.size(); ++k) {
    const double b = row.estimates[k];
    const double se = row.std_errors[k];
    const double statistic = b / se;
    // The lower tail of -|statistic|: no cancellation in 1 - cdf for tiny p-values.
    const double tail =
        t ? student_t_cdf(-std::abs(statistic), df) : normal_cdf(-std::abs(statistic));
    out.push_back({row.terms[k], b, se, statistic, 2 * tail, b - q * se, b + q * se, level});
  }
  return out;
}

void validate(const FitOptions& options) {
  if (!parse_fit_model(to_string(options.model)) ||
      static_cast<int>(options.model) > static_cast<int>(FitModel::logistic)) {
    pardo::detail::throw_invalid(
        "fit_many", "unknown model " + std::to_string(static_cast<int>(options.model)));
  }
  if (options.response.empty())
    pardo::detail::throw_invalid("fit_many", "the response name is empty");
  if (!(options.tolerance > 0) || !std::isfinite(options.tolerance)) {
    pardo::detail::throw_invalid(
        "fit_many",
        "tolerance " + pardo::format_number(options.tolerance) + " must be positive and finite");
  }
  pardo::detail::require_positive(options.max_iterations, "fit_many", "max_iterations");
}

}  // namespace pardo::stats

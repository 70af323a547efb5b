#include "pardo/opt/cmaes.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/validate.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::opt {

namespace {

constexpr int kRedraws = 10;  // draws of a point outside the bounds before it is clipped

std::size_t lambda_of(const CmaesOptions& o, std::size_t dim) {
  const std::size_t lambda =
      o.population != 0
          ? o.population
          : 4 + static_cast<std::size_t>(std::floor(3 * std::log(static_cast<double>(dim))));
  if (lambda < 2) {
    pardo::detail::throw_invalid("Cmaes", "population = " + std::to_string(lambda) +
                                              ": it needs at least 2 points per generation");
  }
  return lambda;
}

double sigma_of(const CmaesOptions& o, const Bounds& b) {
  if (!std::isfinite(o.sigma) || o.sigma < 0) {
    char text[120];
    std::snprintf(text, sizeof text, "sigma = %g: need a finite sigma > 0 (or 0: the default)",
                  o.sigma);
    pardo::detail::throw_invalid("Cmaes", text);
  }
  if (o.sigma > 0) return o.sigma;
  double width = 0;
  for (std::size_t j = 0; j < b.dim(); ++j) width += b.upper[j] - b.lower[j];
  width /= static_cast<double>(std::max<std::size_t>(b.dim(), 1));
  return width > 0 ? 0.3 * width : 1.0;
}

}  // namespace

Cmaes::Cmaes(Problem problem, CmaesOptions options)
    : Solver(std::move(problem)), options_(options), lambda_(lambda_of(options, dim())) {
  const auto n = static_cast<double>(dim());
  mu_ = lambda_ / 2;
  weights_.resize(mu_);
  for (std::size_t i = 0; i < mu_; ++i) {
    weights_[i] =
        std::log((static_cast<double>(lambda_) + 1) / 2) - std::log(static_cast<double>(i + 1));
  }
  const double sum = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  double squares = 0;
  for (double& w : weights_) {
    w /= sum;
    squares += w * w;
  }
  mueff_ = 1 / squares;
  cc_ = (4 + mueff_ / n) / (n + 4 + 2 * mueff_ / n);
  cs_ = (mueff_ + 2) / (n + mueff_ + 5);
  c1_ = 2 / ((n + 1.3) * (n + 1.3) + mueff_);
  cmu_ = std::min(1 - c1_, 2 * (mueff_ - 2 + 1 / mueff_) / ((n + 2) * (n + 2) + mueff_));
  damps_ = 1 + 2 * std::max(0.0, std::sqrt((mueff_ - 1) / (n + 1)) - 1) + cs_;
  chi_n_ = std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  sigma_ = sigma_of(options_, this->problem().bounds);
  start();
}

void Cmaes::start() {
  const std::size_t n = dim();
  const Bounds& b = problem().bounds;
  if (!problem().x0.empty()) {
    mean_ = problem().x0;
  } else {
    random::Stream stream(seed(), 0);
    mean_.resize(n);
    for (std::size_t j = 0; j < n; ++j) mean_[j] = random::uniform(stream, b.lower[j], b.upper[j]);
  }
  path_c_.assign(n, 0.0);
  path_s_.assign(n, 0.0);
  c_.assign(n * n, 0.0);
  b_.assign(n * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) c_[j * n + j] = b_[j * n + j] = 1;
  d_.assign(n, 1.0);
}

void Cmaes::next_points(std::vector<double>& points) {
  const std::size_t n = dim();
  const Bounds& b = problem().bounds;
  // Batch b draws from stream b + 1 (the mean drew from stream 0): a restored solver draws
  // the same.
  random::Stream stream(seed(), batch() + 1);
  points.resize(lambda_ * n);
  std::vector<double> z(n);
  for (std::size_t k = 0; k < lambda_; ++k) {
    const std::span<double> x(points.data() + k * n, n);
    for (int attempt = 0;; ++attempt) {
      for (std::size_t j = 0; j < n; ++j) z[j] = random::normal(stream) * d_[j];
      bool inside = true;
      for (std::size_t i = 0; i < n; ++i) {
        double y = 0;
        for (std::size_t j = 0; j < n; ++j) y += b_[i * n + j] * z[j];
        x[i] = mean_[i] + sigma_ * y;
        inside = inside && x[i] >= b.lower[i] && x[i] <= b.upper[i];
      }
      if (inside) break;
      if (attempt + 1 == kRedraws) {
        clip(x);
        break;
      }
    }
  }
}

bool Cmaes::take_values(std::span<const double> points, std::span<const double> values) {
  const std::size_t n = dim();
  std::vector<std::size_t> order(lambda_);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t c) { return values[a] < values[c]; });
  // y_i = (x_i - m) / σ for the μ best, from the points as evaluated (clipped ones included).
  std::vector<double> y(mu_ * n);
  std::vector<double> y_w(n, 0.0);
  for (std::size_t i = 0; i < mu_; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      y[i * n + j] = (points[order[i] * n + j] - mean_[j]) / sigma_;
      y_w[j] += weights_[i] * y[i * n + j];
    }
  }
  for (std::size_t j = 0; j < n; ++j) mean_[j] += sigma_ * y_w[j];
  clip(mean_);

  // C^(-1/2) y_w = B diag(1/D) Bᵀ y_w.
  std::vector<double> t(n, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t j = 0; j < n; ++j) t[k] += b_[j * n + k] * y_w[j];
    t[k] /= d_[k];
  }
  const double ps_scale = std::sqrt(cs_ * (2 - cs_) * mueff_);
  double ps_norm = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double v = 0;
    for (std::size_t k = 0; k < n; ++k) v += b_[i * n + k] * t[k];
    path_s_[i] = (1 - cs_) * path_s_[i] + ps_scale * v;
    ps_norm += path_s_[i] * path_s_[i];
  }
  ps_norm = std::sqrt(ps_norm);
  const auto g = static_cast<double>(batch() + 1);
  const bool hsig = ps_norm / std::sqrt(1 - std::pow(1 - cs_, 2 * g)) / chi_n_ <
                    1.4 + 2 / (static_cast<double>(n) + 1);
  const double pc_scale = hsig ? std::sqrt(cc_ * (2 - cc_) * mueff_) : 0.0;
  for (std::size_t j = 0; j < n; ++j) path_c_[j] = (1 - cc_) * path_c_[j] + pc_scale * y_w[j];

  const double keep = 1 - c1_ - cmu_ + (hsig ? 0.0 : c1_ * cc_ * (2 - cc_));
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c <= r; ++c) {
      double rank_mu = 0;
      for (std::size_t i = 0; i < mu_; ++i) rank_mu += weights_[i] * y[i * n + r] * y[i * n + c];
      const double v = keep * c_[r * n + c] + c1_ * path_c_[r] * path_c_[c] + cmu_ * rank_mu;
      c_[r * n + c] = c_[c * n + r] = v;
    }
  }
  sigma_ *= std::exp(cs_ / damps_ * (ps_norm / chi_n_ - 1));
  // A step that outgrows the box a million times over says the objective is flat: cap it.
  double widest = 1;
  for (std::size_t j = 0; j < n; ++j) {
    widest = std::max(widest, problem().bounds.upper[j] - problem().bounds.lower[j]);
  }
  sigma_ = std::min(sigma_, 1e6 * widest);
  // Decompose C only every 1 / (10 d (c1 + cμ)) generations: O(d³) amortised to O(d²).
  const double lag = static_cast<double>(lambda_) / ((c1_ + cmu_) * static_cast<double>(n) * 10);
  if (static_cast<double>(batch() + 1 - decomposed_at_) * static_cast<double>(lambda_) >= lag) {
    decompose();
    decomposed_at_ = batch() + 1;
  }
  sampled_.assign(points.begin(), points.end());
  values_.assign(values.begin(), values.end());
  started_ = true;
  return true;
}

void Cmaes::decompose() {
  const auto n = static_cast<Eigen::Index>(dim());
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> c(
      c_.data(), n, n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(c);
  if (eigen.info() != Eigen::Success) return;  // keep the last good decomposition
  const Eigen::VectorXd& values = eigen.eigenvalues();
  // Round-off can make the smallest eigenvalues zero or negative: keep the condition < 1e20.
  const double floor = std::max(values.maxCoeff(), 0.0) * 1e-20 + 1e-300;
  for (Eigen::Index k = 0; k < n; ++k) {
    d_[static_cast<std::size_t>(k)] = std::sqrt(std::max(values(k), floor));
    for (Eigen::Index i = 0; i < n; ++i) {
      b_[static_cast<std::size_t>(i * n + k)] = eigen.eigenvectors()(i, k);
    }
  }
}

std::string Cmaes::options_bytes() const {
  std::string bytes;
  wire::Writer out(bytes);
  wire::encode(out, static_cast<std::uint64_t>(lambda_));
  wire::encode(out, options_.sigma);
  return bytes;
}

void Cmaes::save_state(wire::Writer& out) const {
  wire::encode(out, options_bytes());
  wire::encode(out, started_);
  wire::encode(out, mean_);
  wire::encode(out, sigma_);
  wire::encode(out, path_c_);
  wire::encode(out, path_s_);
  wire::encode(out, c_);
  wire::encode(out, b_);
  wire::encode(out, d_);
  wire::encode(out, decomposed_at_);
  wire::encode(out, sampled_);
  wire::encode(out, values_);
}

std::function<void()> Cmaes::restore_state(wire::Reader& in) {
  require_same_options(wire::decode<std::string>(in), options_bytes(), "Cmaes");
  struct State {
    bool started;
    std::vector<double> mean;
    double sigma;
    std::vector<double> path_c, path_s, c, b, d;
    std::uint64_t decomposed_at;
    std::vector<double> sampled, values;
  } s{};
  s.started = wire::decode<bool>(in);
  s.mean = wire::decode<std::vector<double>>(in);
  s.sigma = wire::decode<double>(in);
  s.path_c = wire::decode<std::vector<double>>(in);
  s.path_s = wire::decode<std::vector<double>>(in);
  s.c = wire::decode<std::vector<double>>(in);
  s.b = wire::decode<std::vector<double>>(in);
  s.d = wire::decode<std::vector<double>>(in);
  s.decomposed_at = wire::decode<std::uint64_t>(in);
  s.sampled = wire::decode<std::vector<double>>(in);
  s.values = wire::decode<std::vector<double>>(in);
  const std::size_t n = dim();
  const std::size_t population = s.started ? lambda_ : 0;
  const bool fits = s.mean.size() == n && s.path_c.size() == n && s.path_s.size() == n &&
                    s.c.size() == n * n && s.b.size() == n * n && s.d.size() == n &&
                    s.sampled.size() == population * n && s.values.size() == population &&
                    std::isfinite(s.sigma) && s.sigma > 0;
  if (!fits) throw SerializationError("restore: the CMA-ES state does not fit its dimension");
  return [this, s = std::move(s)]() mutable {
    started_ = s.started;
    mean_ = std::move(s.mean);
    sigma_ = s.sigma;
    path_c_ = std::move(s.path_c);
    path_s_ = std::move(s.path_s);
    c_ = std::move(s.c);
    b_ = std::move(s.b);
    d_ = std::move(s.d);
    decomposed_at_ = s.decomposed_at;
    sampled_ = std::move(s.sampled);
    values_ = std::move(s.values);
  };
}

}  // namespace pardo::opt

#include "pardo/mcmc/targets.hpp"

#include <cmath>
#include <string>

#include "core/validate.hpp"
#include "pardo/remote/remote_function.hpp"

namespace pardo::mcmc {

namespace {
constexpr double banana_sd1 = 10.0;
}  // namespace

double correlated_normal(std::span<const double> theta) {
  constexpr double rho = correlated_normal_rho;
  // theta' Sigma^-1 theta for the AR(1) covariance: x_1^2 + sum (x_i - rho x_{i-1})^2 / (1 -
  // rho^2).
  double previous = 0;
  double q = 0;
  for (std::size_t k = 0; k < theta.size(); ++k) {
    const double x = theta[k] - static_cast<double>(k + 1);
    const double innovation = k == 0 ? x : x - rho * previous;
    q += k == 0 ? x * x : innovation * innovation / (1 - rho * rho);
    previous = x;
  }
  return -0.5 * q;
}

Moments correlated_normal_moments(std::size_t dim) {
  Moments m{std::vector<double>(dim), std::vector<double>(dim, 1.0)};
  for (std::size_t k = 0; k < dim; ++k) m.mean[k] = static_cast<double>(k + 1);
  return m;
}

double banana(std::span<const double> theta) {
  if (theta.size() < 2) {
    pardo::detail::throw_invalid(
        "banana", "theta has " + std::to_string(theta.size()) + " coordinates; at least 2 needed");
  }
  const double x1 = theta[0];
  const double y = theta[1] - banana_curvature * (x1 * x1 - banana_sd1 * banana_sd1);
  double q = x1 * x1 / (banana_sd1 * banana_sd1) + y * y;
  for (std::size_t k = 2; k < theta.size(); ++k) q += theta[k] * theta[k];
  return -0.5 * q;
}

Moments banana_moments(std::size_t dim) {
  Moments m{std::vector<double>(dim, 0.0), std::vector<double>(dim, 1.0)};
  // Var(theta_2) = 1 + b^2 Var(theta_1^2) = 1 + 2 b^2 sd1^4.
  const double b = banana_curvature;
  if (dim >= 1) m.sd[0] = banana_sd1;
  if (dim >= 2) m.sd[1] = std::sqrt(1 + 2 * b * b * std::pow(banana_sd1, 4));
  return m;
}

PARDO_REMOTE_FUNCTION(correlated_normal);
PARDO_REMOTE_FUNCTION(banana);

}  // namespace pardo::mcmc

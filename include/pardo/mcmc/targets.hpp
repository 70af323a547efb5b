#pragma once
/// @file
/// Target densities with known moments, for checking samplers and for `pardo mcmc`. Both
/// are registered with PARDO_REMOTE_FUNCTION, so they run on worker processes too; the
/// dimension is the length of theta.

#include <cstddef>
#include <span>
#include <vector>

namespace pardo::mcmc {

/// The exact mean and standard deviation of each coordinate of a target.
/// @code
/// pardo::mcmc::Moments m = pardo::mcmc::banana_moments(2);  // mean {0, 0}, sd {10, sqrt(19)}
/// @endcode
struct Moments {
  std::vector<double> mean;
  std::vector<double> sd;
};

/// The correlation between neighbouring coordinates of correlated_normal.
/// @code
/// double r = pardo::mcmc::correlated_normal_rho;  // 0.8
/// @endcode
inline constexpr double correlated_normal_rho = 0.8;

/// The curvature b of the banana.
/// @code
/// double b = pardo::mcmc::banana_curvature;  // 0.03
/// @endcode
inline constexpr double banana_curvature = 0.03;

/// log N(theta; mu, Sigma) up to a constant, with mu_k = k + 1 and Sigma_ij = rho^|i - j|
/// (rho = correlated_normal_rho): an AR(1) covariance, unit variances, tridiagonal
/// precision, so evaluating it costs O(dim).
/// @code
/// std::vector<double> theta{1.0, 2.0, 3.0};
/// double lp = pardo::mcmc::correlated_normal(theta);  // 0: the mode
/// @endcode
double correlated_normal(std::span<const double> theta);

/// The moments of correlated_normal in `dim` dimensions: mean k + 1, sd 1.
/// @code
/// auto m = pardo::mcmc::correlated_normal_moments(10);
/// @endcode
Moments correlated_normal_moments(std::size_t dim);

/// Haario, Saksman and Tamminen's twisted Gaussian (2001) up to a constant: theta_1 ~
/// N(0, 100), theta_2 = y + b (theta_1^2 - 100) with y ~ N(0, 1) and b = banana_curvature,
/// the other coordinates N(0, 1). Needs at least 2 coordinates (std::invalid_argument).
/// @code
/// std::vector<double> theta{0.0, -3.0};
/// double lp = pardo::mcmc::banana(theta);  // 0: on the ridge
/// @endcode
double banana(std::span<const double> theta);

/// The moments of banana in `dim` dimensions: mean 0; sd 10, sqrt(1 + 2 b^2 10^4), then 1.
/// @code
/// auto m = pardo::mcmc::banana_moments(2);
/// @endcode
Moments banana_moments(std::size_t dim);

}  // namespace pardo::mcmc

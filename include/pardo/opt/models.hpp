#pragma once
/// @file
/// Test models with known minima, for checking solvers and for `pardo optimize --model`.
/// Each is registered with PARDO_REMOTE_FUNCTION, so it runs on every backend.

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace pardo::opt::models {

/// sum x_i^2: minimum 0 at 0.
/// @code
/// double f = pardo::opt::models::sphere(std::vector<double>{3, 4});  // 25
/// @endcode
double sphere(std::span<const double> x);

/// sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, d >= 2: minimum 0 at (1, ..., 1).
/// @code
/// double f = pardo::opt::models::rosenbrock(std::vector<double>{1, 1});  // 0
/// @endcode
double rosenbrock(std::span<const double> x);

/// 10 d + sum x_i^2 - 10 cos(2 pi x_i): minimum 0 at 0, a local minimum near every integer
/// point.
/// @code
/// double f = pardo::opt::models::rastrigin(std::vector<double>{0, 0});  // 0
/// @endcode
double rastrigin(std::span<const double> x);

/// -20 exp(-0.2 sqrt(mean x_i^2)) - exp(mean cos(2 pi x_i)) + 20 + e: minimum 0 at 0.
/// @code
/// double f = pardo::opt::models::ackley(std::vector<double>{0, 0});  // 0 (to rounding)
/// @endcode
double ackley(std::span<const double> x);

/// 1 + sum x_i^2 / 4000 - prod cos(x_i / sqrt(i + 1)): minimum 0 at 0.
/// @code
/// double f = pardo::opt::models::griewank(std::vector<double>{0, 0});  // 0
/// @endcode
double griewank(std::span<const double> x);

/// 418.9828872724338 d - sum x_i sin(sqrt|x_i|): minimum about 0 at x_i = 420.9687 in
/// [-500, 500]^d, far from the next best.
/// @code
/// double f = pardo::opt::models::schwefel(std::vector<double>{420.9687463, 420.9687463});
/// @endcode
double schwefel(std::span<const double> x);

/// Zimmermann's problem (d = 2): max(9 - x0 - x1, and penalties of 100 x the violation of
/// x >= 0, (x0 - 3)^2 + (x1 - 2)^2 <= 16 and x0 x1 <= 14): minimum 0 at (7, 2).
/// @code
/// double f = pardo::opt::models::zimmermann(std::vector<double>{7, 2});  // 0
/// @endcode
double zimmermann(std::span<const double> x);

/// Corana's parabola with flat pockets (weights 1, 1000, 10, 100 repeating over the axes):
/// minimum 0 wherever every |x_i| < 0.05.
/// @code
/// double f = pardo::opt::models::corana(std::vector<double>{0.01, -0.02, 0, 0});  // 0
/// @endcode
double corana(std::span<const double> x);

/// De Jong's step function 6 d + sum floor(x_i): minimum 0 wherever every x_i is in
/// [-5.12, -5) (its box is [-5.12, 5.12]^d).
/// @code
/// double f = pardo::opt::models::step(std::vector<double>{-5.1, -5.05});  // 0
/// @endcode
double step(std::span<const double> x);

/// MATLAB's peaks surface (d = 2): minimum -6.551133332835841 at
/// (0.228279999979237, -1.625531071954464).
/// @code
/// double f = pardo::opt::models::peaks(std::vector<double>{0, 0});  // 0.981
/// @endcode
double peaks(std::span<const double> x);

/// A model's facts: its function, its usual box, its dimension if fixed, and its minimum.
/// @code
/// const pardo::opt::models::Model& m = pardo::opt::models::find("rastrigin");
/// std::vector<double> at = m.argmin(10);  // ten zeros
/// @endcode
struct Model {
  std::string_view name;
  double (*function)(std::span<const double>);
  double low;  ///< the usual box is [low, high]^d
  double high;
  std::size_t fixed_dim;  ///< 0: any d >= min_dim
  std::size_t min_dim;
  double minimum;                                  ///< the known minimum value
  std::vector<double> (*argmin)(std::size_t dim);  ///< a point where it is reached
};

/// Every model, in the order listed above.
/// @code
/// for (const auto& m : pardo::opt::models::all()) std::puts(m.name.data());
/// @endcode
const std::vector<Model>& all();

/// The model called `name`; throws std::invalid_argument naming it and listing the models.
/// @code
/// auto f = pardo::opt::models::find("ackley").function;
/// @endcode
const Model& find(std::string_view name);

}  // namespace pardo::opt::models

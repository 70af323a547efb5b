#include "pardo/opt/models.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "core/validate.hpp"
#include "pardo/remote/remote_function.hpp"

namespace pardo::opt::models {

namespace {

void require_dim(std::span<const double> x, std::size_t dim, std::string_view name) {
  if (x.size() != dim) {
    pardo::detail::throw_invalid(
        name, "takes " + std::to_string(dim) + " coordinates, not " + std::to_string(x.size()));
  }
}

std::vector<double> filled(std::size_t dim, double value) {
  return std::vector<double>(dim, value);
}

}  // namespace

double sphere(std::span<const double> x) {
  double s = 0;
  for (const double v : x) s += v * v;
  return s;
}

double rosenbrock(std::span<const double> x) {
  if (x.size() < 2) pardo::detail::throw_invalid("rosenbrock", "needs at least 2 coordinates");
  double s = 0;
  for (std::size_t i = 0; i + 1 < x.size(); ++i) {
    const double a = x[i + 1] - x[i] * x[i];
    const double b = 1 - x[i];
    s += 100 * a * a + b * b;
  }
  return s;
}

double rastrigin(std::span<const double> x) {
  double s = 10 * static_cast<double>(x.size());
  for (const double v : x) s += v * v - 10 * std::cos(2 * std::numbers::pi * v);
  return s;
}

double ackley(std::span<const double> x) {
  const double n = static_cast<double>(x.size());
  double squares = 0;
  double cosines = 0;
  for (const double v : x) {
    squares += v * v;
    cosines += std::cos(2 * std::numbers::pi * v);
  }
  return -20 * std::exp(-0.2 * std::sqrt(squares / n)) - std::exp(cosines / n) + 20 +
         std::numbers::e;
}

double griewank(std::span<const double> x) {
  double s = 0;
  double p = 1;
  for (std::size_t i = 0; i < x.size(); ++i) {
    s += x[i] * x[i] / 4000;
    p *= std::cos(x[i] / std::sqrt(static_cast<double>(i + 1)));
  }
  return 1 + s - p;
}

double schwefel(std::span<const double> x) {
  double s = 418.9828872724338 * static_cast<double>(x.size());
  for (const double v : x) s -= v * std::sin(std::sqrt(std::abs(v)));
  return s;
}

double zimmermann(std::span<const double> x) {
  require_dim(x, 2, "zimmermann");
  const double x0 = x[0];
  const double x1 = x[1];
  double f = 9 - x0 - x1;
  if (x0 < 0) f = std::max(f, -100 * x0);
  if (x1 < 0) f = std::max(f, -100 * x1);
  const double r = (x0 - 3) * (x0 - 3) + (x1 - 2) * (x1 - 2);
  if (r > 16) f = std::max(f, 100 * (r - 16));
  if (x0 * x1 > 14) f = std::max(f, 100 * (x0 * x1 - 14));
  return f;
}

double corana(std::span<const double> x) {
  constexpr double weights[] = {1, 1000, 10, 100};
  double s = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double d = weights[j % 4];
    const double z = std::floor(std::abs(x[j] / 0.2) + 0.49999) * std::copysign(0.2, x[j]);
    if (std::abs(x[j] - z) < 0.05) {
      // sign(0) is 0 here, as in Corana's definition: the pocket at 0 is flat at 0.
      const double c = z == 0 ? 0.0 : z - std::copysign(0.05, z);
      s += 0.15 * c * c * d;
    } else {
      s += d * x[j] * x[j];
    }
  }
  return s;
}

double step(std::span<const double> x) {
  double s = 6 * static_cast<double>(x.size());
  for (const double v : x) s += std::floor(v);
  return s;
}

double peaks(std::span<const double> x) {
  require_dim(x, 2, "peaks");
  const double a = x[0];
  const double b = x[1];
  return 3 * (1 - a) * (1 - a) * std::exp(-a * a - (b + 1) * (b + 1)) -
         10 * (a / 5 - a * a * a - std::pow(b, 5)) * std::exp(-a * a - b * b) -
         std::exp(-(a + 1) * (a + 1) - b * b) / 3;
}

PARDO_REMOTE_FUNCTION_AS(sphere, "pardo::opt::models::sphere");
PARDO_REMOTE_FUNCTION_AS(rosenbrock, "pardo::opt::models::rosenbrock");
PARDO_REMOTE_FUNCTION_AS(rastrigin, "pardo::opt::models::rastrigin");
PARDO_REMOTE_FUNCTION_AS(ackley, "pardo::opt::models::ackley");
PARDO_REMOTE_FUNCTION_AS(griewank, "pardo::opt::models::griewank");
PARDO_REMOTE_FUNCTION_AS(schwefel, "pardo::opt::models::schwefel");
PARDO_REMOTE_FUNCTION_AS(zimmermann, "pardo::opt::models::zimmermann");
PARDO_REMOTE_FUNCTION_AS(corana, "pardo::opt::models::corana");
PARDO_REMOTE_FUNCTION_AS(step, "pardo::opt::models::step");
PARDO_REMOTE_FUNCTION_AS(peaks, "pardo::opt::models::peaks");

const std::vector<Model>& all() {
  static const std::vector<Model> models = {
      {"sphere", sphere, -5.12, 5.12, 0, 1, 0.0, [](std::size_t d) { return filled(d, 0); }},
      {"rosenbrock", rosenbrock, -5, 10, 0, 2, 0.0, [](std::size_t d) { return filled(d, 1); }},
      {"rastrigin", rastrigin, -5.12, 5.12, 0, 1, 0.0, [](std::size_t d) { return filled(d, 0); }},
      {"ackley", ackley, -32.768, 32.768, 0, 1, 0.0, [](std::size_t d) { return filled(d, 0); }},
      {"griewank", griewank, -600, 600, 0, 1, 0.0, [](std::size_t d) { return filled(d, 0); }},
      {"schwefel", schwefel, -500, 500, 0, 1, 0.0,
       [](std::size_t d) { return filled(d, 420.96874635998202); }},
      {"zimmermann", zimmermann, 0, 8, 2, 2, 0.0,
       [](std::size_t) {
         return std::vector<double>{7, 2};
       }},
      {"corana", corana, -100, 100, 0, 1, 0.0, [](std::size_t d) { return filled(d, 0); }},
      {"step", step, -5.12, 5.12, 0, 1, 0.0, [](std::size_t d) { return filled(d, -5.06); }},
      {"peaks", peaks, -3, 3, 2, 2, -6.551133332835841,
       [](std::size_t) {
         return std::vector<double>{0.228279999979237, -1.625531071954464};
       }},
  };
  return models;
}

const Model& find(std::string_view name) {
  std::string names;
  for (const Model& m : all()) {
    if (m.name == name) return m;
    names += (names.empty() ? "" : ", ") + std::string(m.name);
  }
  pardo::detail::throw_invalid(
      "models::find", "no model called '" + std::string(name) + "' (there are " + names + ")");
}

}  // namespace pardo::opt::models

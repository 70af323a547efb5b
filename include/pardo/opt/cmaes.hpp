#pragma once
/// @file
/// CMA-ES (Hansen's covariance matrix adaptation evolution strategy): a population solver
/// that learns the shape of the objective's valleys; each generation is one parallel map.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pardo/opt/solver.hpp"

namespace pardo::opt {

/// CMA-ES's settings. The defaults are Hansen's ("The CMA Evolution Strategy: A Tutorial",
/// 2016): every learning rate follows from the dimension and the population.
/// @code
/// pardo::opt::CmaesOptions o{.population = 24, .sigma = 0.5};
/// @endcode
struct CmaesOptions {
  /// λ, the points per generation; 0: 4 + floor(3 ln d). At least 2.
  std::size_t population = 0;
  /// σ₀, the first step size; 0: 0.3 × the mean width of the bounds (1 if every width is 0).
  double sigma = 0;
};

/// CMA-ES with weighted recombination of the best λ/2 points, cumulative step-size
/// adaptation and rank-one plus rank-μ covariance updates. The mean starts at the problem's
/// x0, or at a point drawn in the bounds. Bounds are strict: a sampled point outside them is
/// drawn again (up to 10 times), then moved onto the nearest wall, and the update learns from
/// the point actually evaluated. As for every solver, the first batch is generation 0, so a
/// generation_limit(G) evaluates G + 1 batches of λ. Batch b draws from stream b + 1 of the
/// problem's seed, so the trajectory is the same on every executor. Throws std::invalid_argument
/// naming a bad population or sigma.
/// @code
/// pardo::opt::Cmaes es({.bounds = pardo::opt::Bounds::cube(10, -5, 5), .seed = 3});
/// pardo::ThreadPool pool;
/// auto r = es.solve(pool, pardo::opt::models::rosenbrock,
///                   pardo::opt::value_to_reach(0, 1e-10) || pardo::opt::evaluation_limit(100000));
/// @endcode
class Cmaes : public Solver {
 public:
  explicit Cmaes(Problem problem, CmaesOptions options = {});
  /// λ, the points per generation.
  std::size_t population() const noexcept { return lambda_; }
  /// σ, the current overall step size.
  double sigma() const noexcept { return sigma_; }

 protected:
  void next_points(std::vector<double>& points) override;
  bool take_values(std::span<const double> points, std::span<const double> values) override;
  std::span<const double> candidates() const override { return sampled_; }
  std::span<const double> candidate_values() const override { return values_; }
  std::string_view kind() const override { return "cmaes"; }
  void save_state(wire::Writer& out) const override;
  std::function<void()> restore_state(wire::Reader& in) override;

 private:
  std::string options_bytes() const;
  void start();
  void decompose();
  /// The batch being sampled or told, from 0 (generation 0 is the first batch).
  std::uint64_t batch() const noexcept { return started_ ? generation() + 1 : 0; }

  CmaesOptions options_;
  std::size_t lambda_;
  std::size_t mu_;
  std::vector<double> weights_;
  double mueff_ = 0, cc_ = 0, cs_ = 0, c1_ = 0, cmu_ = 0, damps_ = 0, chi_n_ = 0;

  // The state: the mean, σ, the two evolution paths, C and its eigen decomposition
  // C = B diag(D²) Bᵀ (row-major d × d), and the generation C was last decomposed at.
  bool started_ = false;
  std::vector<double> mean_;
  double sigma_ = 0;
  std::vector<double> path_c_;
  std::vector<double> path_s_;
  std::vector<double> c_;
  std::vector<double> b_;
  std::vector<double> d_;
  std::uint64_t decomposed_at_ = 0;
  std::vector<double> sampled_;  // the last generation's points and values
  std::vector<double> values_;
};

}  // namespace pardo::opt

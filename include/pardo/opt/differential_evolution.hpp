#pragma once
/// @file
/// Differential evolution (Storn and Price, 1997): a population solver whose generations are
/// each evaluated as one parallel map.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pardo/opt/solver.hpp"
#include "pardo/random/stream.hpp"

namespace pardo::opt {

/// How a trial vector is made from the population (F: the mutation factor):
/// - `rand1bin`: x_r0 + F (x_r1 - x_r2);
/// - `best1bin`: x_best + F (x_r0 - x_r1), scipy's default;
/// - `current_to_best1bin`: x_i + F (x_best - x_i) + F (x_r0 - x_r1);
/// each followed by binomial crossover with the target x_i.
/// @code
/// auto s = pardo::opt::DeStrategy::rand1bin;
/// @endcode
enum class DeStrategy { rand1bin, best1bin, current_to_best1bin };

/// When a trial that beats its target replaces it:
/// - `deferred`: after the whole generation, whose trials are evaluated together as one
///   parallel map;
/// - `immediate`: at once, so that the generation's later trials already use it (scipy's
///   default with workers=1): fewer evaluations to converge, but one point per batch, so no
///   parallelism within a generation.
/// @code
/// auto u = pardo::opt::DeUpdating::immediate;
/// @endcode
enum class DeUpdating { deferred, immediate };

/// Differential evolution's settings; the defaults are scipy's, but for the updating, which
/// is deferred so that a generation evaluates in parallel.
/// @code
/// pardo::opt::DeOptions o{.population = 40, .strategy = pardo::opt::DeStrategy::rand1bin};
/// @endcode
struct DeOptions {
  /// Individuals; 0: 15 per dimension (scipy's popsize = 15), at least 5.
  std::size_t population = 0;
  DeStrategy strategy = DeStrategy::best1bin;
  /// F drawn uniformly in [mutation_low, mutation_high) once per generation (dither);
  /// equal ends give a fixed F.
  double mutation_low = 0.5;
  double mutation_high = 1.0;
  double crossover = 0.7;  ///< the probability that a coordinate comes from the mutant
  /// The first population by Latin hypercube sampling of the bounds (else uniform). A
  /// problem's x0 replaces individual 0.
  bool latin_hypercube = true;
  DeUpdating updating = DeUpdating::deferred;
};

/// Differential evolution within the problem's bounds: a trial coordinate that falls outside
/// is drawn again uniformly between its bounds (as scipy does). Each generation's trials are
/// evaluated together ("deferred updating"), so the trajectory is the same on every executor.
/// The random choices of generation g come from stream g of the problem's seed. Throws
/// std::invalid_argument naming a bad bound, population, mutation or crossover.
/// @code
/// pardo::opt::DifferentialEvolution de({.bounds = pardo::opt::Bounds::cube(10, -5.12, 5.12),
///                                       .seed = 1});
/// pardo::ThreadPool pool;
/// auto r = de.solve(pool, pardo::opt::models::rastrigin,
///                   pardo::opt::value_to_reach(0, 1e-6) || pardo::opt::generation_limit(2000));
/// @endcode
class DifferentialEvolution : public Solver {
 public:
  explicit DifferentialEvolution(Problem problem, DeOptions options = {});
  /// The population size in use.
  std::size_t population() const noexcept { return size_; }

 protected:
  void next_points(std::vector<double>& points) override;
  bool take_values(std::span<const double> points, std::span<const double> values) override;
  std::span<const double> candidates() const override { return population_; }
  std::span<const double> candidate_values() const override { return values_; }
  std::string_view kind() const override { return "differential-evolution"; }
  void save_state(wire::Writer& out) const override;
  std::function<void()> restore_state(wire::Reader& in) override;

 private:
  std::string options_bytes() const;
  void initial_population(std::vector<double>& points) const;
  void trials(std::vector<double>& points) const;
  void trial(std::size_t i, random::Stream& stream, double f, std::size_t best,
             std::span<double> out) const;
  double mutation(random::Stream& stream) const;
  std::size_t best_index() const;

  DeOptions options_;
  std::size_t size_;
  std::vector<double> population_;
  std::vector<double> values_;
  bool started_ = false;
  std::size_t next_ = 0;  // immediate updating: the trial of this generation to make next
  double f_ = 0;          // immediate updating: this generation's mutation factor
};

}  // namespace pardo::opt

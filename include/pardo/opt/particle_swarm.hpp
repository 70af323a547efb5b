#pragma once
/// @file
/// Particle swarm optimisation (Kennedy and Eberhart, 1995) with a global best: every
/// generation moves all particles and evaluates them as one parallel map.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pardo/opt/solver.hpp"

namespace pardo::opt {

/// The swarm's settings. The defaults are Clerc and Kennedy's constriction coefficients
/// (inertia 0.7298, both accelerations 1.49618), which converge without a velocity limit.
/// @code
/// pardo::opt::PsoOptions o{.particles = 60, .inertia = 0.6};
/// @endcode
struct PsoOptions {
  std::size_t particles = 40;  ///< at least 2
  double inertia = 0.7298;     ///< w: how much of its velocity a particle keeps
  double cognitive = 1.49618;  ///< c1: the pull towards the particle's own best
  double social = 1.49618;     ///< c2: the pull towards the swarm's best
};

/// Particle swarm within the problem's bounds: a particle that would leave them stops at the
/// wall, its velocity along that axis set to zero. A generation draws its random numbers
/// from stream g of the problem's seed, so the swarm moves the same on every executor. The
/// candidates that termination conditions see are the particles' own best points. Throws
/// std::invalid_argument naming a bad setting.
/// @code
/// pardo::opt::ParticleSwarm pso({.bounds = pardo::opt::Bounds::cube(5, -32.768, 32.768)});
/// pardo::ThreadPool pool;
/// auto r = pso.solve(pool, pardo::opt::models::ackley,
///                    pardo::opt::value_to_reach(0, 1e-6) || pardo::opt::generation_limit(3000));
/// @endcode
class ParticleSwarm : public Solver {
 public:
  explicit ParticleSwarm(Problem problem, PsoOptions options = {});

 protected:
  void next_points(std::vector<double>& points) override;
  bool take_values(std::span<const double> points, std::span<const double> values) override;
  std::span<const double> candidates() const override { return own_best_; }
  std::span<const double> candidate_values() const override { return own_best_values_; }
  std::string_view kind() const override { return "particle-swarm"; }
  void save_state(wire::Writer& out) const override;
  std::function<void()> restore_state(wire::Reader& in) override;

 private:
  std::string options_bytes() const;

  PsoOptions options_;
  std::vector<double> position_;
  std::vector<double> velocity_;
  std::vector<double> own_best_;
  std::vector<double> own_best_values_;
  bool started_ = false;
};

}  // namespace pardo::opt

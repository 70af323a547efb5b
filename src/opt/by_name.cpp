// Solvers and default stops by name, for the command line and the Python module.

#include "pardo/opt/by_name.hpp"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "pardo/opt/cmaes.hpp"
#include "pardo/opt/differential_evolution.hpp"
#include "pardo/opt/nelder_mead.hpp"
#include "pardo/opt/particle_swarm.hpp"
#include "pardo/opt/powell.hpp"

namespace pardo::opt {

namespace {

[[noreturn]] void unknown(std::string_view name) {
  throw std::invalid_argument("unknown solver '" + std::string(name) +
                              "' (nelder-mead, powell, de, pso or cmaes)");
}

}  // namespace

std::unique_ptr<Solver> make_solver(std::string_view name, const Problem& problem,
                                    std::size_t population) {
  if (name == "nelder-mead" || name == "powell") {
    if (population != 0) {
      throw std::invalid_argument("a population applies to de, pso or cmaes, not " +
                                  std::string(name));
    }
    if (name == "powell") return std::make_unique<Powell>(problem);
    return std::make_unique<NelderMead>(problem);
  }
  if (name == "de") {
    return std::make_unique<DifferentialEvolution>(problem, DeOptions{.population = population});
  }
  if (name == "pso") {
    return std::make_unique<ParticleSwarm>(
        problem, PsoOptions{.particles = population == 0 ? 40 : population});
  }
  if (name == "cmaes")
    return std::make_unique<Cmaes>(problem, CmaesOptions{.population = population});
  unknown(name);
}

Termination default_termination(std::string_view name, std::size_t dim, std::size_t lambda) {
  if (name == "nelder-mead" || name == "powell") return candidate_relative_tolerance(1e-8, 1e-8);
  if (name == "de") return population_spread(0.01, 0);
  if (name == "pso") return change_over_generations(1e-10, 100);
  if (name != "cmaes") unknown(name);
  if (lambda == 0) {
    throw std::invalid_argument("default_termination: cmaes needs its population (lambda)");
  }
  const double d = static_cast<double>(dim);
  return change_over_generations(
      1e-12, 10 + static_cast<std::uint64_t>(std::ceil(30 * d / static_cast<double>(lambda))));
}

std::size_t population_of(const Solver& solver) {
  const auto* cmaes = dynamic_cast<const Cmaes*>(&solver);
  return cmaes == nullptr ? 0 : cmaes->population();
}

}  // namespace pardo::opt

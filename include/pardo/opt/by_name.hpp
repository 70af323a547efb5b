#pragma once
/// @file
/// Solvers and their default stops by the names the command line and the Python module use:
/// `pardo::opt::make_solver` and `pardo::opt::default_termination`.

#include <cstddef>
#include <memory>
#include <string_view>

#include "pardo/opt/problem.hpp"
#include "pardo/opt/solver.hpp"
#include "pardo/opt/termination.hpp"

namespace pardo::opt {

/// The solver called `name`: "nelder-mead", "powell", "de" (best1bin), "pso" or "cmaes",
/// with its default options except `population` (de, pso and cmaes; 0: the solver's default,
/// 40 particles for pso). Throws std::invalid_argument naming an unknown solver, or a
/// population given to a solver that has none.
/// @code
/// auto solver = pardo::opt::make_solver("de", problem, 60);
/// pardo::opt::Result r = solver->solve(pool, f, pardo::opt::evaluation_limit(10'000));
/// @endcode
std::unique_ptr<Solver> make_solver(std::string_view name, const Problem& problem,
                                    std::size_t population = 0);

/// How `pardo optimize` stops the solver `name` when no tolerance is given, as scipy and pycma
/// stop them: nelder-mead and powell by candidate_relative_tolerance(1e-8, 1e-8), de by
/// population_spread(0.01), pso by change_over_generations(1e-10, 100), cmaes by
/// change_over_generations(1e-12, 10 + ceil(30 d / lambda)) for its population `lambda`.
/// Combine it with limits: `default_termination("de", d) || evaluation_limit(n)`. Throws
/// std::invalid_argument naming an unknown solver, or cmaes without its population.
/// @code
/// auto stop = pardo::opt::default_termination("pso", 4) || pardo::opt::evaluation_limit(1e5);
/// @endcode
Termination default_termination(std::string_view name, std::size_t dim, std::size_t lambda = 0);

/// The population `solver` evaluates per generation: the cmaes lambda that
/// `default_termination` needs; 0 for the other solvers.
/// @code
/// auto stop = pardo::opt::default_termination("cmaes", d, pardo::opt::population_of(*solver));
/// @endcode
std::size_t population_of(const Solver& solver);

}  // namespace pardo::opt

#pragma once
/// @file
/// pardo::opt, optimisers that evaluate in parallel on any executor: one Solver interface
/// (ask, tell, solve), Nelder–Mead and differential evolution, composable termination
/// conditions, monitors and test models.
/// @code
/// #include <pardo/opt.hpp>
/// pardo::ThreadPool pool;
/// pardo::opt::DifferentialEvolution de({.bounds = pardo::opt::Bounds::cube(5, -5, 5)});
/// auto r = de.solve(pool, pardo::opt::models::sphere, pardo::opt::generation_limit(200));
/// @endcode

#include "pardo/opt/by_name.hpp"
#include "pardo/opt/cmaes.hpp"
#include "pardo/opt/constraints.hpp"
#include "pardo/opt/differential_evolution.hpp"
#include "pardo/opt/ensemble.hpp"
#include "pardo/opt/models.hpp"
#include "pardo/opt/monitor.hpp"
#include "pardo/opt/nelder_mead.hpp"
#include "pardo/opt/particle_swarm.hpp"
#include "pardo/opt/powell.hpp"
#include "pardo/opt/problem.hpp"
#include "pardo/opt/solver.hpp"
#include "pardo/opt/termination.hpp"

#pragma once
/// @file
/// Multiple MCMC chains on any executor: random-walk Metropolis, split R-hat, bulk ESS.

#include "pardo/mcmc/diagnostics.hpp"  // IWYU pragma: export
#include "pardo/mcmc/metropolis.hpp"   // IWYU pragma: export
#include "pardo/mcmc/targets.hpp"      // IWYU pragma: export

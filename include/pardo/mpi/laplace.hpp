#pragma once
/// @file
/// Forwards to <pardo/pde/laplace_mpi.hpp>, where this header moved in 0.2; kept for one release.
#include "pardo/pde/laplace_mpi.hpp"

#pragma once
/// @file
/// Forwards to <pardo/workload/run_control.hpp>, where this header moved in 0.2; kept for one
/// release.
#include "pardo/workload/run_control.hpp"

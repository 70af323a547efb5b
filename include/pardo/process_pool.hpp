#pragma once
/// @file
/// Forwards to <pardo/process/process_pool.hpp>, where this header moved in 0.2; kept for one
/// release.
#include "pardo/process/process_pool.hpp"

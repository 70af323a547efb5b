#pragma once
/// @file
/// Forwards to <pardo/process/shared_memory.hpp>, where this header moved in 0.2; kept for one
/// release.
#include "pardo/process/shared_memory.hpp"

#pragma once
/// @file
/// Forwards to <pardo/core/tree_reduce.hpp>, where this header moved in 0.2; kept for one release.
#include "pardo/core/tree_reduce.hpp"

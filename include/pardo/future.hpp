#pragma once
/// @file
/// Forwards to <pardo/core/future.hpp>, where this header moved in 0.2; kept for one release.
#include "pardo/core/future.hpp"

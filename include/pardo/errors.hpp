#pragma once
/// @file
/// Forwards to <pardo/core/errors.hpp>, where this header moved in 0.2; kept for one release.
#include "pardo/core/errors.hpp"

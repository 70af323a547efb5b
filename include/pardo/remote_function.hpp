#pragma once
/// @file
/// Forwards to <pardo/remote/remote_function.hpp>, where this header moved in 0.2; kept for one
/// release.
#include "pardo/remote/remote_function.hpp"

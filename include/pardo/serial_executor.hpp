#pragma once
/// @file
/// Forwards to <pardo/serial/serial_executor.hpp>, where this header moved in 0.2; kept for one
/// release.
#include "pardo/serial/serial_executor.hpp"

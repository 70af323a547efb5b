#pragma once
/// @file
/// Forwards to <pardo/threads/thread_pool.hpp>, where this header moved in 0.2; kept for one
/// release.
#include "pardo/threads/thread_pool.hpp"

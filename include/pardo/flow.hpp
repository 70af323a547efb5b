#pragma once
/// @file
/// The structures of parallel programs beyond map: the bounded channel between threads and
/// the pipeline of stages.
/// @code
/// #include <pardo/flow.hpp>
/// pardo::Channel<int> channel(16);
/// @endcode

#include "pardo/flow/channel.hpp"
#include "pardo/flow/pipeline.hpp"

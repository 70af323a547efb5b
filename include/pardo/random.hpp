#pragma once
/// @file
/// pardo's random numbers: Philox4x32, reproducible streams, distributions, bulk kernels.
/// @code
/// #include <pardo/random.hpp>
/// pardo::random::StreamFamily family(/*seed=*/42, /*count=*/4);
/// pardo::random::Stream s = family.stream(2);
/// double x = pardo::random::normal(s);
/// @endcode

#include "pardo/random/bulk.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/philox.hpp"
#include "pardo/random/stream.hpp"

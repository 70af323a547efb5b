#pragma once
/// @file
/// pardo's GPU backend (CUDA): devices, and the workloads that run on them with the CPU's
/// streams.
/// @code
/// #include <pardo/cuda.hpp>
/// if (pardo::cuda::compiled_in()) {
///   pardo::mc::PiResult r = pardo::cuda::estimate_pi({.samples = 1'000'000'000});
/// }
/// @endcode

#include "pardo/cuda/bootstrap.hpp"    // IWYU pragma: export
#include "pardo/cuda/device.hpp"       // IWYU pragma: export
#include "pardo/cuda/integrate.hpp"    // IWYU pragma: export
#include "pardo/cuda/permutation.hpp"  // IWYU pragma: export
#include "pardo/cuda/pi.hpp"           // IWYU pragma: export

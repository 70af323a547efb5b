#pragma once
/// @file
/// Monte Carlo pi on a CUDA device, with the CPU's streams: block b counts Philox blocks of
/// stream (seed, b) with the same quarter-disc test as PiMethod::simd, so the hits, and the
/// estimate, are the CPU's bit for bit.

#include <cstddef>
#include <vector>

#include "pardo/cuda/device.hpp"
#include "pardo/mc/pi.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::cuda {

/// Estimates pi as mc::estimate_pi does with PiMethod::simd, on CUDA devices: the same blocks,
/// hits and estimate, bit for bit. RunInfo::backend is "cuda" and workers the devices used. A
/// stop request ends the run between launches with the blocks done so far.
/// @throws std::invalid_argument for options estimate_pi refuses, or a method other than simd
/// @throws Unavailable when no GPU can run it (the reason in the message)
/// @code
/// pardo::mc::PiResult r = pardo::cuda::estimate_pi({.samples = 10'000'000'000});
/// @endcode
mc::PiResult estimate_pi(const mc::PiOptions& options, const RunControl& control = {},
                         const Devices& where = {});

}  // namespace pardo::cuda

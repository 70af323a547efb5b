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

/// Where estimate_pi runs.
/// @code
/// pardo::cuda::PiDevices on{.devices = {0, 1}};  // blocks split over two GPUs
/// @endcode
struct PiDevices {
  /// CUDA device numbers; empty: device 0. Blocks are dealt round-robin, as MPI ranks take them.
  std::vector<int> devices{};
  /// pardo blocks per kernel launch; 0 chooses about 2^32 samples a launch. Between launches
  /// the run checks RunControl::stop and advances its progress.
  std::size_t blocks_per_launch = 0;
};

/// Estimates pi as mc::estimate_pi does with PiMethod::simd, on CUDA devices: the same blocks,
/// hits and estimate, bit for bit. RunInfo::backend is "cuda" and workers the devices used. A
/// stop request ends the run between launches with the blocks done so far.
/// @throws std::invalid_argument for options estimate_pi refuses, or a method other than simd
/// @throws Unavailable when no GPU can run it (the reason in the message)
/// @code
/// pardo::mc::PiResult r = pardo::cuda::estimate_pi({.samples = 10'000'000'000});
/// @endcode
mc::PiResult estimate_pi(const mc::PiOptions& options, const RunControl& control = {},
                         const PiDevices& where = {});

}  // namespace pardo::cuda

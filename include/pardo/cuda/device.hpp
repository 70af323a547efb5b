#pragma once
/// @file
/// pardo's GPU backend: which CUDA devices this process can use, and the error that says why
/// it cannot. Built where CMake finds a CUDA toolkit (PARDO_WITH_CUDA); elsewhere every call
/// that needs a GPU throws pardo::cuda::Unavailable, so programs build and run the same.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace pardo::cuda {

/// The GPU path cannot run: pardo was built without CUDA, no device or driver is present, the
/// driver is older than the runtime, or the device ran out of memory; what() says which.
/// @code
/// try {
///   auto r = pardo::cuda::estimate_pi({.samples = 1'000'000'000});
/// } catch (const pardo::cuda::Unavailable& e) {
///   std::cerr << e.what() << '\n';  // e.g. "no CUDA device: ..."
/// }
/// @endcode
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Whether this pardo was built with its CUDA kernels (a CUDA toolkit at build time).
/// @code
/// if (!pardo::cuda::compiled_in()) std::puts("CPU only");
/// @endcode
bool compiled_in() noexcept;

/// One CUDA device, as the runtime reports it.
/// @code
/// for (const pardo::cuda::Device& d : pardo::cuda::devices()) std::puts(d.name.c_str());
/// @endcode
struct Device {
  int index = 0;                 ///< the CUDA device number
  std::string name;              ///< as "NVIDIA H100 80GB HBM3"
  int compute_major = 0;         ///< compute capability, as 9 for sm_90
  int compute_minor = 0;         ///< as 0 for sm_90
  std::size_t memory_bytes = 0;  ///< global memory
  int multiprocessors = 0;       ///< streaming multiprocessors
};

/// The CUDA devices this process can use (CUDA_VISIBLE_DEVICES applies).
/// @throws Unavailable when pardo was built without CUDA, or with no device or usable driver
/// (the message gives the runtime's reason).
/// @code
/// std::size_t gpus = pardo::cuda::devices().size();
/// @endcode
std::vector<Device> devices();

/// Where a GPU run goes: which devices, and how many pardo blocks each launch takes.
/// @code
/// pardo::cuda::Devices on{.devices = {0, 1}};  // blocks split over two GPUs
/// @endcode
struct Devices {
  /// CUDA device numbers; empty: device 0. Launches are dealt round-robin, as MPI ranks take
  /// blocks.
  std::vector<int> devices{};
  /// pardo blocks per kernel launch; 0 lets the run choose (about 2^32 samples a launch for
  /// pi). Between launches the run checks RunControl::stop and advances its progress.
  std::size_t blocks_per_launch = 0;
};

}  // namespace pardo::cuda

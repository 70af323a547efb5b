// The CUDA runtime of a pardo built without a CUDA toolkit: every call says so.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "cuda/runtime.hpp"

namespace pardo::cuda::detail {

namespace {

[[noreturn]] void refuse() {
  throw Unavailable(
      "this pardo was built without CUDA (no CUDA toolkit when it was configured); rebuild "
      "where CMake finds nvcc to run on a GPU");
}

}  // namespace

void count_pi_blocks(int, std::uint32_t, std::uint32_t, std::uint64_t, std::size_t, std::uint64_t,
                     std::uint64_t, std::uint64_t*) {
  refuse();
}

void integrate_blocks(int, const IntegrateKernelPlan&, std::uint64_t, std::size_t,
                      mc::detail::BlockMoments*) {
  refuse();
}

void bootstrap_blocks(int, const BootstrapKernelPlan&, std::uint64_t, std::size_t, double*) {
  refuse();
}

void permutation_blocks(int, const PermutationKernelPlan&, std::uint64_t, std::size_t,
                        PermutationTally*, double*) {
  refuse();
}

std::vector<Device> list_devices() { refuse(); }

bool runtime_compiled_in() noexcept { return false; }

}  // namespace pardo::cuda::detail

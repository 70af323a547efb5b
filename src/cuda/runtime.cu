// pardo's CUDA runtime: device queries and the kernels. Each GPU thread runs code shared with
// the CPU (random/detail/philox_core.hpp, cuda/detail/*_kernel.hpp). Built with --fmad=false:
// a product and a sum fused into one rounding would not be the CPU's arithmetic.
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/runtime.hpp"
#include "pardo/cuda/detail/bootstrap_kernel.hpp"
#include "pardo/cuda/detail/integrate_kernel.hpp"
#include "pardo/cuda/detail/permutation_kernel.hpp"
#include "pardo/cuda/detail/pi_kernel.hpp"

namespace pardo::cuda::detail {

namespace {

constexpr unsigned threads_per_block = 256;

void check(cudaError_t status, const char* call) {
  if (status != cudaSuccess) {
    throw Unavailable(std::string("CUDA: ") + call + ": " + cudaGetErrorString(status) + " (" +
                      cudaGetErrorName(status) + ")");
  }
}

// Each thread counts its chunk (pi_thread_share); a warp's threads count for one pardo block
// and add to it with one atomic.
__global__ void count_kernel(std::uint32_t k0, std::uint32_t k1, std::uint64_t first_block,
                             std::uint64_t first_pair, std::uint64_t pairs, std::uint64_t per_block,
                             std::uint64_t threads, unsigned long long* counts) {
  const std::uint64_t id = std::uint64_t{blockIdx.x} * blockDim.x + threadIdx.x;
  if (id >= threads) return;  // whole warps: threads and blockDim are multiples of 32
  const PiShare share = pi_thread_share(k0, k1, first_block, first_pair, pairs, per_block, id);
  unsigned long long hits = share.hits;
  for (int offset = 16; offset > 0; offset /= 2)
    hits += __shfl_down_sync(0xffffffffu, hits, offset);
  if ((threadIdx.x & 31u) == 0) atomicAdd(&counts[share.block_offset], hits);
}

// One GPU thread a pardo block; with a grid, the cells' means of a launch's blocks
// interleaved in `cell_means` (cell c of thread t at c n + t).
__global__ void integrate_kernel(IntegrateKernelPlan plan, std::uint64_t first_block,
                                 std::uint64_t n, double* cell_means,
                                 mc::detail::BlockMoments* moments) {
  const std::uint64_t t = std::uint64_t{blockIdx.x} * blockDim.x + threadIdx.x;
  if (t >= n) return;
  moments[t] =
      block_moments(plan, first_block + t, cell_means == nullptr ? nullptr : cell_means + t, n);
}

// One GPU thread a bootstrap block, its statistics at out[t * block_resamples]; the median's
// resamples gathered in `scratch`, interleaved with the other threads' (value i of thread t at
// i n + t).
__global__ void bootstrap_kernel(BootstrapKernelPlan plan, std::uint64_t first_block,
                                 std::uint64_t n, double* out, double* scratch) {
  const std::uint64_t t = std::uint64_t{blockIdx.x} * blockDim.x + threadIdx.x;
  if (t >= n) return;
  bootstrap_block(plan, first_block + t, out + t * plan.block_resamples,
                  scratch == nullptr ? nullptr : scratch + t, n);
}

// One GPU thread a permutation block, its working copy of the pool interleaved with the other
// threads' in `pools` (value i of thread t at i n + t).
__global__ void permutation_kernel(PermutationKernelPlan plan, std::uint64_t first_block,
                                   std::uint64_t n, double* pools, PermutationTally* tallies,
                                   double* values) {
  const std::uint64_t t = std::uint64_t{blockIdx.x} * blockDim.x + threadIdx.x;
  if (t >= n) return;
  tallies[t] =
      permutation_block(plan, first_block + t, pools + t, n,
                        values == nullptr ? nullptr : values + t * plan.block_permutations);
}

// Device memory released on every path.
template <class T>
struct DeviceArray {
  T* data = nullptr;
  explicit DeviceArray(std::size_t n) {
    if (n > 0) check(cudaMalloc(&data, n * sizeof(T)), "cudaMalloc");
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  ~DeviceArray() { cudaFree(data); }
};

unsigned grid_of(std::uint64_t threads) {
  const std::uint64_t grid = (threads + threads_per_block - 1) / threads_per_block;
  if (grid > 0x7fffffffu) throw std::invalid_argument("cuda: a launch of too many threads");
  return static_cast<unsigned>(grid);
}

}  // namespace

void count_pi_blocks(int device, std::uint32_t k0, std::uint32_t k1, std::uint64_t first_block,
                     std::size_t n, std::uint64_t first_pair, std::uint64_t pairs,
                     std::uint64_t* counts) {
  if (n == 0) return;
  check(cudaSetDevice(device), "cudaSetDevice");
  DeviceArray<unsigned long long> buffer(n);
  check(cudaMemset(buffer.data, 0, n * sizeof(unsigned long long)), "cudaMemset");
  const std::uint64_t per_block = pi_threads_per_block(pairs);
  const std::uint64_t threads = per_block * n;
  count_kernel<<<grid_of(threads), threads_per_block>>>(k0, k1, first_block, first_pair, pairs,
                                                        per_block, threads, buffer.data);
  check(cudaGetLastError(), "the pi kernel's launch");
  static_assert(sizeof(unsigned long long) == sizeof(std::uint64_t));
  check(cudaMemcpy(counts, buffer.data, n * sizeof(std::uint64_t), cudaMemcpyDeviceToHost),
        "cudaMemcpy of the counts");
}

void integrate_blocks(int device, const IntegrateKernelPlan& plan, std::uint64_t first_block,
                      std::size_t n, mc::detail::BlockMoments* moments) {
  if (n == 0) return;
  check(cudaSetDevice(device), "cudaSetDevice");
  const std::size_t dim = plan.dim;
  DeviceArray<double> box(2 * dim);
  check(cudaMemcpy(box.data, plan.lower, dim * sizeof(double), cudaMemcpyHostToDevice),
        "cudaMemcpy of the box");
  check(cudaMemcpy(box.data + dim, plan.width, dim * sizeof(double), cudaMemcpyHostToDevice),
        "cudaMemcpy of the box");
  DeviceArray<double> cell_means(plan.cells > 1 ? plan.cells * n : 0);
  DeviceArray<mc::detail::BlockMoments> out(n);
  IntegrateKernelPlan on_device = plan;
  on_device.lower = box.data;
  on_device.width = box.data + dim;
  integrate_kernel<<<grid_of(n), threads_per_block>>>(on_device, first_block, n, cell_means.data,
                                                      out.data);
  check(cudaGetLastError(), "the integrate kernel's launch");
  check(cudaMemcpy(moments, out.data, n * sizeof(mc::detail::BlockMoments), cudaMemcpyDeviceToHost),
        "cudaMemcpy of the moments");
}

void bootstrap_blocks(int device, const BootstrapKernelPlan& plan, std::uint64_t first_block,
                      std::size_t n, double* out) {
  if (n == 0) return;
  check(cudaSetDevice(device), "cudaSetDevice");
  const std::size_t columns = plan.statistic == BootstrapStatistic::pearson ? 2 : 1;
  DeviceArray<double> data(columns * plan.rows);
  check(cudaMemcpy(data.data, plan.data, columns * plan.rows * sizeof(double),
                   cudaMemcpyHostToDevice),
        "cudaMemcpy of the data");
  const std::size_t values = n * plan.block_resamples;
  DeviceArray<double> statistics(values);
  DeviceArray<double> scratch(plan.statistic == BootstrapStatistic::median ? plan.rows * n : 0);
  BootstrapKernelPlan on_device = plan;
  on_device.data = data.data;
  bootstrap_kernel<<<grid_of(n), threads_per_block>>>(on_device, first_block, n, statistics.data,
                                                      scratch.data);
  check(cudaGetLastError(), "the bootstrap kernel's launch");
  check(cudaMemcpy(out, statistics.data, values * sizeof(double), cudaMemcpyDeviceToHost),
        "cudaMemcpy of the statistics");
}

void permutation_blocks(int device, const PermutationKernelPlan& plan, std::uint64_t first_block,
                        std::size_t n, PermutationTally* tallies, double* values) {
  if (n == 0) return;
  check(cudaSetDevice(device), "cudaSetDevice");
  DeviceArray<double> pool(plan.pooled);
  check(cudaMemcpy(pool.data, plan.pool, plan.pooled * sizeof(double), cudaMemcpyHostToDevice),
        "cudaMemcpy of the pooled values");
  const bool with_x = plan.arrangement != Arrangement::splits;
  DeviceArray<double> x(with_x ? plan.pooled : 0);
  if (with_x) {
    check(cudaMemcpy(x.data, plan.x, plan.pooled * sizeof(double), cudaMemcpyHostToDevice),
          "cudaMemcpy of x");
  }
  DeviceArray<double> copies(
      plan.arrangement == Arrangement::sign_patterns ? 0 : std::size_t{plan.pooled} * n);
  DeviceArray<PermutationTally> counts(n);
  const std::size_t kept = values == nullptr ? 0 : n * plan.block_permutations;
  DeviceArray<double> null_values(kept);
  PermutationKernelPlan on_device = plan;
  on_device.pool = pool.data;
  on_device.x = x.data;
  permutation_kernel<<<grid_of(n), threads_per_block>>>(on_device, first_block, n, copies.data,
                                                        counts.data, null_values.data);
  check(cudaGetLastError(), "the permutation kernel's launch");
  check(cudaMemcpy(tallies, counts.data, n * sizeof(PermutationTally), cudaMemcpyDeviceToHost),
        "cudaMemcpy of the counts");
  if (kept > 0) {
    check(cudaMemcpy(values, null_values.data, kept * sizeof(double), cudaMemcpyDeviceToHost),
          "cudaMemcpy of the null values");
  }
}

std::vector<Device> list_devices() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    throw Unavailable(std::string("no usable CUDA device: ") + cudaGetErrorString(status) + " (" +
                      cudaGetErrorName(status) + ")");
  }
  if (count == 0) throw Unavailable("no CUDA device (check CUDA_VISIBLE_DEVICES)");
  std::vector<Device> found;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp p{};
    check(cudaGetDeviceProperties(&p, i), "cudaGetDeviceProperties");
    found.push_back({i, p.name, p.major, p.minor, p.totalGlobalMem, p.multiProcessorCount});
  }
  return found;
}

bool runtime_compiled_in() noexcept { return true; }

}  // namespace pardo::cuda::detail

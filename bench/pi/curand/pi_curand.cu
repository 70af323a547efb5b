// Monte Carlo pi with cuRAND's Philox4x32-10 (its host API): the GPU peer a CUDA programmer
// writes first. curandGenerateUniform fills a device buffer with two floats a point, a batch at
// a time, and a kernel counts the points inside the quarter disc.
//
//   pi_curand --samples N --workers 1 --seed S
//
// Prints one JSON line: {"runtime": "curand_philox", "workers": 1, "samples": N, "estimate":
// ..., "seconds": T}, where T is the wall time of generating and counting (the generator, its
// first batch and the buffer are made before the clock starts). cuRAND's floats carry 24
// random bits a coordinate where pardo's test takes 31, and its streams are not pardo's, so
// the estimate differs from pardo's; the rate is what it is compared on.
#include <cuda_runtime.h>
#include <curand.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "../peer_args.hpp"

namespace {

// Points a batch: 2^27 (1 GiB of floats).
constexpr std::uint64_t batch_points = std::uint64_t{1} << 27;

void check(cudaError_t status, const char* call) {
  if (status != cudaSuccess) {
    std::fprintf(stderr, "pi_curand: %s: %s\n", call, cudaGetErrorString(status));
    std::exit(3);
  }
}

void check(curandStatus_t status, const char* call) {
  if (status != CURAND_STATUS_SUCCESS) {
    std::fprintf(stderr, "pi_curand: %s: cuRAND status %d\n", call, static_cast<int>(status));
    std::exit(3);
  }
}

// Grid-stride count of the points (x, y) with x^2 + y^2 < 1; one atomic a warp.
__global__ void count_inside(const float* xy, std::uint64_t points, unsigned long long* hits) {
  unsigned long long count = 0;
  const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
  for (std::uint64_t i = std::uint64_t{blockIdx.x} * blockDim.x + threadIdx.x; i < points;
       i += stride) {
    const float x = xy[2 * i];
    const float y = xy[2 * i + 1];
    count += x * x + y * y < 1.0f ? 1 : 0;
  }
  for (int offset = 16; offset > 0; offset /= 2)
    count += __shfl_down_sync(0xffffffffu, count, offset);
  if ((threadIdx.x & 31u) == 0) atomicAdd(hits, count);
}

}  // namespace

int main(int argc, char** argv) {
  pi_peer::Args args;
  if (!pi_peer::parse_or_usage(argc, argv, args)) return 2;
  int multiprocessors = 0;
  check(cudaDeviceGetAttribute(&multiprocessors, cudaDevAttrMultiProcessorCount, 0),
        "cudaDeviceGetAttribute");
  const std::uint64_t batch = std::min(batch_points, args.samples);
  // curandGenerateUniform with Philox takes a multiple of 4 floats.
  const std::uint64_t floats = (2 * batch + 3) / 4 * 4;
  float* xy = nullptr;
  unsigned long long* hits = nullptr;
  check(cudaMalloc(&xy, floats * sizeof(float)), "cudaMalloc");
  check(cudaMalloc(&hits, sizeof(unsigned long long)), "cudaMalloc");
  curandGenerator_t generator;
  check(curandCreateGenerator(&generator, CURAND_RNG_PSEUDO_PHILOX4_32_10),
        "curandCreateGenerator");
  check(curandSetPseudoRandomGeneratorSeed(generator, args.seed), "curandSetSeed");
  // The generator's set-up and the kernel's first load, outside the clock.
  check(curandGenerateUniform(generator, xy, floats), "curandGenerateUniform");
  check(curandSetGeneratorOffset(generator, 0), "curandSetGeneratorOffset");
  check(cudaMemset(hits, 0, sizeof(unsigned long long)), "cudaMemset");
  const unsigned blocks = static_cast<unsigned>(multiprocessors) * 8;
  count_inside<<<blocks, 256>>>(xy, 0, hits);
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");

  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t done = 0; done < args.samples;) {
    const std::uint64_t points = std::min(batch, args.samples - done);
    check(curandGenerateUniform(generator, xy, (2 * points + 3) / 4 * 4), "curandGenerateUniform");
    count_inside<<<blocks, 256>>>(xy, points, hits);
    check(cudaGetLastError(), "count_inside");
    done += points;
  }
  unsigned long long inside = 0;
  check(cudaMemcpy(&inside, hits, sizeof inside, cudaMemcpyDeviceToHost), "cudaMemcpy");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double estimate = 4.0 * static_cast<double>(inside) / static_cast<double>(args.samples);
  std::printf(
      "{\"runtime\": \"curand_philox\", \"workers\": 1, \"samples\": %llu, \"estimate\": %.17g, "
      "\"seconds\": %.9g}\n",
      static_cast<unsigned long long>(args.samples), estimate, seconds);
  curandDestroyGenerator(generator);
  cudaFree(hits);
  cudaFree(xy);
  return 0;
}

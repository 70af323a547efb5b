// Monte Carlo pi with OpenMP and std::mt19937_64: the C++ peer a C++ programmer writes first.
//
//   pi_omp --samples N --workers W --seed S
//
// Prints one JSON line: {"runtime": "omp_mt19937_64", "workers": W, "samples": N,
// "estimate": ..., "seconds": T}, where T is the wall time of the estimation only (the
// OpenMP thread team is started by an empty parallel region before the clock starts).
//
// Each thread owns a std::mt19937_64 seeded through std::seed_seq from (seed, thread
// number), so the threads draw distinct streams; a point is two
// std::uniform_real_distribution<double>(0, 1) draws, inside when x*x + y*y < 1. The loop is
// an `omp for` with a static schedule and a reduction on the hit count. The estimate
// depends on the worker count (each thread has its own stream), as in the usual OpenMP code.
#include <omp.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>

#include "../peer_args.hpp"

#ifndef PI_RUNTIME_NAME
#define PI_RUNTIME_NAME "omp_mt19937_64"
#endif

namespace {

using pi_peer::Args;

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!pi_peer::parse_or_usage(argc, argv, args)) return 2;
  const auto n = static_cast<std::int64_t>(args.samples);
  omp_set_dynamic(0);
  omp_set_num_threads(static_cast<int>(args.workers));

  // Start the thread team outside the timed region.
  int team = 0;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
  }

  std::uint64_t hits = 0;
  const auto start = std::chrono::steady_clock::now();
#pragma omp parallel reduction(+ : hits)
  {
    const auto thread = static_cast<std::uint64_t>(omp_get_thread_num());
    std::seed_seq seq{static_cast<std::uint32_t>(args.seed),
                      static_cast<std::uint32_t>(args.seed >> 32),
                      static_cast<std::uint32_t>(thread)};
    std::mt19937_64 gen(seq);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      const double x = uniform(gen);
      const double y = uniform(gen);
      if (x * x + y * y < 1.0) ++hits;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const double estimate = 4.0 * static_cast<double>(hits) / static_cast<double>(n);
  std::printf("{\"runtime\": \"" PI_RUNTIME_NAME
              "\", \"workers\": %d, \"samples\": %llu, \"estimate\": "
              "%.17g, \"seconds\": %.9g}\n",
              team, static_cast<unsigned long long>(args.samples), estimate, seconds);
  return 0;
}

// Monte Carlo pi with oneTBB and Random123's Philox4x32: the counter-based C++ peer.
//
//   pi_tbb --samples N --workers W --seed S
//
// Prints one JSON line: {"runtime": "tbb_philox", "workers": W, "samples": N,
// "estimate": ..., "seconds": T}, where T is the wall time of the estimation only (the TBB
// workers are started by a small warm-up reduction before the clock starts).
//
// The samples are cut into blocks of kBlockPoints points; block b uses the Philox4x32-10
// counters {j, 0, lo(b), hi(b)} for j = 0, 1, ... under the key {lo(seed), hi(seed)}. Each
// Philox output (w0, w1, w2, w3) gives two points, (w0, w1) and (w2, w3), each word turned
// into a double in (0, 1) by r123::u01<double>; a point is inside when x*x + y*y < 1.
// tbb::parallel_reduce sums the per-block counts, an exact integer sum, so the estimate is
// the same at every worker count. The worker count is set with tbb::global_control.
#include <Random123/philox.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_reduce.h>
#include <Random123/uniform.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>

#include "../peer_args.hpp"

#ifndef PI_RUNTIME_NAME
#define PI_RUNTIME_NAME "tbb_philox"
#endif

namespace {

using Philox = r123::Philox4x32;

constexpr std::uint64_t kBlockPoints = std::uint64_t{1} << 16;

using pi_peer::Args;

bool inside(std::uint32_t a, std::uint32_t b) {
  const double x = r123::u01<double>(a);
  const double y = r123::u01<double>(b);
  return x * x + y * y < 1.0;
}

// Points [first, first + count) of block `block`; first and count are even except for a
// final odd point.
std::uint64_t count_block(const Philox::key_type& key, std::uint64_t block, std::uint64_t points) {
  Philox philox;
  Philox::ctr_type ctr = {
      {0, 0, static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32)}};
  std::uint64_t hits = 0;
  const std::uint64_t pairs = points / 2;
  for (std::uint64_t j = 0; j < pairs; ++j) {
    ctr.v[0] = static_cast<std::uint32_t>(j);
    const Philox::ctr_type r = philox(ctr, key);
    hits += inside(r.v[0], r.v[1]) ? 1u : 0u;
    hits += inside(r.v[2], r.v[3]) ? 1u : 0u;
  }
  if (points % 2 != 0) {
    ctr.v[0] = static_cast<std::uint32_t>(pairs);
    const Philox::ctr_type r = philox(ctr, key);
    hits += inside(r.v[0], r.v[1]) ? 1u : 0u;
  }
  return hits;
}

std::uint64_t count_inside(const Philox::key_type& key, std::uint64_t samples) {
  const std::uint64_t blocks = (samples + kBlockPoints - 1) / kBlockPoints;
  return tbb::parallel_reduce(
      tbb::blocked_range<std::uint64_t>(0, blocks), std::uint64_t{0},
      [&](const tbb::blocked_range<std::uint64_t>& range, std::uint64_t hits) {
        for (std::uint64_t b = range.begin(); b != range.end(); ++b) {
          const std::uint64_t first = b * kBlockPoints;
          hits += count_block(key, b, std::min(kBlockPoints, samples - first));
        }
        return hits;
      },
      std::plus<>{});
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!pi_peer::parse_or_usage(argc, argv, args)) return 2;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(args.workers));
  const Philox::key_type key = {
      {static_cast<std::uint32_t>(args.seed), static_cast<std::uint32_t>(args.seed >> 32)}};

  // Start the TBB workers outside the timed region.
  const std::uint64_t warm = count_inside(key, 64 * kBlockPoints);

  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t hits = count_inside(key, args.samples);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const double estimate = 4.0 * static_cast<double>(hits) / static_cast<double>(args.samples);
  std::printf("{\"runtime\": \"" PI_RUNTIME_NAME
              "\", \"workers\": %llu, \"samples\": %llu, \"estimate\": "
              "%.17g, \"seconds\": %.9g}\n",
              static_cast<unsigned long long>(
                  tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism)),
              static_cast<unsigned long long>(args.samples), estimate, seconds);
  return warm > 0 ? 0 : 1;
}

// A streamed map over an endless input: Monte Carlo batches keyed 0, 1, 2, ... are mapped
// lazily until the estimate is precise enough. `imap` reads the endless batch numbers only a
// few chunks ahead of the loop, so memory stays constant however long it runs, and breaking
// out of the loop cancels the batches not started. Batches are consumed in order and batch b
// draws from stream (seed, b), so the answer, and the number of batches it took, are the
// same on any number of workers. It exits 1 if the estimate is more than 5 standard errors
// from pi.
//
//   streamed_map [workers] [target standard error]

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <pardo/random.hpp>
#include <pardo/thread_pool.hpp>
#include <ranges>

namespace {

constexpr std::uint64_t seed = 2026;
constexpr int points_per_batch = 100'000;

/// Points of batch b inside the quarter disc.
std::uint64_t inside(std::uint64_t batch) {
  pardo::random::Stream stream(seed, batch);
  std::uint64_t count = 0;
  for (int i = 0; i < points_per_batch; ++i) {
    const double x = pardo::random::uniform(stream, 0.0, 1.0);
    const double y = pardo::random::uniform(stream, 0.0, 1.0);
    count += x * x + y * y < 1.0 ? 1 : 0;
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t workers = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 0;
  const double target = argc > 2 ? std::strtod(argv[2], nullptr) : 5e-4;
  if (!(target > 0.0) || !std::isfinite(target)) {
    std::fprintf(stderr, "streamed_map: the target standard error must be > 0; got %s\n", argv[2]);
    return 2;
  }
  pardo::ThreadPool pool(workers);  // 0: the CPUs this process may run on

  std::uint64_t hits = 0;
  std::uint64_t batches = 0;
  double estimate = 0.0;
  double std_error = 0.0;
  for (const std::uint64_t batch_hits :
       pool.imap(inside, std::views::iota(std::uint64_t{0}), {.chunksize = 1})) {
    hits += batch_hits;
    ++batches;
    const double n = static_cast<double>(batches) * points_per_batch;
    const double p = static_cast<double>(hits) / n;
    estimate = 4.0 * p;
    std_error = 4.0 * std::sqrt(p * (1.0 - p) / n);
    if (batches >= 4 && std_error < target) break;
  }
  std::printf("pi ~ %.6f +- %.6f after %llu batches of %d points on %zu workers\n", estimate,
              std_error, static_cast<unsigned long long>(batches), points_per_batch, pool.size());
  return std::abs(estimate - std::numbers::pi) < 5 * std_error ? 0 : 1;
}

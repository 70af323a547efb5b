#pragma once
/// @file
/// Monte Carlo pi: pardo's running example, exactly reproducible on any executor.

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <ranges>
#include <stop_token>
#include <string_view>

#include "pardo/core/options.hpp"

namespace pardo {
class ProcessPool;
namespace mpi {
class Pool;
}  // namespace mpi
}  // namespace pardo

namespace pardo::mc {

/// The ladder of implementations, slowest first.
/// @code
/// pardo::mc::PiOptions options{.method = pardo::mc::PiMethod::batched};
/// @endcode
enum class PiMethod {
  naive,    ///< std::mt19937_64 and std::uniform_real_distribution per sample: the random.uniform
            ///< loop
  batched,  ///< Philox doubles into arrays, then count: the numpy way, in bounded chunks
  simd,     ///< Philox, test and count fused in SIMD registers, no arrays
};

/// "naive", "batched" or "simd".
/// @code
/// assert(pardo::mc::to_string(pardo::mc::PiMethod::simd) == "simd");
/// @endcode
std::string_view to_string(PiMethod method) noexcept;

/// The method named `name`, or nullopt.
/// @code
/// auto method = pardo::mc::parse_pi_method("batched");  // PiMethod::batched
/// @endcode
std::optional<PiMethod> parse_pi_method(std::string_view name) noexcept;

/// What to estimate. The samples are cut into blocks of `block_samples` (the last may be
/// shorter); block b draws from random stream (seed, b), so the result depends on these
/// options alone, never on the executor, its worker count or its schedule.
/// @code
/// pardo::mc::PiOptions options{.samples = 1'000'000'000, .seed = 7};
/// @endcode
struct PiOptions {
  std::uint64_t samples = 100'000'000;
  std::uint64_t seed = 42;
  PiMethod method = PiMethod::simd;
  std::uint64_t block_samples = std::uint64_t{1} << 22;
};

/// Hooks for a caller that watches or stops a run.
/// @code
/// std::atomic<std::uint64_t> done{0};
/// std::stop_source stop;
/// pardo::mc::PiControl control{.stop = stop.get_token(), .samples_done = &done};
/// @endcode
struct PiControl {
  /// Blocks not started when a stop is requested are skipped; the result is then partial.
  std::stop_token stop{};
  /// If set, increased by each block's samples as the block finishes.
  std::atomic<std::uint64_t>* samples_done = nullptr;
};

/// An estimate with its uncertainty and the work behind it.
/// @code
/// auto r = pardo::mc::estimate_pi(pool, options);
/// std::printf("%.10f +- %.2g\n", r.estimate, r.std_error);
/// @endcode
struct PiResult {
  double estimate = 0;   ///< 4 * hits / samples
  double std_error = 0;  ///< 4 * sqrt(p (1 - p) / samples), p = hits / samples
  double ci_low = 0;     ///< 95% interval: estimate -/+ 1.959964 std_error
  double ci_high = 0;
  double abs_error = 0;       ///< |estimate - pi|
  std::uint64_t samples = 0;  ///< samples drawn (all requested, unless stopped)
  std::uint64_t hits = 0;     ///< samples inside the quarter disc
  std::uint64_t blocks_done = 0;
  std::uint64_t blocks_total = 0;
  double seconds = 0;
  double samples_per_second = 0;
  bool complete = false;  ///< false if stopped before every block ran
};

namespace detail {

struct BlockCount {
  std::uint64_t hits = 0;
  std::uint64_t samples = 0;
  std::uint64_t blocks = 0;
  friend BlockCount operator+(const BlockCount& a, const BlockCount& b) noexcept {
    return {a.hits + b.hits, a.samples + b.samples, a.blocks + b.blocks};
  }
};

/// Throws std::invalid_argument naming a zero sample count or block size.
void validate(const PiOptions& options);
/// Samples of block `block` inside the quarter disc, drawn the way `options.method` draws.
std::uint64_t count_block(const PiOptions& options, std::uint64_t block, std::uint64_t samples);
PiResult summarise(const BlockCount& total, std::uint64_t blocks_total, double seconds);

}  // namespace detail

/// Estimates pi by sampling the unit square on `executor` (any pardo executor). Hits are
/// counted exactly as integers, so the estimate is bit-identical for any executor, worker
/// count and schedule. Throws std::invalid_argument for zero samples or block size.
/// @code
/// pardo::ThreadPool pool;
/// auto r = pardo::mc::estimate_pi(pool, {.samples = 10'000'000'000, .method =
/// pardo::mc::PiMethod::simd});
/// @endcode
template <class Executor>
PiResult estimate_pi(Executor& executor, const PiOptions& options, const PiControl& control = {}) {
  detail::validate(options);
  const std::uint64_t blocks = options.samples / options.block_samples +
                               (options.samples % options.block_samples != 0 ? 1 : 0);
  const auto start = std::chrono::steady_clock::now();
  const auto block_count = [&](std::uint64_t b) -> detail::BlockCount {
    if (control.stop.stop_requested()) return {};
    const std::uint64_t n =
        std::min(options.block_samples, options.samples - b * options.block_samples);
    const std::uint64_t hits = detail::count_block(options, b, n);
    if (control.samples_done != nullptr)
      control.samples_done->fetch_add(n, std::memory_order_relaxed);
    return {hits, n, 1};
  };
  const detail::BlockCount total = executor.map_reduce(
      std::views::iota(std::uint64_t{0}, blocks), block_count, std::plus<>{}, detail::BlockCount{},
      MapOptions{.chunksize = 1, .schedule = Schedule::automatic});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return detail::summarise(total, blocks, seconds);
}

/// `estimate_pi` on worker processes: the same blocks and streams as on threads, so the
/// same bits. Blocks in flight when a stop is requested finish; the rest are cancelled.
/// @code
/// pardo::ProcessPool pool(4);
/// pardo::mc::PiResult r = pardo::mc::estimate_pi(pool, {.samples = 1'000'000'000});
/// @endcode
PiResult estimate_pi(ProcessPool& pool, const PiOptions& options, const PiControl& control = {});

/// `estimate_pi` on MPI ranks (call it on the pool's master; link pardo::mpi): the same
/// blocks and streams, so the same bits as one thread, for any number of ranks.
/// @code
/// pardo::mpi::Pool pool(env.world());
/// if (pool.is_master()) print(pardo::mc::estimate_pi(pool, {.samples = 10'000'000'000}));
/// @endcode
PiResult estimate_pi(mpi::Pool& pool, const PiOptions& options, const PiControl& control = {});

}  // namespace pardo::mc

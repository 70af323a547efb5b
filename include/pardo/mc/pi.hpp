#pragma once
/// @file
/// Monte Carlo pi: pardo's running example, exactly reproducible on any executor.

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string_view>

#include "pardo/executor.hpp"
#include "pardo/workload/blocks.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

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

/// What to estimate. The samples are cut into blocks of `pi_block_samples(options)` (the
/// last may be shorter); block b draws from random stream (seed, b), so the result depends
/// on these options alone, never on the executor, its worker count or its schedule.
/// @code
/// pardo::mc::PiOptions options{.samples = 1'000'000'000, .seed = 7};
/// @endcode
struct PiOptions {
  std::uint64_t samples = 100'000'000;
  std::uint64_t seed = 42;
  PiMethod method = PiMethod::simd;
  /// Samples per block; 0 chooses 2^22, or more for a run above 2^44 samples so that it has
  /// at most 2^22 blocks (see pi_block_samples).
  std::uint64_t block_samples = 0;
};

/// An estimate with its uncertainty and the work behind it.
/// @code
/// auto r = pardo::mc::estimate_pi(pool, options);
/// std::printf("%.10f +- %.2g in %.1f s\n", r.estimate, r.std_error, r.run.seconds);
/// @endcode
struct PiResult {
  double estimate = 0;        ///< 4 * hits / samples
  double std_error = 0;       ///< 4 * sqrt(p (1 - p) / samples), p = hits / samples
  Interval interval{};        ///< 95%: estimate -/+ 1.959964 std_error
  double abs_error = 0;       ///< |estimate - pi|
  std::uint64_t samples = 0;  ///< samples drawn (all requested, unless stopped)
  std::uint64_t hits = 0;     ///< samples inside the quarter disc
  double samples_per_second = 0;
  RunInfo run{};  ///< blocks done and planned, seconds, complete, backend, workers
};

/// Throws std::invalid_argument naming a zero sample count or an unknown method: what
/// `estimate_pi` checks first.
/// @code
/// pardo::mc::validate(pardo::mc::PiOptions{.samples = 0});  // throws: samples must be positive
/// @endcode
void validate(const PiOptions& options);

/// The samples per block a run of `options` uses: `block_samples` if set; else 2^22, or
/// ceil(samples / 2^22) if that is larger, so that an automatic run never has more than 2^22
/// blocks to keep account of (and runs of up to 2^44 samples keep the blocks of 2^22).
/// @code
/// assert(pardo::mc::pi_block_samples({.samples = 1'000'000}) == 4'194'304);
/// @endcode
std::uint64_t pi_block_samples(const PiOptions& options) noexcept;

/// The blocks `estimate_pi` runs for `options`: ceil(samples / pi_block_samples(options)),
/// what a progress bar counts `RunControl::blocks_done` up to.
/// @code
/// std::uint64_t total = pardo::mc::pi_blocks({.samples = 10'000'000'000});
/// @endcode
std::uint64_t pi_blocks(const PiOptions& options) noexcept;

namespace detail {

/// Block b of a run, for a worker process or MPI rank.
struct PiTask {
  PiOptions options;
  std::uint64_t block = 0;
};

/// The hits among block `block`'s samples, drawn the way `options.method` draws. Checks
/// `stop` every few million samples and throws BlockStopped once it is requested.
std::uint64_t count_block(const PiOptions& options, std::uint64_t block,
                          const std::stop_token& stop = {});
/// `count_block` in a worker; registered with PARDO_REMOTE in src/mc/pi.cpp.
std::uint64_t pi_block(PiTask task);
/// The estimate from the blocks' hits, in block order.
PiResult summarise(const PiOptions& options, const BlockRun<std::uint64_t>& run);

}  // namespace detail

/// Estimates pi by sampling the unit square on `executor`: any pardo executor, worker
/// processes and MPI ranks included (call it on an mpi::Pool's master; link pardo::mpi).
/// Hits are counted exactly as integers, so the estimate is bit-identical for any executor,
/// backend, worker count and schedule. Blocks not started when `control.stop` is requested are
/// skipped, a block running in this process stops within a few milliseconds, and the result is
/// partial (`run.complete` false). Throws std::invalid_argument for zero samples.
/// @code
/// pardo::ThreadPool pool;
/// auto r = pardo::mc::estimate_pi(pool, {.samples = 10'000'000'000});
/// pardo::ProcessPool workers(4);
/// auto same = pardo::mc::estimate_pi(workers, {.samples = 10'000'000'000});  // same bits
/// @endcode
template <RemoteExecutor E>
PiResult estimate_pi(E& executor, const PiOptions& options, const RunControl& control = {}) {
  validate(options);
  const auto local = [&](std::uint64_t b) { return detail::count_block(options, b, control.stop); };
  const auto remote = remote_blocks(&detail::pi_block, [&](std::uint64_t b) {
    return detail::PiTask{options, b};
  });
  const std::uint64_t per_block = pi_block_samples(options);
  return detail::summarise(options, run_blocks(executor, pi_blocks(options), local, remote, control,
                                               {"sampling", "samples", options.samples,
                                                even_units(per_block, options.samples)}));
}

}  // namespace pardo::mc

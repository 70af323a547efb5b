#pragma once
/// @file
/// A workload in two files, as CONTRIBUTING.md builds it: the birthday problem by Monte Carlo.
/// How likely is it that, among `people` people with uniform random birthdays, two share
/// one? Block b simulates its trials from random stream (seed, b), so the estimate has the
/// same bits on every executor, backend and worker count.

#include <cstdint>
#include <pardo/executor.hpp>
#include <pardo/workload/blocks.hpp>
#include <pardo/workload/run_control.hpp>
#include <pardo/workload/run_info.hpp>

namespace birthday {

/// What to simulate.
/// @code
/// birthday::Options options{.people = 23, .trials = 1'000'000};
/// @endcode
struct Options {
  std::uint32_t people = 23;
  std::uint64_t trials = 100'000;
  std::uint64_t seed = 42;
  std::uint64_t block_trials = 4096;  ///< trials per block: fixes the streams
};

/// The estimated probability of a shared birthday and the work behind it.
/// @code
/// auto r = birthday::estimate(pool, {.people = 23});
/// std::printf("%.4f +- %.4f\n", r.probability, r.std_error);
/// @endcode
struct Result {
  double probability = 0;  ///< shared / trials
  double std_error = 0;    ///< sqrt(p (1 - p) / trials)
  pardo::Interval interval{};
  std::uint64_t trials = 0;  ///< trials run (all requested, unless stopped)
  std::uint64_t shared = 0;  ///< trials in which two people shared a birthday
  pardo::RunInfo run{};
};

/// Throws std::invalid_argument naming a bad value: no people, more than 365, no trials,
/// a zero block size.
/// @code
/// birthday::validate({.people = 0});  // throws
/// @endcode
void validate(const Options& options);

/// The blocks `estimate` runs: what a progress bar counts to.
/// @code
/// std::uint64_t total = birthday::blocks(options);
/// @endcode
std::uint64_t blocks(const Options& options) noexcept;

/// The exact probability, 1 - 365! / ((365 - people)! 365^people), to check against.
/// @code
/// double p = birthday::exact(23);  // 0.5072972...
/// @endcode
double exact(std::uint32_t people);

namespace detail {

/// Block b of a run, for a worker process or MPI rank: everything the block needs.
struct BirthdayTask {
  Options options;
  std::uint64_t block = 0;
};

/// Trials of block `block` in which a birthday was shared.
std::uint64_t count_shared(const Options& options, std::uint64_t block);
/// `count_shared` in a worker; registered with PARDO_REMOTE in birthday.cpp.
std::uint64_t birthday_block(BirthdayTask task);
/// The estimate from the blocks' counts, in block order.
Result summarise(const Options& options, const pardo::BlockRun<std::uint64_t>& run);

}  // namespace detail

/// Estimates the probability on `executor`: any pardo executor, worker processes and MPI
/// ranks included. Blocks not started when `control.stop` is requested are skipped.
/// @code
/// pardo::ThreadPool pool;
/// birthday::Result r = birthday::estimate(pool, {.people = 23, .trials = 1'000'000});
/// @endcode
template <pardo::RemoteExecutor E>
Result estimate(E& executor, const Options& options, const pardo::RunControl& control = {}) {
  validate(options);
  const auto local = [&](std::uint64_t b) { return detail::count_shared(options, b); };
  const auto remote = pardo::remote_blocks(&detail::birthday_block, [&](std::uint64_t b) {
    return detail::BirthdayTask{options, b};
  });
  return detail::summarise(options,
                           pardo::run_blocks(executor, blocks(options), local, remote, control));
}

}  // namespace birthday

#pragma once
// Power by simulation's machinery, for the templates of pardo/stats/power.hpp (its only
// includer, once the public types are declared): the replications' draws, the block
// functions, and the runs on any executor.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::stats {

namespace detail {

/// Throws std::invalid_argument naming a bad effect, group size, alpha or replication count.
void validate(const PowerOptions& options, std::string_view caller);
void validate(const SampleSizeOptions& search, std::string_view caller);
std::size_t second_group(const PowerOptions& options);
/// ceil(ratio * n), at least 2.
std::size_t ratio_size(std::size_t n, double ratio);
/// Fills x and y with replication r's draws; false if `stop` came first (a large group
/// checks it every million draws), the draws then incomplete.
bool draw_replication(const PowerOptions& options, std::uint64_t r, std::vector<double>& x,
                      std::vector<double>& y, const std::stop_token& stop = {});
/// What a block hands back: its rejections among the replications it finished (all of the
/// block's, unless a stop cut it short).
struct PowerCounts {
  std::uint64_t rejections = 0;
  std::uint64_t replications = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(rejections, replications);
  }
};

/// Block `block` by options.test, or by `test` if it is not empty; stops between
/// replications (and within a permutation test's permutations) once `stop` is requested.
PowerCounts power_rejections(const PowerOptions& options, std::uint64_t block,
                             const PowerTestFunction& test, const std::stop_token& stop);

template <class Test>
PowerCounts user_rejections(const PowerOptions& options, std::uint64_t block, const Test& test,
                            const std::stop_token& stop) {
  const std::uint64_t first = block * options.block_replications;
  const std::uint64_t last = std::min(options.replications, first + options.block_replications);
  std::vector<double> x;
  std::vector<double> y;
  PowerCounts counts;
  for (std::uint64_t r = first; r < last && !stop.stop_requested(); ++r) {
    if (!draw_replication(options, r, x, y, stop)) break;
    const double p = test(std::span<const double>(x), std::span<const double>(y));
    counts.rejections += p < options.alpha ? 1u : 0u;
    ++counts.replications;
  }
  return counts;
}

/// Block `block` of a run, for a worker process or MPI rank.
struct PowerTask {
  PowerOptions options;
  std::uint64_t block;
  std::uint64_t test_id;  ///< a PowerTestFunction's id, 0 for options.test
};

/// One block's rejections; registered with PARDO_REMOTE in src/stats/power.cpp.
PowerCounts power_block(PowerTask task);

/// The result from the blocks' counts in block order, without its RunInfo.
PowerResult summarise_power(const PowerOptions& options,
                            const std::vector<std::optional<PowerCounts>>& blocks);

/// `test` is nullptr for options.test.
/// Throws std::invalid_argument, naming the size, unless `workers` replications at once (each
/// holds both groups and a permutation test's pooled copy) fit in memory.
void require_replication_memory(const PowerOptions& options, std::size_t workers);

template <RemoteExecutor E, class Test>
PowerResult run_power(E& executor, const PowerOptions& options, const Test* test,
                      const RunControl& control) {
  require_replication_memory(options, executor.size());
  static_assert(Executor<E> || std::is_same_v<Test, PowerTestFunction>,
                "power: on worker processes and MPI ranks the test must be a "
                "pardo::stats::PowerTestFunction (a registered function)");
  const std::uint64_t test_id =
      test == nullptr ? 0 : remote_handle<PowerTestFunction, E>(*test).id();
  const auto local = [&](std::uint64_t b) {
    if (test == nullptr) return power_rejections(options, b, PowerTestFunction{}, control.stop);
    return user_rejections(options, b, *test, control.stop);
  };
  const auto remote = remote_blocks(&power_block, [&](std::uint64_t b) {
    return PowerTask{options, b, test_id};
  });
  const BlockRun<PowerCounts> run = run_blocks(
      executor, power_blocks(options), local, remote, control,
      {"simulating n1=" + std::to_string(options.n1), "replications", options.replications,
       even_units(options.block_replications, options.replications)});
  PowerResult result = summarise_power(options, run.blocks);
  result.run = run.info;
  result.run.complete = result.run.complete && result.replications == options.replications;
  return result;
}

/// Bracketing by doubling, then bisection, each n estimated with the options' own seed.

template <RemoteExecutor E, class Test>
SampleSizeResult run_search(E& executor, const PowerOptions& options,
                            const SampleSizeOptions& search, const Test* test,
                            const RunControl& control) {
  validate(search, "find_sample_size");
  const auto start = std::chrono::steady_clock::now();
  SampleSizeResult result;
  result.run.complete = true;
  PowerOptions at = options;
  // Estimates power at n; false if the run was stopped.
  const auto evaluate = [&](std::size_t n, PowerResult& out) {
    at.n1 = n;
    at.n2 = ratio_size(n, search.ratio);
    validate(at, "find_sample_size");
    out = run_power(executor, at, test, control);
    result.evaluations.push_back({out.n1, out.n2, out.power, out.rejections});
    result.run.blocks_done += out.run.blocks_done;
    result.run.blocks_total += out.run.blocks_total;
    result.run.backend = out.run.backend;
    result.run.workers = out.run.workers;
    if (!out.run.complete) result.run.complete = false;
    return out.run.complete;
  };
  PowerResult low_result;
  PowerResult high_result;
  std::size_t low = 0;  // largest n known to fall short (0: none yet)
  std::size_t high = search.min_n;
  bool bracketed = false;
  while (evaluate(high, high_result)) {
    if (high_result.power >= search.target_power) {
      bracketed = true;
      break;
    }
    low = high;
    low_result = high_result;
    if (high >= search.max_n) break;
    high = std::min(search.max_n, 2 * high);
  }
  while (bracketed && result.run.complete && low != 0 && high - low > 1) {
    const std::size_t mid = low + (high - low) / 2;
    PowerResult mid_result;
    if (!evaluate(mid, mid_result)) break;
    if (mid_result.power >= search.target_power) {
      high = mid;
      high_result = mid_result;
    } else {
      low = mid;
      low_result = mid_result;
    }
  }
  result.found = bracketed && result.run.complete;
  result.at_n = high_result;
  if (result.found) {
    result.n1 = high_result.n1;
    result.n2 = high_result.n2;
  }
  result.run.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace detail

}  // namespace pardo::stats

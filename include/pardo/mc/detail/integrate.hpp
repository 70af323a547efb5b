#pragma once
// Monte Carlo integration's machinery, for the templates of pardo/mc/integrate.hpp (its only
// includer, once the public types are declared): the integrand without its type, the plan,
// the blocks' moments and the rounds on any executor.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/mc/detail/block_moments.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::mc {

namespace detail {

/// A type-erased reference to a batch evaluation, so that the block code lives in the library.
struct IntegrandRef {
  void (*call)(const void* f, std::size_t dim, std::span<const double> points,
               std::span<double> values);
  const void* f;
};

template <class F>
inline constexpr bool is_scalar_integrand_v =
    std::is_invocable_r_v<double, const F&, std::span<const double>>;
template <class F>
inline constexpr bool is_batch_integrand_v =
    std::is_invocable_v<const F&, std::span<const double>, std::span<double>>;

template <class F>
IntegrandRef make_integrand_ref(const F& f) {
  static_assert(is_scalar_integrand_v<F> || is_batch_integrand_v<F>,
                "integrate: the integrand must be callable as double(std::span<const double> x) "
                "or void(std::span<const double> points, std::span<double> values)");
  if constexpr (is_scalar_integrand_v<F>) {
    return {[](const void* g, std::size_t dim, std::span<const double> points,
               std::span<double> values) {
              const F& fn = *static_cast<const F*>(g);
              for (std::size_t i = 0; i < values.size(); ++i) {
                values[i] = static_cast<double>(fn(points.subspan(i * dim, dim)));
              }
            },
            &f};
  } else {
    return {[](const void* g, std::size_t, std::span<const double> points,
               std::span<double> values) { (*static_cast<const F*>(g))(points, values); },
            &f};
  }
}

/// Everything a block needs besides the integrand: fixed by the box and the options.
struct IntegratePlan {
  std::vector<double> lower;
  std::vector<double> upper;
  std::uint64_t seed = 0;
  std::uint64_t strata_axes = 0;      ///< m: the first m axes are cut
  std::uint64_t strata_per_axis = 1;  ///< k: into k parts each
  std::uint64_t sweeps_per_block = 0;
  std::uint64_t sweeps_total = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(lower, upper, seed, strata_axes, strata_per_axis, sweeps_per_block, sweeps_total);
  }
};

/// Moments of the blocks so far, merged in block order (Chan et al.), so no sum of squares
/// cancels and the bits do not depend on which worker ran what.
struct IntegrateTotals {
  BlockMoments moments{};
  std::uint64_t blocks = 0;
  void add(const BlockMoments& block) noexcept;
};

/// Throws std::invalid_argument naming a bad box or option; returns the plan.
IntegratePlan make_plan(const Box& box, const IntegrateOptions& options);
std::uint64_t blocks_total(const IntegratePlan& plan) noexcept;
std::uint64_t strata(const IntegratePlan& plan) noexcept;
/// Evaluates block `block`; throws std::domain_error naming a point where f is not finite,
/// and BlockStopped if `stop` is requested before the block ends (looked at every 512 points).
BlockMoments integrate_block(const IntegratePlan& plan, std::uint64_t block, IntegrandRef f,
                             const std::stop_token& stop = {});
/// What the rounds merged: the blocks before the first one skipped, and whether a skipped block
/// (a stop) ended them.
struct Rounds {
  IntegrateTotals totals;
  std::uint64_t rounds = 0;
  bool tolerance_met = false;
  bool stopped = false;
};
/// Runs blocks [first, first + count) and returns their moments in block order, empty where a
/// block was skipped.
using RunRound = std::function<std::vector<std::optional<BlockMoments>>(std::uint64_t first,
                                                                        std::uint64_t count)>;
/// The rounds on any hardware: run a round, merge it in block order up to its first gap, and
/// decide from the totals (the plan's blocks, or the tolerance) whether another one runs; a gap
/// ends the run.
Rounds run_rounds(const IntegratePlan& plan, const IntegrateOptions& options,
                  const RunRound& run_round);
/// Throws std::invalid_argument, naming the size, unless `workers` blocks at once (each
/// stores every value it evaluates) fit in memory.
void require_block_memory(const IntegratePlan& plan, std::size_t workers);
/// Throws std::invalid_argument for an empty RemoteFunction integrand.
void require_integrand(bool present);
/// The result from the merged blocks, without its RunInfo.
IntegrateResult summarise(const IntegratePlan& plan, const Rounds& rounds);

struct ScalarIntegrateTask {
  ScalarIntegrand f;
  IntegratePlan plan;
  std::uint64_t block = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(f, plan, block);
  }
};
struct BatchIntegrateTask {
  BatchIntegrand f;
  IntegratePlan plan;
  std::uint64_t block = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(f, plan, block);
  }
};
/// One block in a worker; registered with PARDO_REMOTE in src/mc/integrate.cpp.
BlockMoments integrate_scalar_block(ScalarIntegrateTask task);
BlockMoments integrate_batch_block(BatchIntegrateTask task);

template <class T>
struct IsRemoteFunction : std::false_type {};
template <class Sig>
struct IsRemoteFunction<RemoteFunction<Sig>> : std::true_type {};

/// The rounds of blocks on any executor.
template <RemoteExecutor E, class F>
IntegrateResult integrate_blocks(E& executor, const F& f, const Box& box,
                                 const IntegrateOptions& options, const RunControl& control) {
  if constexpr (IsRemoteFunction<F>::value) require_integrand(static_cast<bool>(f));
  const IntegratePlan plan = make_plan(box, options);
  require_block_memory(plan, executor.size());
  // A block's samples are its sweeps times the cells; with a tolerance the total is the most.
  const std::uint64_t cells = strata(plan);
  BlockRunner runner(executor, blocks_total(plan), control,
                     {"sampling", "samples", plan.sweeps_total * cells,
                      [cells, sweeps = even_units(plan.sweeps_per_block, plan.sweeps_total)](
                          std::uint64_t b) { return sweeps(b) * cells; }});
  const IntegrandRef ref = make_integrand_ref(f);
  const auto local = [&](std::uint64_t b) { return integrate_block(plan, b, ref, control.stop); };
  // On worker processes and MPI ranks the integrand travels as a handle of its kind.
  constexpr bool scalar = is_scalar_integrand_v<F>;
  using Handle = std::conditional_t<scalar, ScalarIntegrand, BatchIntegrand>;
  using Task = std::conditional_t<scalar, ScalarIntegrateTask, BatchIntegrateTask>;
  const Handle handle = remote_handle<Handle, E>(f);
  BlockMoments (*const block_function)(Task) = [] {
    if constexpr (scalar) {
      return &integrate_scalar_block;
    } else {
      return &integrate_batch_block;
    }
  }();
  const auto remote = remote_blocks(block_function, [&](std::uint64_t b) {
    return Task{handle, plan, b};
  });
  const Rounds rounds = run_rounds(plan, options, [&](std::uint64_t first, std::uint64_t count) {
    return runner.run(first, count, local, remote);
  });
  IntegrateResult result = summarise(plan, rounds);
  result.run = runner.info();
  // A stopped round merges only the blocks before its first gap: those are what the estimate
  // covers.
  result.run.blocks_done = rounds.totals.blocks;
  return result;
}

}  // namespace detail

}  // namespace pardo::mc

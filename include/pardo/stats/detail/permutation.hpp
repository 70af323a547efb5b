#pragma once
// The permutation test's machinery, for the template of pardo/stats/permutation.hpp (its only
// includer, once the public types are declared): the plan, the statistic without its type,
// the block functions.

#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/remote/remote_function.hpp"
#include "pardo/workload/block_data.hpp"

namespace pardo::stats {

namespace detail {

/// What a remote block receives: the statistic travels as a registered function.
using RemoteStatistic = RemoteFunction<double(std::span<const double>, std::span<const double>)>;

/// The run, fixed by the data sizes and options alone.
struct PermutationPlan {
  Design design = Design::independent;
  bool exact = false;
  bool keep = false;
  std::uint64_t seed = 0;
  std::uint64_t total = 0;  ///< arrangements to evaluate
  std::uint64_t block_permutations = 0;
  std::uint64_t blocks = 0;
  double observed = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    auto code = static_cast<std::uint8_t>(design);
    archive(code, exact, keep, seed, total, block_permutations, blocks, observed);
    design = static_cast<Design>(code);
  }
};

/// A statistic without its type: how blocks call any callable.
struct StatisticView {
  const void* object = nullptr;
  double (*call)(const void*, std::span<const double>, std::span<const double>) = nullptr;
  bool is_mean_difference = false;  ///< take the independent design's fast path
  double operator()(std::span<const double> x, std::span<const double> y) const {
    return call(object, x, y);
  }
};

template <class F>
StatisticView view_of(const F& f) {
  using Pointer = double (*)(std::span<const double>, std::span<const double>);
  StatisticView view{&f, [](const void* o, std::span<const double> x, std::span<const double> y) {
                       return static_cast<double>((*static_cast<const F*>(o))(x, y));
                     }};
  if constexpr (std::is_same_v<F, RemoteStatistic>) {
    view.is_mean_difference = f.get() == &mean_difference;
  } else if constexpr (std::is_convertible_v<const F&, Pointer> && !std::is_class_v<F>) {
    view.is_mean_difference = static_cast<Pointer>(f) == &mean_difference;
  }
  return view;
}

/// Counts of one block; what a remote block sends back.
struct PermutationCounts {
  std::uint64_t less_or_equal = 0;
  std::uint64_t greater_or_equal = 0;
  std::uint64_t done = 0;
  std::uint64_t nan = 0;  ///< arrangements whose statistic is NaN (counted in neither tally)
  std::vector<double> values;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(less_or_equal, greater_or_equal, done, nan, values);
  }
};

/// Checks the data and options (std::invalid_argument naming the bad value) and plans the
/// run; `observed` is left for the caller.
PermutationPlan plan_permutations(std::span<const double> x, std::span<const double> y,
                                  const PermutationOptions& options);

/// Block `block` of the plan; cut short (`done` below the block's size) once `stop` is
/// requested, which it checks before each permutation.
PermutationCounts permutation_counts(std::span<const double> x, std::span<const double> y,
                                     StatisticView statistic, const PermutationPlan& plan,
                                     std::uint64_t block, const std::stop_token& stop = {});

/// Gathers the blocks in order into a result, without its RunInfo. Throws
/// std::invalid_argument naming the statistic (`name`, "" if unknown) and how many
/// arrangements gave NaN, if any did.
PermutationResult summarise_permutations(const PermutationPlan& plan, Alternative alternative,
                                         std::vector<std::optional<PermutationCounts>>& blocks,
                                         std::string_view name);

/// One block on a worker process or MPI rank: x then y in one BlockData.
struct PermutationTask {
  BlockData xy;
  std::uint64_t x_size = 0;
  RemoteStatistic statistic;
  PermutationPlan plan;
  std::uint64_t block = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(xy, x_size, statistic, plan, block);
  }
};

/// `permutation_counts` in a worker. Registered with PARDO_REMOTE in src/stats/permutation.cpp.
PermutationCounts permutation_block(PermutationTask task);

}  // namespace detail

}  // namespace pardo::stats

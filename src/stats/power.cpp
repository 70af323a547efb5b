#include "pardo/stats/power.hpp"

#include <cmath>
#include <string>

#include "core/validate.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/stats/permutation.hpp"
#include "pardo/stats/t_test.hpp"

namespace pardo::stats {

std::string_view to_string(PowerTest test) noexcept {
  switch (test) {
    case PowerTest::welch:
      return "welch";
    case PowerTest::permutation:
      return "permutation";
    case PowerTest::student:
      break;
  }
  return "t";
}

std::optional<PowerTest> parse_power_test(std::string_view name) noexcept {
  for (const PowerTest test : {PowerTest::student, PowerTest::welch, PowerTest::permutation}) {
    if (name == to_string(test)) return test;
  }
  return std::nullopt;
}

namespace detail {

using pardo::format_number;
using pardo::detail::require_open_unit;
using pardo::detail::require_positive;
using pardo::detail::throw_invalid;

namespace {

void require_group(std::size_t n, std::string_view caller, std::string_view what) {
  if (n < 2) {
    throw_invalid(caller, std::string(what) + " = " + std::to_string(n) +
                              " is too small; each group needs at least 2 values");
  }
}

}  // namespace

std::size_t second_group(const PowerOptions& options) {
  return options.n2 == 0 ? options.n1 : options.n2;
}

std::size_t ratio_size(std::size_t n, double ratio) {
  const double size = std::ceil(ratio * static_cast<double>(n));
  return size < 2 ? 2 : static_cast<std::size_t>(size);
}

void validate(const PowerOptions& options, std::string_view caller) {
  if (!std::isfinite(options.effect)) {
    throw_invalid(caller, "effect " + format_number(options.effect) + " is not finite");
  }
  require_group(options.n1, caller, "n1");
  require_group(second_group(options), caller, "n2");
  pardo::detail::require_memory(
      (static_cast<double>(options.n1) + static_cast<double>(second_group(options))) *
          sizeof(double),
      caller,
      "n1 = " + std::to_string(options.n1) + " and n2 = " + std::to_string(second_group(options)),
      "a replication's samples");
  require_open_unit(options.alpha, caller, "alpha");
  require_positive(options.replications, caller, "replications");
  require_positive(options.block_replications, caller, "block_replications");
  if (!parse_power_test(to_string(options.test))) {
    throw_invalid(caller, "unknown test " + std::to_string(static_cast<int>(options.test)));
  }
  if (options.test == PowerTest::permutation) {
    require_positive(options.permutations, caller, "permutations");
  }
}

void validate(const SampleSizeOptions& search, std::string_view caller) {
  require_open_unit(search.target_power, caller, "target power");
  if (!(std::isfinite(search.ratio) && search.ratio > 0)) {
    throw_invalid(caller, "ratio " + format_number(search.ratio) + " must be positive and finite");
  }
  require_group(search.min_n, caller, "min_n");
  if (search.max_n < search.min_n) {
    throw_invalid(caller, "max_n = " + std::to_string(search.max_n) +
                              " is below min_n = " + std::to_string(search.min_n));
  }
  pardo::detail::require_memory(
      static_cast<double>(search.max_n) * (1 + search.ratio) * sizeof(double), caller,
      "max_n = " + std::to_string(search.max_n), "a replication's samples");
}

void require_replication_memory(const PowerOptions& options, std::size_t workers) {
  const double values =
      static_cast<double>(options.n1) + static_cast<double>(second_group(options));
  const double copies = options.test == PowerTest::permutation ? 2.0 : 1.0;
  pardo::detail::require_memory(
      static_cast<double>(workers) * copies * values * sizeof(double), "power",
      std::to_string(workers) + " replications at once of n1 = " + std::to_string(options.n1) +
          " and n2 = " + std::to_string(second_group(options)),
      "their samples");
}

bool draw_replication(const PowerOptions& options, std::uint64_t r, std::vector<double>& x,
                      std::vector<double>& y, const std::stop_token& stop) {
  // Grown value by value rather than zeroed first: touching a large group's pages is part of
  // the time between two checks of the stop.
  constexpr std::size_t stop_check = std::size_t{1} << 18;
  const auto draw = [&](std::vector<double>& v, std::size_t n, random::Stream stream, double mean) {
    v.clear();
    v.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (i % stop_check == stop_check - 1 && stop.stop_requested()) return false;
      v.push_back(random::normal(stream, mean, 1.0));
    }
    return true;
  };
  return draw(x, options.n1, random::Stream(options.seed, 2 * r), 0.0) &&
         draw(y, second_group(options), random::Stream(options.seed, 2 * r + 1), options.effect);
}

PowerCounts power_rejections(const PowerOptions& options, std::uint64_t block,
                             const PowerTestFunction& test, const std::stop_token& stop) {
  if (test) return user_rejections(options, block, test, stop);
  if (options.test == PowerTest::permutation) {
    const std::uint64_t first = block * options.block_replications;
    const std::uint64_t last = std::min(options.replications, first + options.block_replications);
    std::vector<double> x;
    std::vector<double> y;
    PowerCounts counts;
    const auto statistic = &mean_difference;
    const StatisticView view = view_of(statistic);
    for (std::uint64_t r = first; r < last && !stop.stop_requested(); ++r) {
      if (!draw_replication(options, r, x, y, stop)) break;
      // permutation_test(y, x) on one block, with the stop reaching into its permutations.
      const PermutationOptions permutation{.alternative = options.alternative,
                                           .permutations = options.permutations,
                                           .seed = random::Stream(~options.seed, r).next_u64(),
                                           .block_permutations = options.permutations};
      PermutationPlan plan = plan_permutations(y, x, permutation);
      plan.observed = statistic(y, x);
      std::vector<std::optional<PermutationCounts>> blocks;
      blocks.emplace_back(permutation_counts(y, x, view, plan, 0, stop));
      if (blocks.front()->done < plan.total) break;
      const double p =
          summarise_permutations(plan, options.alternative, blocks, "mean_difference").p_value;
      counts.rejections += p < options.alpha ? 1u : 0u;
      ++counts.replications;
    }
    return counts;
  }
  // y against x, so that `greater` is the alternative effect > 0.
  const TTestOptions t_options{.equal_var = options.test == PowerTest::student,
                               .alternative = options.alternative};
  return user_rejections(
      options, block,
      [&](std::span<const double> x, std::span<const double> y) {
        return t_test(y, x, t_options).p_value;
      },
      stop);
}

PowerCounts power_block(PowerTask task) {
  return power_rejections(task.options, task.block, PowerTestFunction::from_id(task.test_id), {});
}
PARDO_REMOTE(power_block);

PowerResult summarise_power(const PowerOptions& options,
                            const std::vector<std::optional<PowerCounts>>& blocks) {
  PowerResult r;
  r.n1 = options.n1;
  r.n2 = second_group(options);
  for (const std::optional<PowerCounts>& block : blocks) {
    if (!block) continue;
    r.rejections += block->rejections;
    r.replications += block->replications;
  }
  r.interval.level = 0.95;
  if (r.replications == 0) {
    r.power = r.std_error = r.interval.low = r.interval.high = std::nan("");
    return r;
  }
  const double n = static_cast<double>(r.replications);
  const double p = static_cast<double>(r.rejections) / n;
  r.power = p;
  r.std_error = std::sqrt(p * (1 - p) / n);
  // Wilson's score interval: sensible at 0 and 1 rejections, where p +- z se collapses.
  constexpr double z = 1.959963984540054;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  r.interval.low = std::max(0.0, centre - half);
  r.interval.high = std::min(1.0, centre + half);
  return r;
}

}  // namespace detail

void validate(const PowerOptions& options) { detail::validate(options, "power"); }

void validate(const SampleSizeOptions& search) { detail::validate(search, "power"); }

std::uint64_t power_blocks(const PowerOptions& options) {
  return options.replications / options.block_replications +
         (options.replications % options.block_replications != 0 ? 1 : 0);
}

}  // namespace pardo::stats

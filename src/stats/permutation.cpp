// Permutation tests: the block kernels (random shuffles and exact enumeration), the plan
// and the p-values, following scipy.stats.permutation_test (scipy/stats/_resampling.py).

#include "pardo/stats/permutation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <utility>

#include "core/validate.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/stats/descriptive.hpp"
#include "stats/resampling_kernels.hpp"

namespace pardo::stats {

namespace {

constexpr std::string_view caller = "permutation_test";

/// C(n, k), or nullopt if it does not fit in 64 bits.
std::optional<std::uint64_t> binomial(std::uint64_t n, std::uint64_t k) {
  if (k > n) return 0;
  k = std::min(k, n - k);
  std::uint64_t result = 1;
  for (std::uint64_t i = 1; i <= k; ++i) {
    // result * (n - k + i) / i is an integer; divide first where possible to delay overflow.
    const std::uint64_t g = std::gcd(result, i);
    const std::uint64_t factor = (n - k + i) / (i / g);
    if (__builtin_mul_overflow(result / g, factor, &result)) return std::nullopt;
  }
  return result;
}

/// The number of distinct arrangements of the design, or nullopt if above 2^64 - 1.
std::optional<std::uint64_t> arrangements(Design design, std::size_t nx, std::size_t ny) {
  switch (design) {
    case Design::independent:
      return binomial(nx + ny, nx);
    case Design::paired:
      if (nx >= 64) return std::nullopt;
      return std::uint64_t{1} << nx;
    case Design::correlation:
      break;
  }
  std::uint64_t factorial = 1;
  for (std::uint64_t i = 2; i <= nx; ++i) {
    if (__builtin_mul_overflow(factorial, i, &factorial)) return std::nullopt;
  }
  return factorial;
}

/// Uniform 32-bit words of one block's stream, drawn in bulk, and bounded integers from them.
class Draws {
 public:
  Draws(std::uint64_t seed, std::uint64_t block) : stream_(seed, block) {}

  std::uint32_t word() {
    if (next_ == words_.size()) refill();
    return words_[next_++];
  }

  /// out[m] uniform on [0, top - m), as successive Lemire draws (multiply-and-reject) for
  /// the ranges top, top - 1, ...: a Fisher-Yates shuffle's swaps. out.size() <= top.
  void below_descending(std::uint32_t top, std::span<std::uint32_t> out) {
    std::size_t made = 0;
    while (made < out.size()) {
      if (next_ == words_.size()) refill();
      const detail::Drawn drawn = detail::lemire_descending(
          words_.data() + next_, words_.size() - next_, static_cast<std::uint32_t>(top - made),
          out.data() + made, out.size() - made);
      next_ += drawn.used;
      made += drawn.made;
    }
  }

 private:
  void refill() {
    stream_.fill(std::span<std::uint32_t>(words_));
    next_ = 0;
  }
  random::Stream stream_;
  std::array<std::uint32_t, 4096> words_{};
  std::size_t next_ = words_.size();
};

/// Tallies values against the observed statistic with scipy's tolerance for ties.
class Tally {
 public:
  Tally(const detail::PermutationPlan& plan, std::uint64_t count, std::stop_token stop)
      : stop_(std::move(stop)) {
    const double gamma = std::max(1e-14, std::abs(1e-14 * plan.observed));
    low_ = plan.observed - gamma;
    high_ = plan.observed + gamma;
    if (plan.keep) counts_.values.reserve(count);
    keep_ = plan.keep;
  }
  void add(double value) {
    counts_.nan += std::isnan(value) ? 1u : 0u;
    counts_.less_or_equal += value <= high_ ? 1u : 0u;
    counts_.greater_or_equal += value >= low_ ? 1u : 0u;
    ++counts_.done;
    if (keep_) counts_.values.push_back(value);
  }
  /// Whether a stop was requested: looked at for every value, since one value may cost a
  /// pass over millions of rows or a slow statistic of the user's.
  bool stopped() const { return stop_.stop_requested(); }
  detail::PermutationCounts take() { return std::move(counts_); }

 private:
  double low_ = 0;
  double high_ = 0;
  bool keep_ = false;
  std::stop_token stop_;
  detail::PermutationCounts counts_;
};

std::vector<double> pooled(std::span<const double> x, std::span<const double> y) {
  std::vector<double> z(x.begin(), x.end());
  z.insert(z.end(), y.begin(), y.end());
  return z;
}

// Random splits by a partial Fisher-Yates shuffle: only the smaller group's positions are
// drawn, the rest of the pool is the other group. The buffer carries over from one
// permutation to the next, which leaves each split uniform and independent of the last.
void random_splits(std::span<const double> x, std::span<const double> y,
                   const detail::StatisticView& statistic, std::uint64_t count, Draws& draws,
                   Tally& tally) {
  std::vector<double> w = pooled(x, y);
  const std::size_t n = w.size();
  const bool x_drawn = x.size() <= y.size();
  const std::size_t k = std::min(x.size(), y.size());
  const std::span<const double> drawn(w.data(), k);
  const std::span<const double> rest(w.data() + k, n - k);
  std::vector<std::uint32_t> offset(k);
  for (std::uint64_t p = 0; p < count && !tally.stopped(); ++p) {
    draws.below_descending(static_cast<std::uint32_t>(n), offset);
    for (std::size_t i = 0; i < k; ++i) std::swap(w[i], w[i + offset[i]]);
    tally.add(x_drawn ? statistic(drawn, rest) : statistic(rest, drawn));
  }
}

// mean_difference's fast path: the same shuffles as random_splits, summing the drawn group
// as its values are placed (in stats::mean's pattern of running sums, which keeps the
// additions independent); the other group's sum is the total minus it. Centring the pool
// first keeps that subtraction free of cancellation. Data so large that a centred value, or
// a sum of them, could overflow take the generic path instead.
void random_splits_mean_difference(std::span<const double> x, std::span<const double> y,
                                   const detail::StatisticView& statistic, std::uint64_t count,
                                   Draws& draws, Tally& tally) {
  std::vector<double> w = pooled(x, y);
  const std::size_t n = w.size();
  const double centre = mean(w);
  double largest = 0;
  for (double& v : w) {
    v -= centre;
    largest = std::max(largest, std::abs(v));
  }
  if (!std::isfinite(largest * static_cast<double>(n))) {
    random_splits(x, y, statistic, count, draws, tally);
    return;
  }
  double total = 0;
  for (const double v : w) total += v;
  const bool x_drawn = x.size() <= y.size();
  const std::size_t k = std::min(x.size(), y.size());
  const double k_size = static_cast<double>(k);
  const double rest_size = static_cast<double>(n - k);
  constexpr std::size_t lanes = detail::mean_lanes;
  double* const values = w.data();
  std::vector<std::uint32_t> offset(k);
  for (std::uint64_t p = 0; p < count && !tally.stopped(); ++p) {
    draws.below_descending(static_cast<std::uint32_t>(n), offset);
    const std::uint32_t* const step = offset.data();
    const auto place = [values, step](std::size_t i) {
      const std::size_t j = i + step[i];
      const double v = values[j];
      values[j] = values[i];
      values[i] = v;
      return v;
    };
    double sums[lanes] = {};
    std::size_t i = 0;
    for (; i + lanes <= k; i += lanes) {
#pragma GCC unroll 8
      for (std::size_t lane = 0; lane < lanes; ++lane) sums[lane] += place(i + lane);
    }
    for (std::size_t lane = 0; i < k; ++i, ++lane) sums[lane] += place(i);
    const double drawn_sum = detail::combine_mean_lanes(sums);
    const double difference = drawn_sum / k_size - (total - drawn_sum) / rest_size;
    tally.add(x_drawn ? difference : -difference);
  }
}

// Split number `rank` in lexicographic order of x's positions in the pool (scipy's order),
// then successive splits.
void exact_splits(std::span<const double> x, std::span<const double> y,
                  const detail::StatisticView& statistic, std::uint64_t rank, std::uint64_t count,
                  Tally& tally) {
  const std::vector<double> z = pooled(x, y);
  const std::size_t n = z.size();
  const std::size_t k = x.size();
  std::vector<std::size_t> chosen(k);
  std::size_t next = 0;
  for (std::size_t slot = 0; slot < k; ++slot) {
    for (;; ++next) {
      const std::uint64_t with_next = *binomial(n - next - 1, k - slot - 1);
      if (rank < with_next) break;
      rank -= with_next;
    }
    chosen[slot] = next++;
  }
  std::vector<double> a(k);
  std::vector<double> b(n - k);
  for (std::uint64_t p = 0; p < count && !tally.stopped(); ++p) {
    std::size_t ia = 0;
    std::size_t ib = 0;
    for (std::size_t t = 0; t < n; ++t) {
      if (ia < k && chosen[ia] == t) {
        a[ia++] = z[t];
      } else {
        b[ib++] = z[t];
      }
    }
    tally.add(statistic(a, b));
    std::size_t i = k;
    while (i > 0 && chosen[i - 1] == n - k + i - 1) --i;
    if (i == 0) break;
    ++chosen[i - 1];
    for (std::size_t j = i; j < k; ++j) chosen[j] = chosen[j - 1] + 1;
  }
}

// Sign patterns: bit i of the pattern swaps pair i. Random patterns take their bits from
// whole words, 32 pairs to a word; exact ones are the patterns rank, rank + 1, ...
void sign_patterns(std::span<const double> x, std::span<const double> y,
                   const detail::StatisticView& statistic, bool exact, std::uint64_t rank,
                   std::uint64_t count, Draws& draws, Tally& tally) {
  const std::size_t n = x.size();
  std::vector<double> a(n);
  std::vector<double> b(n);
  for (std::uint64_t p = 0; p < count && !tally.stopped(); ++p) {
    std::uint32_t word = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bool swap = false;
      if (exact) {
        swap = ((rank + p) >> i & 1u) != 0;
      } else {
        if (i % 32 == 0) word = draws.word();
        swap = (word >> (i % 32) & 1u) != 0;
      }
      a[i] = swap ? y[i] : x[i];
      b[i] = swap ? x[i] : y[i];
    }
    tally.add(statistic(a, b));
  }
}

// Orderings of y against x: full Fisher-Yates shuffles, or the permutations of rank `rank`,
// rank + 1, ... in lexicographic order.
void orderings(std::span<const double> x, std::span<const double> y,
               const detail::StatisticView& statistic, bool exact, std::uint64_t rank,
               std::uint64_t count, Draws& draws, Tally& tally) {
  const std::size_t n = y.size();
  std::vector<double> b(y.begin(), y.end());
  if (!exact) {
    // Swap m puts a value at position n - 1 - m, drawn from the n - m positions up to it.
    std::vector<std::uint32_t> pick(n - 1);
    for (std::uint64_t p = 0; p < count && !tally.stopped(); ++p) {
      draws.below_descending(static_cast<std::uint32_t>(n), pick);
      for (std::size_t m = 0; m + 1 < n; ++m) std::swap(b[n - 1 - m], b[pick[m]]);
      tally.add(statistic(x, b));
    }
    return;
  }
  std::vector<std::size_t> unused(n);
  std::iota(unused.begin(), unused.end(), std::size_t{0});
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t later = *arrangements(Design::correlation, n - 1 - i, 0);
    const auto digit = static_cast<std::ptrdiff_t>(rank / later);
    rank %= later;
    order[i] = unused[static_cast<std::size_t>(digit)];
    unused.erase(unused.begin() + digit);
  }
  for (std::uint64_t p = 0; p < count && !tally.stopped(); ++p) {
    for (std::size_t i = 0; i < n; ++i) b[i] = y[order[i]];
    tally.add(statistic(x, b));
    std::next_permutation(order.begin(), order.end());
  }
}

}  // namespace

double mean_difference(std::span<const double> x, std::span<const double> y) {
  return mean(x) - mean(y);
}

namespace {

struct PooledT {
  double t;
  double pooled_variance;
};

PooledT pooled_t(std::span<const double> x, std::span<const double> y) {
  const double nx = static_cast<double>(x.size());
  const double ny = static_cast<double>(y.size());
  const double pooled_variance = ((nx - 1) * variance(x) + (ny - 1) * variance(y)) / (nx + ny - 2);
  return {(mean(x) - mean(y)) / std::sqrt(pooled_variance * (1 / nx + 1 / ny)), pooled_variance};
}

}  // namespace

double t_statistic(std::span<const double> x, std::span<const double> y) {
  const PooledT first = pooled_t(x, y);
  if (std::isfinite(first.t) && std::isnormal(first.pooled_variance)) return first.t;
  // The variances overflow (or underflow) near the limits of double precision, or both
  // groups are constant. t does not change when both groups are scaled by one power of two: bring
  // max |value| into [0.5, 1) and try again.
  double largest = 0;
  for (const double v : x) largest = std::max(largest, std::abs(v));
  for (const double v : y) largest = std::max(largest, std::abs(v));
  if (largest == 0 || !std::isfinite(largest)) return first.t;
  const int exponent = std::ilogb(largest) + 1;
  std::vector<double> xs(x.size());
  std::vector<double> ys(y.size());
  std::transform(x.begin(), x.end(), xs.begin(),
                 [=](double v) { return std::ldexp(v, -exponent); });
  std::transform(y.begin(), y.end(), ys.begin(),
                 [=](double v) { return std::ldexp(v, -exponent); });
  return pooled_t(xs, ys).t;
}

PARDO_REMOTE_FUNCTION(mean_difference);
PARDO_REMOTE_FUNCTION(t_statistic);

namespace detail {

PermutationPlan plan_permutations(std::span<const double> x, std::span<const double> y,
                                  const PermutationOptions& options) {
  const Design design = options.design;
  if (design != Design::independent && design != Design::paired && design != Design::correlation) {
    pardo::detail::throw_invalid(caller,
                                 "unknown design " + std::to_string(static_cast<int>(design)));
  }
  if (options.alternative != Alternative::two_sided && options.alternative != Alternative::less &&
      options.alternative != Alternative::greater) {
    pardo::detail::throw_invalid(
        caller, "unknown alternative " + std::to_string(static_cast<int>(options.alternative)));
  }
  pardo::detail::require_at_least(x.size(), 2, caller, "x");
  pardo::detail::require_at_least(y.size(), 2, caller, "y");
  if (design != Design::independent) {
    pardo::detail::require_same_size(x.size(), y.size(), caller, "x", "y");
  }
  pardo::detail::require_finite(x, caller, "x");
  pardo::detail::require_finite(y, caller, "y");
  pardo::detail::require_positive(options.permutations, caller, "permutations");
  pardo::detail::require_positive(options.block_permutations, caller, "block_permutations");
  if (x.size() + y.size() > std::numeric_limits<std::uint32_t>::max()) {
    pardo::detail::throw_invalid(caller, "x and y have " + std::to_string(x.size() + y.size()) +
                                             " values; at most 2^32 - 1 supported");
  }
  PermutationPlan plan;
  plan.design = design;
  plan.keep = options.keep_distribution;
  plan.seed = options.seed;
  plan.block_permutations = options.block_permutations;
  const std::optional<std::uint64_t> distinct = arrangements(design, x.size(), y.size());
  plan.exact = distinct && *distinct <= options.permutations;
  plan.total = plan.exact ? *distinct : options.permutations;
  if (plan.keep) {
    pardo::detail::require_memory(
        static_cast<double>(plan.total) * sizeof(double), caller,
        "keep_distribution with " + std::to_string(plan.total) + " permutations",
        "the null distribution");
  }
  plan.blocks =
      plan.total / plan.block_permutations + (plan.total % plan.block_permutations != 0 ? 1 : 0);
  return plan;
}

PermutationCounts permutation_counts(std::span<const double> x, std::span<const double> y,
                                     StatisticView statistic, const PermutationPlan& plan,
                                     std::uint64_t block, const std::stop_token& stop) {
  const std::uint64_t first = block * plan.block_permutations;
  const std::uint64_t count = std::min(plan.block_permutations, plan.total - first);
  Tally tally(plan, count, stop);
  Draws draws(plan.seed, block);
  switch (plan.design) {
    case Design::independent:
      if (plan.exact) {
        exact_splits(x, y, statistic, first, count, tally);
      } else if (statistic.is_mean_difference) {
        random_splits_mean_difference(x, y, statistic, count, draws, tally);
      } else {
        random_splits(x, y, statistic, count, draws, tally);
      }
      break;
    case Design::paired:
      sign_patterns(x, y, statistic, plan.exact, first, count, draws, tally);
      break;
    case Design::correlation:
      orderings(x, y, statistic, plan.exact, first, count, draws, tally);
      break;
  }
  return tally.take();
}

PermutationResult summarise_permutations(const PermutationPlan& plan, Alternative alternative,
                                         std::vector<std::optional<PermutationCounts>>& blocks,
                                         std::string_view name) {
  std::uint64_t nan = 0;
  std::uint64_t done = 0;
  for (const auto& block : blocks) {
    if (!block) continue;
    nan += block->nan;
    done += block->done;
  }
  if (nan > 0) {
    pardo::detail::throw_invalid(
        caller, (name.empty() ? std::string("the statistic") : "statistic " + std::string(name)) +
                    " is nan on " + std::to_string(nan) + " of " + std::to_string(done) +
                    (plan.exact ? " arrangements" : " permutations") +
                    ", which neither tail can count: the p-value is undefined");
  }
  PermutationResult r;
  r.statistic = plan.observed;
  r.exact = plan.exact;
  bool every_block = true;
  for (auto& block : blocks) {
    if (!block) {
      every_block = false;
      continue;
    }
    r.permutations += block->done;
    r.less_or_equal += block->less_or_equal;
    r.greater_or_equal += block->greater_or_equal;
    if (plan.keep) {
      r.null_distribution.insert(r.null_distribution.end(), block->values.begin(),
                                 block->values.end());
    }
  }
  if (r.permutations == 0 || (plan.exact && !every_block)) {
    r.p_value = r.std_error = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  // scipy: (count + adjustment) / (n + adjustment), adjustment 1 for random permutations.
  const double adjustment = plan.exact ? 0.0 : 1.0;
  const double n = static_cast<double>(r.permutations) + adjustment;
  const double p_less = (static_cast<double>(r.less_or_equal) + adjustment) / n;
  const double p_greater = (static_cast<double>(r.greater_or_equal) + adjustment) / n;
  const double p = alternative == Alternative::less      ? p_less
                   : alternative == Alternative::greater ? p_greater
                                                         : std::min(p_less, p_greater) * 2;
  r.p_value = std::clamp(p, 0.0, 1.0);
  r.std_error = plan.exact
                    ? 0.0
                    : std::sqrt(r.p_value * (1 - r.p_value) / static_cast<double>(r.permutations));
  return r;
}

PermutationCounts permutation_block(PermutationTask task) {
  const std::span<const double> xy = task.xy.values();
  if (task.x_size > xy.size()) {
    throw std::invalid_argument("permutation_block: x has " + std::to_string(task.x_size) +
                                " values of the " + std::to_string(xy.size()) + " sent");
  }
  const auto x_size = static_cast<std::size_t>(task.x_size);
  return permutation_counts(xy.first(x_size), xy.subspan(x_size), view_of(task.statistic),
                            task.plan, task.block);
}
PARDO_REMOTE(permutation_block);

}  // namespace detail

std::uint64_t permutation_blocks(std::span<const double> x, std::span<const double> y,
                                 const PermutationOptions& options) {
  return detail::plan_permutations(x, y, options).blocks;
}

}  // namespace pardo::stats

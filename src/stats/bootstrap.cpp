#include "pardo/stats/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stop_token>
#include <string>
#include <vector>

#include "core/validate.hpp"
#include "pardo/random/bulk.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/stats/descriptive.hpp"
#include "pardo/stats/detail/statistic_checks.hpp"
#include "pardo/stats/distributions.hpp"
#include "stats/resampling_kernels.hpp"

namespace pardo::stats {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view caller = "bootstrap";

// np.percentile(sorted, q) with method="linear", step by step as numpy 1.24 computes it
// (q / 100, the lerp from whichever end is nearer), so that the interval matches scipy's to
// the last bit on the same distribution.
double numpy_percentile(std::span<const double> sorted, double q) {
  const double p = q / 100.0;
  const double virtual_index = static_cast<double>(sorted.size() - 1) * p;
  if (std::isnan(virtual_index)) return nan;
  if (virtual_index >= static_cast<double>(sorted.size() - 1)) return sorted.back();
  if (virtual_index < 0) return sorted.front();
  const double below = std::floor(virtual_index);
  const auto i = static_cast<std::size_t>(below);
  const double gamma = virtual_index - below;
  const double a = sorted[i];
  const double b = sorted[i + 1];
  const double diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

// BCa's corrected levels, scipy's _bca_interval (Efron and Tibshirani 1993, eq. 14.9-14.15):
// z0 from the fraction of the distribution below the estimate (ties counted half), the
// acceleration from the jackknife's skewness.
struct BcaLevels {
  double low = nan;
  double high = nan;
  double z0 = nan;
  double acceleration = nan;
};

// The jackknife's skewness term: sum u^3 / (6 (sum u^2)^1.5), u the scaled deviations.
double acceleration(std::span<const double> jackknife) {
  const double n = static_cast<double>(jackknife.size());
  double sum = 0;
  for (const double t : jackknife) sum += t;
  const double dot = sum / n;
  double cubes = 0;
  double squares = 0;
  for (const double t : jackknife) {
    const double u = (n - 1) * (dot - t);
    cubes += u * u * u;
    squares += u * u;
  }
  return 1.0 / 6.0 * (cubes / (n * n * n)) / std::pow(squares / (n * n), 1.5);
}

BcaLevels bca_levels(double estimate, std::span<const double> distribution,
                     std::span<const double> jackknife, double alpha) {
  BcaLevels levels;
  std::size_t below = 0;
  std::size_t at_or_below = 0;
  for (const double t : distribution) {
    below += t < estimate ? 1u : 0u;
    at_or_below += t <= estimate ? 1u : 0u;
  }
  const double fraction =
      static_cast<double>(below + at_or_below) / (2.0 * static_cast<double>(distribution.size()));
  if (!(fraction > 0 && fraction < 1)) return levels;  // z0 infinite: scipy gives NaN too
  levels.z0 = normal_quantile(fraction);

  levels.acceleration = acceleration(jackknife);
  if (!std::isfinite(levels.acceleration)) {
    // Cubes overflow for values near the limits of double precision. The acceleration does
    // not change when every value is scaled by one power of two: bring max |t| into [0.5, 1).
    double largest = 0;
    for (const double t : jackknife) largest = std::max(largest, std::abs(t));
    if (largest > 0) {
      const int exponent = std::ilogb(largest) + 1;
      std::vector<double> scaled(jackknife.size());
      for (std::size_t i = 0; i < scaled.size(); ++i) {
        scaled[i] = std::ldexp(jackknife[i], -exponent);
      }
      levels.acceleration = acceleration(scaled);
    }
  }
  if (!std::isfinite(levels.acceleration)) return levels;

  const double z_alpha = normal_quantile(alpha);
  const double num1 = levels.z0 + z_alpha;
  const double num2 = levels.z0 - z_alpha;
  const double z1 = levels.z0 + num1 / (1 - levels.acceleration * num1);
  const double z2 = levels.z0 + num2 / (1 - levels.acceleration * num2);
  if (std::isnan(z1) || std::isnan(z2)) return levels;
  levels.low = normal_cdf(z1);
  levels.high = normal_cdf(z2);
  return levels;
}

}  // namespace

std::string_view to_string(BootstrapMethod method) noexcept {
  switch (method) {
    case BootstrapMethod::percentile:
      return "percentile";
    case BootstrapMethod::basic:
      return "basic";
    case BootstrapMethod::bca:
      break;
  }
  return "bca";
}

std::optional<BootstrapMethod> parse_bootstrap_method(std::string_view name) noexcept {
  for (const BootstrapMethod method :
       {BootstrapMethod::percentile, BootstrapMethod::basic, BootstrapMethod::bca}) {
    if (name == to_string(method)) return method;
  }
  return std::nullopt;
}

void validate(const Columns& table, const BootstrapOptions& options) {
  pardo::detail::require_at_least(table.rows(), 2, caller, "data");
  pardo::detail::require_finite(table.data(), caller, "data");
  pardo::detail::require_positive(options.resamples, caller, "resamples");
  pardo::detail::require_positive(options.block_resamples, caller, "block_resamples");
  // The distribution, and the sorted copy the interval is read from.
  pardo::detail::require_memory(2.0 * static_cast<double>(options.resamples) * sizeof(double),
                                caller, "resamples = " + std::to_string(options.resamples),
                                "every resample's statistic, twice");
  pardo::detail::require_open_unit(options.level, caller, "level");
  if (options.method != BootstrapMethod::percentile && options.method != BootstrapMethod::basic &&
      options.method != BootstrapMethod::bca) {
    pardo::detail::throw_invalid(
        caller, "unknown method " + std::to_string(static_cast<int>(options.method)));
  }
  if (options.jackknife_groups == 1) {
    pardo::detail::throw_invalid(caller,
                                 "jackknife_groups is 1; it must be 0 (automatic) or at least 2");
  }
  if (table.rows() > std::numeric_limits<std::uint32_t>::max()) {
    pardo::detail::throw_invalid(
        caller, "data has " + std::to_string(table.rows()) + " rows; at most 4294967295 supported");
  }
}

Columns::Columns(std::span<const double> column_major, std::size_t columns)
    : data_(column_major),
      columns_(columns),
      rows_(columns == 0 ? 0 : column_major.size() / columns) {
  if (columns == 0) pardo::detail::throw_invalid("Columns", "columns is 0; it must be at least 1");
  if (column_major.size() % columns != 0) {
    pardo::detail::throw_invalid("Columns", std::to_string(column_major.size()) +
                                                " values do not split into " +
                                                std::to_string(columns) + " equal columns");
  }
}

std::vector<double> stack_columns(std::initializer_list<std::span<const double>> columns) {
  std::vector<double> storage;
  if (columns.size() == 0) return storage;
  const std::size_t rows = columns.begin()->size();
  storage.reserve(rows * columns.size());
  std::size_t j = 0;
  for (const std::span<const double> column : columns) {
    pardo::detail::require_same_size(column.size(), rows, "stack_columns",
                                     "column " + std::to_string(j), "column 0");
    storage.insert(storage.end(), column.begin(), column.end());
    ++j;
  }
  return storage;
}

double pearson(const Columns& table) {
  if (table.columns() < 2) return nan;
  return pearson_r(table.column(0), table.column(1));
}
PARDO_REMOTE_FUNCTION(pearson);

std::uint64_t jackknife_values(std::size_t rows, const BootstrapOptions& options) noexcept {
  const std::uint64_t groups =
      options.jackknife_groups == 0 ? auto_jackknife_groups : options.jackknife_groups;
  return std::min<std::uint64_t>(groups, rows);
}

std::uint64_t bootstrap_blocks(std::size_t rows, const BootstrapOptions& options) noexcept {
  if (options.block_resamples == 0) return 0;
  const std::uint64_t jackknife =
      options.method == BootstrapMethod::bca
          ? (jackknife_values(rows, options) + options.block_resamples - 1) /
                options.block_resamples
          : 0;
  return detail::resample_blocks(options) + jackknife;
}

namespace detail {

BlockProgress statistic_progress(std::size_t rows, const BootstrapOptions& options) {
  const std::uint64_t resample_block_count = resample_blocks(options);
  const bool bca = options.method == BootstrapMethod::bca;
  const auto resample_units = even_units(options.block_resamples, options.resamples);
  return {"resampling", "statistics",
          options.resamples + (bca ? jackknife_values(rows, options) : 0),
          [=](std::uint64_t b) -> std::uint64_t {
            if (b < resample_block_count) return resample_units(b);
            const JackknifeRows jack = jackknife_rows(rows, options, b - resample_block_count);
            return jack.stop - jack.first;
          }};
}

namespace {
constexpr std::size_t words_per_refill = 4096;
// Two indices per word while rows^2 < 2^32.
constexpr std::uint32_t pair_rows_limit = 65535;
}  // namespace

ResampleIndices::ResampleIndices(std::uint64_t seed, std::uint64_t block, std::uint32_t rows)
    : key_(random::derive_key(seed)),
      stream_(block),
      n_(rows),
      pairs_(rows <= pair_rows_limit),
      threshold_(lemire_threshold(pairs_ ? std::uint64_t{rows} * rows : rows)),
      words_(words_per_refill),
      position_(words_per_refill) {}

void ResampleIndices::refill() {
  random::philox_blocks(key_, stream_, next_philox_block_, words_);
  next_philox_block_ += words_per_refill / 4;
  position_ = 0;
}

void ResampleIndices::next(std::span<std::uint32_t> out) {
  std::size_t i = 0;
  if (pending_ && !out.empty()) {
    out[i++] = *pending_;
    pending_.reset();
  }
  while (i < out.size()) {
    if (position_ == words_.size()) refill();
    const std::uint32_t* words = words_.data() + position_;
    const std::size_t left = words_.size() - position_;
    if (!pairs_) {
      const Drawn drawn = lemire(words, left, n_, threshold_, out.data() + i, out.size() - i);
      position_ += drawn.used;
      i += drawn.made;
    } else if (out.size() - i >= 2) {
      const Drawn drawn = lemire_pairs(words, left, n_, threshold_, out.data() + i,
                                       (out.size() - i) & ~std::size_t{1});
      position_ += drawn.used;
      i += drawn.made;
    } else {
      std::uint32_t pair[2];
      const Drawn drawn = lemire_pairs(words, left, n_, threshold_, pair, 2);
      position_ += drawn.used;
      if (drawn.made == 2) {
        out[i++] = pair[0];
        pending_ = pair[1];
      }
    }
  }
}

JackknifeRows jackknife_rows(std::size_t rows, const BootstrapOptions& options,
                             std::uint64_t jackknife_block) noexcept {
  const std::uint64_t first = jackknife_block * options.block_resamples;
  const std::uint64_t stop =
      std::min<std::uint64_t>(first + options.block_resamples, jackknife_values(rows, options));
  return {static_cast<std::size_t>(first), static_cast<std::size_t>(stop)};
}

std::vector<std::uint32_t> jackknife_labels(std::size_t rows, const BootstrapOptions& options) {
  const std::uint64_t groups = jackknife_values(rows, options);
  std::vector<std::uint32_t> order(rows);
  std::iota(order.begin(), order.end(), std::uint32_t{0});
  random::Stream stream(options.seed, std::numeric_limits<std::uint64_t>::max());
  for (std::size_t i = rows - 1; i > 0; --i) {
    std::swap(order[i], order[random::uniform_int(stream, 0, i)]);
  }
  std::vector<std::uint32_t> label(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    label[order[i]] = static_cast<std::uint32_t>(i * groups / rows);
  }
  return label;
}

std::vector<double> run_mean_block(std::span<const double> data, const BootstrapOptions& options,
                                   std::uint64_t block, const std::stop_token& stop) {
  const std::size_t rows = data.size();
  const double n = static_cast<double>(rows);
  const std::uint64_t first_jackknife = resample_blocks(options);
  // Where a sum overflows, stats::mean's way out: the data scaled by 2^-mean_overflow_exponent.
  std::vector<double> scaled;
  const auto scaled_data = [&] {
    if (scaled.empty()) {
      scaled.resize(rows);
      for (std::size_t i = 0; i < rows; ++i)
        scaled[i] = std::ldexp(data[i], -mean_overflow_exponent);
    }
    return scaled.data();
  };
  if (block < first_jackknife) {
    return resample_block(
        rows, options, block,
        [&](std::span<const std::uint32_t> index) {
          const double sum = gathered_sum(data.data(), index.data(), rows);
          if (std::isfinite(sum)) return sum / n;
          return std::ldexp(gathered_sum(scaled_data(), index.data(), rows) / n,
                            mean_overflow_exponent);
        },
        stop);
  }
  const auto [start, end] = jackknife_rows(rows, options, block - first_jackknife);
  const double total = mean_sum(data.data(), rows);
  std::vector<double> out;
  out.reserve(end - start);
  if (jackknife_values(rows, options) < rows) {
    const std::vector<std::uint32_t> label = jackknife_labels(rows, options);
    std::vector<double> counts(end - start, 0.0);
    for (std::size_t i = 0; i < rows; ++i) {
      if (label[i] >= start && label[i] < end) counts[label[i] - start] += 1;
    }
    const auto left_out_means = [&](const double* x, double sum) {
      std::vector<double> sums(end - start, 0.0);
      for (std::size_t i = 0; i < rows; ++i) {
        if (label[i] >= start && label[i] < end) sums[label[i] - start] += x[i];
      }
      for (std::size_t g = 0; g < sums.size(); ++g) sums[g] = (sum - sums[g]) / (n - counts[g]);
      return sums;
    };
    out = left_out_means(data.data(), total);
    for (std::size_t g = 0; g < out.size(); ++g) {
      if (std::isfinite(out[g])) continue;
      const std::vector<double> small =
          left_out_means(scaled_data(), mean_sum(scaled_data(), rows));
      for (std::size_t h = 0; h < out.size(); ++h) {
        out[h] = std::ldexp(small[h], mean_overflow_exponent);
      }
      break;
    }
    return out;
  }
  for (std::size_t i = start; i < end; ++i) {
    const double left_out = (total - data[i]) / (n - 1);
    if (std::isfinite(left_out)) {
      out.push_back(left_out);
      continue;
    }
    const double* const small = scaled_data();
    const double scaled_total = mean_sum(small, rows);
    out.push_back(std::ldexp((scaled_total - small[i]) / (n - 1), mean_overflow_exponent));
  }
  return out;
}

std::uint64_t resample_blocks(const BootstrapOptions& options) noexcept {
  if (options.block_resamples == 0) return 0;
  return (options.resamples + options.block_resamples - 1) / options.block_resamples;
}

BootstrapResult summarise(double estimate,
                          const std::vector<std::optional<std::vector<double>>>& blocks,
                          const BootstrapOptions& options, std::string_view name,
                          std::size_t rows) {
  BootstrapResult r;
  r.estimate = estimate;
  r.interval = {nan, nan, options.level};
  r.std_error = r.bias = nan;
  const auto first_jackknife = static_cast<std::size_t>(resample_blocks(options));
  std::vector<double> distribution;
  distribution.reserve(static_cast<std::size_t>(options.resamples));
  std::vector<double> jackknife;
  bool jackknife_complete = true;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (b < first_jackknife) {
      if (blocks[b]) distribution.insert(distribution.end(), blocks[b]->begin(), blocks[b]->end());
    } else if (blocks[b]) {
      jackknife.insert(jackknife.end(), blocks[b]->begin(), blocks[b]->end());
    } else {
      jackknife_complete = false;
    }
  }
  require_finite_statistics(distribution, caller, name, "resamples");
  require_finite_statistics(jackknife, caller, name, "leave-one-out samples (jackknife)");
  r.resamples = distribution.size();
  if (distribution.empty()) return r;

  // std_dev is the two-pass formula, free of overflow for values near the limits.
  r.std_error = stats::std_dev(distribution);
  r.bias = stats::mean(distribution) - estimate;

  const double alpha = (1 - options.level) / 2;
  double low_level = alpha;
  double high_level = 1 - alpha;
  if (options.method == BootstrapMethod::bca) {
    if (!jackknife_complete) {
      r.bias_correction = r.acceleration = nan;
      low_level = high_level = nan;
      r.note = "BCa interval not computed: the jackknife was interrupted (" +
               std::to_string(jackknife.size()) + " of " +
               std::to_string(jackknife_values(rows, options)) +
               " jackknife values computed); run it to the end, or ask for the percentile method";
    } else {
      const BcaLevels levels = bca_levels(estimate, distribution, jackknife, alpha);
      r.bias_correction = levels.z0;
      r.acceleration = levels.acceleration;
      low_level = levels.low;
      high_level = levels.high;
    }
  }
  std::vector<double> sorted(distribution);
  std::sort(sorted.begin(), sorted.end());
  const double low = numpy_percentile(sorted, low_level * 100);
  const double high = numpy_percentile(sorted, high_level * 100);
  if (options.method == BootstrapMethod::basic) {
    r.interval.low = 2 * estimate - high;
    r.interval.high = 2 * estimate - low;
  } else {
    r.interval.low = low;
    r.interval.high = high;
  }
  if (options.keep_distribution) r.distribution = std::move(distribution);
  return r;
}

std::vector<double> bootstrap_block(BootstrapTask task) {
  const Columns table(task.data.values(), static_cast<std::size_t>(task.columns));
  const BootstrapOptions options{
      .resamples = task.resamples, .seed = task.seed, .block_resamples = task.block_resamples};
  if (task.sample_statistic && is_mean(task.sample_statistic)) {
    return run_mean_block(table.column(0), options, task.block);
  }
  if (task.table_statistic) return run_block(table, options, task.block, task.table_statistic);
  const SampleStatistic& statistic = task.sample_statistic;
  return run_block(table, options, task.block,
                   [&statistic](const Columns& t) { return statistic(t.column(0)); });
}
PARDO_REMOTE(bootstrap_block);

}  // namespace detail

}  // namespace pardo::stats

#pragma once
/// @file
/// Bootstrap confidence intervals for any statistic of a sample or of the rows of a table:
/// percentile, basic and BCa intervals as `scipy.stats.bootstrap` computes them, on any
/// executor, with the same bits for a given seed on any backend and worker count.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/stats/common.hpp"
#include "pardo/stats/descriptive.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo::stats {

/// How the interval is read off the bootstrap distribution.
/// @code
/// pardo::stats::BootstrapOptions options{.method = pardo::stats::BootstrapMethod::percentile};
/// @endcode
enum class BootstrapMethod {
  percentile,  ///< the alpha/2 and 1 - alpha/2 quantiles of the distribution
  basic,       ///< the percentile interval reflected about the estimate ("reverse percentile")
  bca,         ///< bias-corrected and accelerated (Efron and Tibshirani 1993, 14.3)
};

/// "percentile", "basic" or "bca".
/// @code
/// assert(pardo::stats::to_string(pardo::stats::BootstrapMethod::bca) == "bca");
/// @endcode
std::string_view to_string(BootstrapMethod method) noexcept;

/// The method named `name` ("percentile", "basic", "bca"), or nullopt.
/// @code
/// auto method = pardo::stats::parse_bootstrap_method("basic");  // BootstrapMethod::basic
/// @endcode
std::optional<BootstrapMethod> parse_bootstrap_method(std::string_view name) noexcept;

/// What to resample. The resamples are cut into blocks of `block_resamples` (the last may
/// be shorter); block b draws its row indices from random stream (seed, b), so the result
/// depends on these options alone, never on the executor or its worker count.
/// @code
/// pardo::stats::BootstrapOptions options{.resamples = 99'999, .level = 0.99, .seed = 7};
/// @endcode
struct BootstrapOptions {
  std::uint64_t resamples = 9999;  ///< as scipy's default n_resamples
  double level = 0.95;             ///< confidence level, in (0, 1)
  BootstrapMethod method = BootstrapMethod::bca;
  std::uint64_t seed = 42;
  std::uint64_t block_resamples = 128;  ///< resamples (and jackknife values) per block
  bool keep_distribution = false;       ///< return every resampled statistic
  /// BCa's acceleration from G leave-group-out statistics (a delete-d jackknife) instead of
  /// the n leave-one-out ones, which cost n evaluations of the statistic: 0 (automatic) is
  /// the full jackknife up to `auto_jackknife_groups` rows and that many groups above; a
  /// count >= the rows is the full jackknife; 1 is refused. The rows go to the groups by a
  /// random permutation drawn from the seed alone, sizes differing by at most one.
  std::uint64_t jackknife_groups = 0;
};

/// The groups of BCa's jackknife when BootstrapOptions::jackknife_groups is 0 (automatic):
/// the acceleration's error from grouping is about 0.65 / G (docs/design.md), 3e-4 here,
/// at the cost of G evaluations of the statistic however many rows there are.
/// @code
/// pardo::stats::BootstrapOptions options{.jackknife_groups = 4 *
/// pardo::stats::auto_jackknife_groups};
/// @endcode
inline constexpr std::uint64_t auto_jackknife_groups = 2000;

/// The number of jackknife values BCa computes for `rows` rows: `rows` for the full
/// leave-one-out jackknife, else the number of groups (see BootstrapOptions::jackknife_groups).
/// @code
/// assert(pardo::stats::jackknife_values(200'000, {}) == 2000);
/// assert(pardo::stats::jackknife_values(500, {}) == 500);
/// @endcode
std::uint64_t jackknife_values(std::size_t rows, const BootstrapOptions& options) noexcept;

/// A bootstrap interval with the distribution's summaries and the work behind it.
/// @code
/// auto r = pardo::stats::bootstrap(pool, data, pardo::stats::median);
/// std::printf("%g [%g, %g]\n", r.estimate, r.interval.low, r.interval.high);
/// @endcode
struct BootstrapResult {
  double estimate = 0;         ///< the statistic of the data
  double std_error = 0;        ///< standard deviation (divisor B - 1) of the bootstrap distribution
  Interval interval;           ///< NaN ends where BCa is undefined (a degenerate distribution)
  double bias = 0;             ///< mean of the bootstrap distribution minus the estimate
  double bias_correction = 0;  ///< BCa's z0 (0 for the other methods)
  double acceleration = 0;     ///< BCa's a, from the jackknife (0 for the other methods)
  /// Why `interval` is NaN when a stop cut BCa's jackknife short ("BCa interval not computed:
  /// the jackknife was interrupted ..."): without every jackknife value there is no
  /// acceleration, and an interval of another method would not be what was asked. Else empty.
  std::string note;
  std::uint64_t resamples = 0;       ///< resamples drawn (all requested, unless stopped)
  std::vector<double> distribution;  ///< in resample order; empty unless keep_distribution
  RunInfo run{};                     ///< blocks done and planned, seconds, complete, where
};

/// A read-only table of equal-length columns stored one after another (column-major); the
/// bootstrap resamples its rows, keeping each row's values together.
/// @code
/// std::vector<double> xy{1, 2, 3, /* y: */ 2, 4, 7};
/// pardo::stats::Columns table(xy, 2);  // 3 rows, 2 columns
/// assert(table.column(1)[2] == 7);
/// @endcode
class Columns {
 public:
  /// Throws std::invalid_argument unless `columns` > 0 divides `column_major.size()`.
  /// @code
  /// pardo::stats::Columns table(storage, /*columns=*/3);
  /// @endcode
  Columns(std::span<const double> column_major, std::size_t columns);

  /// The number of columns.
  /// @code
  /// std::size_t k = table.columns();
  /// @endcode
  std::size_t columns() const noexcept { return columns_; }

  /// The number of rows.
  /// @code
  /// std::size_t n = table.rows();
  /// @endcode
  std::size_t rows() const noexcept { return rows_; }

  /// Column `j` (unchecked).
  /// @code
  /// double first_x = table.column(0)[0];
  /// @endcode
  std::span<const double> column(std::size_t j) const noexcept {
    return data_.subspan(j * rows_, rows_);
  }

  /// Every value, column after column.
  /// @code
  /// std::span<const double> all = table.data();
  /// @endcode
  std::span<const double> data() const noexcept { return data_; }

 private:
  std::span<const double> data_;
  std::size_t columns_;
  std::size_t rows_;
};

/// Equal-length columns copied one after another, the storage a `Columns` view reads.
/// Throws std::invalid_argument naming the first column whose length differs.
/// @code
/// std::vector<double> storage = pardo::stats::stack_columns({x, y});
/// pardo::stats::Columns table(storage, 2);
/// @endcode
std::vector<double> stack_columns(std::initializer_list<std::span<const double>> columns);

/// Pearson's correlation of a table's first two columns (NaN if either is constant);
/// registered, so it is a table statistic on every backend.
/// @code
/// double r = pardo::stats::pearson(pardo::stats::Columns(storage, 2));
/// @endcode
double pearson(const Columns& table);

/// The number of blocks a bootstrap of `rows` rows runs (the jackknife's blocks included
/// for BCa): the total a progress bar counts `RunControl::blocks_done` up to.
/// @code
/// std::uint64_t total = pardo::stats::bootstrap_blocks(data.size(), options);
/// @endcode
std::uint64_t bootstrap_blocks(std::size_t rows, const BootstrapOptions& options) noexcept;

/// Throws std::invalid_argument naming the bad value (fewer than 2 rows, a non-finite
/// value, zero resamples or block size, a level outside (0, 1), too many rows, one
/// jackknife group): what
/// `bootstrap` checks first.
/// @code
/// pardo::stats::validate(pardo::stats::Columns(data, 1), {.level = 0.99});
/// @endcode
void validate(const Columns& table, const BootstrapOptions& options);

/// The statistic of a sample on worker processes and MPI ranks.
/// @code
/// pardo::stats::SampleStatistic stat(pardo::stats::median);
/// @endcode
using SampleStatistic = RemoteFunction<double(std::span<const double>)>;

/// The statistic of a table on worker processes and MPI ranks.
/// @code
/// pardo::stats::TableStatistic stat(pardo::stats::pearson);
/// @endcode
using TableStatistic = RemoteFunction<double(const Columns&)>;

}  // namespace pardo::stats

#include "pardo/stats/detail/bootstrap.hpp"

namespace pardo::stats {

/// A bootstrap interval for `statistic` (any `double(std::span<const double>)` callable) of
/// the sample `data`: `options.resamples` resamples of the data with replacement, in
/// parallel blocks on `executor`; for BCa the n leave-one-out statistics too, or G
/// leave-group-out ones (BootstrapOptions::jackknife_groups; by default above 2000 rows). On worker
/// processes and MPI ranks the statistic must be a registered function (stats::mean,
/// stats::median, stats::std_dev, stats::variance, or yours with PARDO_REMOTE_FUNCTION).
/// Same bits on every executor and worker count. When the statistic is stats::mean itself a
/// fused kernel runs (`detail::run_mean_block`): the same resampled means to the bit, a
/// jackknife (BCa) equal to rounding. Throws std::invalid_argument naming the value for fewer
/// than 2 values, a NaN or infinity, zero resamples, a level outside (0, 1). A statistic that
/// is NaN or infinite on the data, or on any resample or leave-one-out sample, throws
/// std::invalid_argument naming the statistic and the value or how many: no estimate or
/// interval is reported from such values. The built-in statistics are free of overflow for
/// finite data (a mean of values near 1e308 is finite); a variance beyond 1.8e308 is not.
/// @code
/// pardo::ThreadPool pool;
/// auto r = pardo::stats::bootstrap(pool, data, pardo::stats::median, {.seed = 1});
/// @endcode
template <RemoteExecutor E, class Statistic>
BootstrapResult bootstrap(E& executor, std::span<const double> data, Statistic statistic,
                          const BootstrapOptions& options = {}, const RunControl& control = {}) {
  const Columns table(data, 1);
  const auto evaluate = [&statistic](const Columns& t) -> double { return statistic(t.column(0)); };
  const std::string name = detail::statistic_name<double(std::span<const double>)>(statistic);
  if constexpr (!Executor<E>) {
    static_assert(std::is_convertible_v<Statistic, SampleStatistic>,
                  "bootstrap on a remote pool: the statistic must be a function registered with "
                  "PARDO_REMOTE_FUNCTION (or a SampleStatistic)");
    const SampleStatistic handle(statistic);
    return detail::run(executor, table, evaluate, options, control, handle, TableStatistic{}, name);
  } else {
    return detail::run(executor, table, evaluate, options, control, SampleStatistic{},
                       TableStatistic{}, name, detail::is_mean(statistic));
  }
}

/// A bootstrap interval for `statistic` (any `double(const Columns&)` callable) of a table
/// whose rows are resampled together: the correlation of two columns, a regression slope.
/// Otherwise as the 1-D `bootstrap`.
/// @code
/// std::vector<double> storage = pardo::stats::stack_columns({x, y});
/// auto r = pardo::stats::bootstrap(pool, pardo::stats::Columns(storage, 2),
///                                  pardo::stats::pearson, {.resamples = 9999});
/// @endcode
template <RemoteExecutor E, class Statistic>
BootstrapResult bootstrap(E& executor, const Columns& table, Statistic statistic,
                          const BootstrapOptions& options = {}, const RunControl& control = {}) {
  const std::string name = detail::statistic_name<double(const Columns&)>(statistic);
  if constexpr (!Executor<E>) {
    static_assert(std::is_convertible_v<Statistic, TableStatistic>,
                  "bootstrap on a remote pool: the statistic must be a function registered with "
                  "PARDO_REMOTE_FUNCTION (or a TableStatistic)");
    const TableStatistic handle(statistic);
    return detail::run(executor, table, handle, options, control, SampleStatistic{}, handle, name);
  } else {
    return detail::run(executor, table, statistic, options, control, SampleStatistic{},
                       TableStatistic{}, name);
  }
}

}  // namespace pardo::stats

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
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/detail/blocks.hpp"
#include "pardo/random/philox.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/stats/common.hpp"
#include "pardo/stats/descriptive.hpp"
#include "pardo/workload/run_control.hpp"

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
};

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
  std::uint64_t resamples = 0;       ///< resamples drawn (all requested, unless stopped)
  std::vector<double> distribution;  ///< in resample order; empty unless keep_distribution
  std::uint64_t blocks_done = 0;
  std::uint64_t blocks_total = 0;
  double seconds = 0;
  bool complete = false;  ///< false if stopped before every block ran
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

namespace detail {

/// The row indices of one block's resamples, uniform on [0, rows), from the 32-bit words of
/// random stream (seed, block) taken in order. Below 65536 rows each word gives two indices
/// (Lemire's multiply-and-reject for the range rows^2, its result split into two base-rows
/// digits: half the random words); above, each index equals
/// `random::uniform_int(Stream(seed, block), 0, rows - 1)`. The words come from the bulk
/// (SIMD) Philox generator.
class ResampleIndices {
 public:
  ResampleIndices(std::uint64_t seed, std::uint64_t block, std::uint32_t rows);
  /// The next out.size() indices.
  void next(std::span<std::uint32_t> out);

 private:
  void refill();
  random::Key key_;
  std::uint64_t stream_;
  std::uint64_t next_philox_block_ = 0;
  std::uint32_t n_;
  bool pairs_;
  std::uint32_t threshold_;
  std::vector<std::uint32_t> words_;
  std::size_t position_;
  /// A pair's second index when the last call ended between the two.
  std::optional<std::uint32_t> pending_;
};

/// Throws std::invalid_argument naming the bad value (fewer than 2 rows, a non-finite
/// value, zero resamples or block size, a level outside (0, 1), too many rows).
void validate(const Columns& table, const BootstrapOptions& options);
std::uint64_t resample_blocks(const BootstrapOptions& options) noexcept;

/// Resample block `block`: `statistic_of(index)` for each of its resamples, `index` being
/// the resample's row indices.
template <class OfIndices>
std::vector<double> resample_block(std::size_t rows, const BootstrapOptions& options,
                                   std::uint64_t block, const OfIndices& statistic_of) {
  const std::uint64_t first = block * options.block_resamples;
  const auto count =
      static_cast<std::size_t>(std::min(options.block_resamples, options.resamples - first));
  std::vector<double> out;
  out.reserve(count);
  ResampleIndices indices(options.seed, block, static_cast<std::uint32_t>(rows));
  std::vector<std::uint32_t> index(rows);
  for (std::size_t r = 0; r < count; ++r) {
    indices.next(index);
    out.push_back(statistic_of(std::span<const std::uint32_t>(index)));
  }
  return out;
}

/// The rows [first, stop) whose leave-one-out statistics jackknife block `jackknife_block`
/// (counted from the first block past the resamples) computes.
struct JackknifeRows {
  std::size_t first;
  std::size_t stop;
};
JackknifeRows jackknife_rows(std::size_t rows, const BootstrapOptions& options,
                             std::uint64_t jackknife_block) noexcept;

/// Block `block` of a run: the statistics of its resamples, or past the resample blocks the
/// jackknife's leave-one-out statistics of its rows. `statistic` takes a Columns view.
template <class Evaluate>
std::vector<double> run_block(const Columns& table, const BootstrapOptions& options,
                              std::uint64_t block, const Evaluate& statistic) {
  const std::size_t rows = table.rows();
  const std::size_t k = table.columns();
  const std::uint64_t first_jackknife = resample_blocks(options);
  if (block < first_jackknife) {
    std::vector<double> buffer(rows * k);
    return resample_block(rows, options, block, [&](std::span<const std::uint32_t> index) {
      for (std::size_t j = 0; j < k; ++j) {
        const double* column = table.column(j).data();
        double* into = buffer.data() + j * rows;
        for (std::size_t i = 0; i < rows; ++i) into[i] = column[index[i]];
      }
      return statistic(Columns(buffer, k));
    });
  }
  // Leave-one-out row i: moving from i to i + 1 puts row i back at position i.
  const auto [start, stop] = jackknife_rows(rows, options, block - first_jackknife);
  const std::size_t m = rows - 1;
  std::vector<double> buffer(m * k);
  for (std::size_t j = 0; j < k; ++j) {
    const std::span<const double> column = table.column(j);
    double* into = buffer.data() + j * m;
    std::copy(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(start), into);
    std::copy(column.begin() + static_cast<std::ptrdiff_t>(start + 1), column.end(), into + start);
  }
  std::vector<double> out;
  out.reserve(stop - start);
  for (std::size_t i = start; i < stop; ++i) {
    out.push_back(statistic(Columns(buffer, k)));
    if (i + 1 < rows) {
      for (std::size_t j = 0; j < k; ++j) buffer[j * m + i] = table.column(j)[i];
    }
  }
  return out;
}

/// The result from the blocks' outputs in block order (empty entries: skipped blocks).
BootstrapResult summarise(double estimate,
                          const std::vector<std::optional<std::vector<double>>>& blocks,
                          const BootstrapOptions& options, double seconds);

/// Whether `statistic` is stats::mean itself (a function pointer or a handle to it), which
/// runs the fused `run_mean_block` instead of `run_block`.
template <class Statistic>
bool is_mean(const Statistic& statistic) noexcept {
  using Pointer = double (*)(std::span<const double>);
  if constexpr (std::is_same_v<Statistic, SampleStatistic>) {
    return statistic.get() == &mean;
  } else if constexpr (std::is_convertible_v<const Statistic&, Pointer>) {
    return static_cast<Pointer>(statistic) == &mean;
  } else {
    return false;
  }
}

/// `run_block` for stats::mean of a 1-D sample, fused: each resample's mean is summed from
/// its row indices straight out of the data (SIMD gathers where the CPU has them), in
/// exactly stats::mean's summation pattern, so the resampled means have the same bits as the
/// generic path's. The jackknife's leave-one-out means are (sum - x_i) / (n - 1), O(n) rather
/// than O(n^2): equal to the generic path's within rounding (a few ulps), not bit for bit.
std::vector<double> run_mean_block(std::span<const double> data, const BootstrapOptions& options,
                                   std::uint64_t block);

/// One block for a remote pool: the table travels with it.
struct BootstrapTask {
  SampleStatistic sample_statistic;  ///< set for a 1-D bootstrap
  TableStatistic table_statistic;    ///< set for a table bootstrap
  std::vector<double> data;
  std::uint64_t columns = 1;
  std::uint64_t resamples = 0;
  std::uint64_t block_resamples = 0;
  std::uint64_t seed = 0;
  std::uint64_t block = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(sample_statistic, table_statistic, data, columns, resamples, block_resamples, seed,
            block);
  }
};

/// `run_block` (or `run_mean_block`) in a worker: the block's values, as the in-process
/// executors compute them. Registered with PARDO_REMOTE in bootstrap_remote.cpp.
std::vector<double> run_remote_block(BootstrapTask task);

template <class Executor, class Evaluate>
BootstrapResult run(Executor& executor, const Columns& table, const Evaluate& statistic,
                    const BootstrapOptions& options, const RunControl& control,
                    const SampleStatistic& sample_handle, const TableStatistic& table_handle,
                    bool sample_mean = false) {
  validate(table, options);
  const auto start = std::chrono::steady_clock::now();
  const double estimate = statistic(table);
  const std::uint64_t blocks = bootstrap_blocks(table.rows(), options);
  std::vector<std::optional<std::vector<double>>> outputs;
  if constexpr (pardo::detail::is_remote_pool_v<Executor>) {
    std::vector<BootstrapTask> tasks(blocks);
    for (std::uint64_t b = 0; b < blocks; ++b) {
      tasks[b] = {sample_handle,
                  table_handle,
                  std::vector<double>(table.data().begin(), table.data().end()),
                  table.columns(),
                  options.resamples,
                  options.block_resamples,
                  options.seed,
                  b};
    }
    outputs = pardo::detail::map_remote_blocks(executor, &run_remote_block, tasks, control);
  } else {
    outputs = pardo::detail::map_blocks(
        executor, blocks,
        [&](std::uint64_t b) {
          return sample_mean ? run_mean_block(table.column(0), options, b)
                             : run_block(table, options, b, statistic);
        },
        control);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summarise(estimate, outputs, options, seconds);
}

}  // namespace detail

/// A bootstrap interval for `statistic` (any `double(std::span<const double>)` callable) of
/// the sample `data`: `options.resamples` resamples of the data with replacement, in
/// parallel blocks on `executor`; for BCa the n leave-one-out statistics too. On worker
/// processes and MPI ranks the statistic must be a registered function (stats::mean,
/// stats::median, stats::std_dev, stats::variance, or yours with PARDO_REMOTE_FUNCTION).
/// Same bits on every executor and worker count. When the statistic is stats::mean itself a
/// fused kernel runs (`detail::run_mean_block`): the same resampled means to the bit, a
/// jackknife (BCa) equal to rounding. Throws std::invalid_argument naming the value for fewer
/// than 2 values, a NaN or infinity, zero resamples, a level outside (0, 1).
/// @code
/// pardo::ThreadPool pool;
/// auto r = pardo::stats::bootstrap(pool, data, pardo::stats::median, {.seed = 1});
/// @endcode
template <class Executor, class Statistic>
BootstrapResult bootstrap(Executor& executor, std::span<const double> data, Statistic statistic,
                          const BootstrapOptions& options = {}, const RunControl& control = {}) {
  const Columns table(data, 1);
  const auto evaluate = [&statistic](const Columns& t) -> double { return statistic(t.column(0)); };
  if constexpr (pardo::detail::is_remote_pool_v<Executor>) {
    static_assert(std::is_convertible_v<Statistic, SampleStatistic>,
                  "bootstrap on a remote pool: the statistic must be a function registered with "
                  "PARDO_REMOTE_FUNCTION (or a SampleStatistic)");
    const SampleStatistic handle(statistic);
    return detail::run(executor, table, evaluate, options, control, handle, TableStatistic{});
  } else {
    return detail::run(executor, table, evaluate, options, control, SampleStatistic{},
                       TableStatistic{}, detail::is_mean(statistic));
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
template <class Executor, class Statistic>
BootstrapResult bootstrap(Executor& executor, const Columns& table, Statistic statistic,
                          const BootstrapOptions& options = {}, const RunControl& control = {}) {
  if constexpr (pardo::detail::is_remote_pool_v<Executor>) {
    static_assert(std::is_convertible_v<Statistic, TableStatistic>,
                  "bootstrap on a remote pool: the statistic must be a function registered with "
                  "PARDO_REMOTE_FUNCTION (or a TableStatistic)");
    const TableStatistic handle(statistic);
    return detail::run(executor, table, handle, options, control, SampleStatistic{}, handle);
  } else {
    return detail::run(executor, table, statistic, options, control, SampleStatistic{},
                       TableStatistic{});
  }
}

}  // namespace pardo::stats

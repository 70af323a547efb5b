#pragma once
// The bootstrap's machinery, for the templates of pardo/stats/bootstrap.hpp (which includes
// this file once its public types are declared, and is its only includer): the resampling kernels'
// interface, the block functions and the run on any executor.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/random/philox.hpp"
#include "pardo/stats/detail/statistic_checks.hpp"
#include "pardo/workload/block_data.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::stats {

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

std::uint64_t resample_blocks(const BootstrapOptions& options) noexcept;

/// Resample block `block`: `statistic_of(index)` for each of its resamples, `index` being
/// the resample's row indices. Throws BlockStopped if `stop` comes first.
template <class OfIndices>
std::vector<double> resample_block(std::size_t rows, const BootstrapOptions& options,
                                   std::uint64_t block, const OfIndices& statistic_of,
                                   const std::stop_token& stop) {
  const std::uint64_t first = block * options.block_resamples;
  const auto count =
      static_cast<std::size_t>(std::min(options.block_resamples, options.resamples - first));
  std::vector<double> out;
  out.reserve(count);
  ResampleIndices indices(options.seed, block, static_cast<std::uint32_t>(rows));
  std::vector<std::uint32_t> index(rows);
  for (std::size_t r = 0; r < count; ++r) {
    throw_if_stopped(stop);
    indices.next(index);
    out.push_back(statistic_of(std::span<const std::uint32_t>(index)));
  }
  return out;
}

/// The jackknife values [first, stop) that jackknife block `jackknife_block` (counted from
/// the first block past the resamples) computes: leave-one-out rows, or groups left out.
struct JackknifeRows {
  std::size_t first;
  std::size_t stop;
};
JackknifeRows jackknife_rows(std::size_t rows, const BootstrapOptions& options,
                             std::uint64_t jackknife_block) noexcept;

/// How the blocks count in a progress bar: the statistic's evaluations, on resamples and
/// (for BCa) on the leave-one-out samples.
BlockProgress statistic_progress(std::size_t rows, const BootstrapOptions& options);

/// The jackknife group of every row when there are fewer groups than rows: a permutation of
/// the rows from random stream (seed, 2^64 - 1), which no resample block uses, cut in
/// jackknife_values(rows, options) consecutive pieces of sizes differing by at most one.
std::vector<std::uint32_t> jackknife_labels(std::size_t rows, const BootstrapOptions& options);

/// Block `block` of a run: the statistics of its resamples, or past the resample blocks the
/// jackknife's leave-one-out statistics of its rows. `statistic` takes a Columns view. Each
/// value looks at `stop` first (one may cost a pass over millions of rows): BlockStopped.
template <class Evaluate>
std::vector<double> run_block(const Columns& table, const BootstrapOptions& options,
                              std::uint64_t block, const Evaluate& statistic,
                              const std::stop_token& stop = {}) {
  const std::size_t rows = table.rows();
  const std::size_t k = table.columns();
  const std::uint64_t first_jackknife = resample_blocks(options);
  if (block < first_jackknife) {
    std::vector<double> buffer(rows * k);
    return resample_block(
        rows, options, block,
        [&](std::span<const std::uint32_t> index) {
          for (std::size_t j = 0; j < k; ++j) {
            const double* column = table.column(j).data();
            double* into = buffer.data() + j * rows;
            for (std::size_t i = 0; i < rows; ++i) into[i] = column[index[i]];
          }
          return statistic(Columns(buffer, k));
        },
        stop);
  }
  const auto [start, end] = jackknife_rows(rows, options, block - first_jackknife);
  if (jackknife_values(rows, options) < rows) {
    // Leave group g out: the other rows, in their order.
    const std::vector<std::uint32_t> label = jackknife_labels(rows, options);
    std::vector<double> buffer;
    std::vector<double> out;
    out.reserve(end - start);
    for (std::size_t g = start; g < end; ++g) {
      throw_if_stopped(stop);
      buffer.clear();
      for (std::size_t j = 0; j < k; ++j) {
        const std::span<const double> column = table.column(j);
        for (std::size_t i = 0; i < rows; ++i) {
          if (label[i] != g) buffer.push_back(column[i]);
        }
      }
      out.push_back(statistic(Columns(buffer, k)));
    }
    return out;
  }
  // Leave-one-out row i: moving from i to i + 1 puts row i back at position i.
  const std::size_t m = rows - 1;
  std::vector<double> buffer(m * k);
  for (std::size_t j = 0; j < k; ++j) {
    const std::span<const double> column = table.column(j);
    double* into = buffer.data() + j * m;
    std::copy(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(start), into);
    std::copy(column.begin() + static_cast<std::ptrdiff_t>(start + 1), column.end(), into + start);
  }
  std::vector<double> out;
  out.reserve(end - start);
  for (std::size_t i = start; i < end; ++i) {
    throw_if_stopped(stop);
    out.push_back(statistic(Columns(buffer, k)));
    if (i + 1 < rows) {
      for (std::size_t j = 0; j < k; ++j) buffer[j * m + i] = table.column(j)[i];
    }
  }
  return out;
}

/// The result from the blocks' outputs in block order (empty entries: skipped blocks) for a
/// table of `rows` rows, without its RunInfo.
/// Throws std::invalid_argument naming the statistic (`name`, "" if unknown) and how many
/// resamples or leave-one-out samples gave NaN or infinity, if any did.
BootstrapResult summarise(double estimate,
                          const std::vector<std::optional<std::vector<double>>>& blocks,
                          const BootstrapOptions& options, std::string_view name, std::size_t rows);

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
/// than O(n^2), and the leave-group-out ones (sum - group sum) / (n - group size): equal to
/// the generic path's within rounding (a few ulps), not bit for bit.
std::vector<double> run_mean_block(std::span<const double> data, const BootstrapOptions& options,
                                   std::uint64_t block, const std::stop_token& stop = {});

/// One block for a remote pool: the table travels with it, or its shared segment's handle.
struct BootstrapTask {
  SampleStatistic sample_statistic;  ///< set for a 1-D bootstrap
  TableStatistic table_statistic;    ///< set for a table bootstrap
  BlockData data;
  std::uint64_t columns = 1;
  std::uint64_t resamples = 0;
  std::uint64_t block_resamples = 0;
  std::uint64_t seed = 0;
  std::uint64_t block = 0;
  std::uint64_t jackknife_groups = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(sample_statistic, table_statistic, data, columns, resamples, block_resamples, seed,
            block, jackknife_groups);
  }
};

/// `run_block` (or `run_mean_block`) in a worker: the block's values, as the in-process
/// executors compute them. Registered with PARDO_REMOTE in src/stats/bootstrap.cpp.
std::vector<double> bootstrap_block(BootstrapTask task);

template <RemoteExecutor E, class Evaluate>
BootstrapResult run(E& executor, const Columns& table, const Evaluate& statistic,
                    const BootstrapOptions& options, const RunControl& control,
                    const SampleStatistic& sample_handle, const TableStatistic& table_handle,
                    std::string_view name, bool sample_mean = false) {
  validate(table, options);
  BlockRunner runner(executor, bootstrap_blocks(table.rows(), options), control,
                     statistic_progress(table.rows(), options));
  const double estimate = statistic(table);
  require_finite_statistic(estimate, "bootstrap", name, "on the data");
  const auto local = [&](std::uint64_t b) {
    return sample_mean ? run_mean_block(table.column(0), options, b, control.stop)
                       : run_block(table, options, b, statistic, control.stop);
  };
  const BlockData data = BlockData::share(executor, {table.data()});
  const auto remote = remote_blocks(&bootstrap_block, [&](std::uint64_t b) {
    return BootstrapTask{
        sample_handle,           table_handle, data, table.columns(),         options.resamples,
        options.block_resamples, options.seed, b,    options.jackknife_groups};
  });
  const auto outputs = runner.run(0, runner.info().blocks_total, local, remote);
  BootstrapResult result = summarise(estimate, outputs, options, name, table.rows());
  result.run = runner.info();
  return result;
}

}  // namespace detail

}  // namespace pardo::stats

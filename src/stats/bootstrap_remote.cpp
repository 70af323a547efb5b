// The bootstrap's blocks on worker processes and MPI ranks: each block is one remote call
// carrying the table and the statistic's handle.

#include <cstddef>
#include <vector>

#include "pardo/remote/remote.hpp"
#include "pardo/stats/bootstrap.hpp"

namespace pardo::stats::detail {

std::vector<double> run_remote_block(BootstrapTask task) {
  const Columns table(task.data, static_cast<std::size_t>(task.columns));
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
PARDO_REMOTE_AS(run_remote_block, "pardo::stats::bootstrap_block");

}  // namespace pardo::stats::detail

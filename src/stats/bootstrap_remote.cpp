// The bootstrap's blocks on worker processes and MPI ranks: each block is one remote call
// carrying the table and the statistic's handle.

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "pardo/remote.hpp"
#include "pardo/stats/bootstrap.hpp"

namespace pardo::stats::detail {

std::string run_remote_block(BootstrapTask task) {
  const Columns table(task.data, static_cast<std::size_t>(task.columns));
  const BootstrapOptions options{
      .resamples = task.resamples, .seed = task.seed, .block_resamples = task.block_resamples};
  std::vector<double> values;
  if (task.sample_statistic && is_mean(task.sample_statistic)) {
    values = run_mean_block(table.column(0), options, task.block);
  } else if (task.table_statistic) {
    values = run_block(table, options, task.block, task.table_statistic);
  } else {
    const SampleStatistic& statistic = task.sample_statistic;
    values = run_block(table, options, task.block,
                       [&statistic](const Columns& t) { return statistic(t.column(0)); });
  }
  std::string bytes(values.size() * sizeof(double), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}
PARDO_REMOTE_AS(run_remote_block, "pardo::stats::bootstrap_block");

std::vector<std::optional<std::vector<double>>> unpack_blocks(
    const std::vector<std::optional<std::string>>& packed) {
  std::vector<std::optional<std::vector<double>>> blocks(packed.size());
  for (std::size_t b = 0; b < packed.size(); ++b) {
    if (!packed[b]) continue;
    std::vector<double> values(packed[b]->size() / sizeof(double));
    std::memcpy(values.data(), packed[b]->data(), values.size() * sizeof(double));
    blocks[b] = std::move(values);
  }
  return blocks;
}

}  // namespace pardo::stats::detail

// Bootstrap intervals: the median of a skewed sample, and the correlation of two columns
// (rows resampled together), on worker threads and, the same bits, on worker processes.
#include <cstdio>
#include <pardo/pardo.hpp>
#include <pardo/random/distributions.hpp>
#include <pardo/stats/bootstrap.hpp>
#include <pardo/stats/descriptive.hpp>
#include <vector>

int main(int argc, char** argv) {
  pardo::init(argc, argv);  // before any ProcessPool: worker processes start here

  pardo::random::Stream s(2024, 0);
  std::vector<double> income(500);
  std::vector<double> spending(500);
  for (std::size_t i = 0; i < income.size(); ++i) {
    income[i] = pardo::random::exponential(s, 1.0 / 40'000);
    spending[i] = 0.6 * income[i] + pardo::random::normal(s, 0, 8'000);
  }

  pardo::ThreadPool pool;
  namespace stats = pardo::stats;
  const auto median = stats::bootstrap(pool, income, stats::median, {.seed = 1});
  std::printf("median income %.0f, 95%% BCa interval [%.0f, %.0f]\n", median.estimate,
              median.interval.low, median.interval.high);

  const std::vector<double> storage = stats::stack_columns({income, spending});
  const stats::Columns table(storage, 2);
  const auto r = stats::bootstrap(pool, table, stats::pearson,
                                  {.method = stats::BootstrapMethod::percentile, .seed = 1});
  std::printf("correlation %.3f, 95%% percentile interval [%.3f, %.3f], std error %.3f\n",
              r.estimate, r.interval.low, r.interval.high, r.std_error);

  pardo::ProcessPool processes(2);  // registered statistics run in worker processes too
  const auto again = stats::bootstrap(processes, table, stats::pearson,
                                      {.method = stats::BootstrapMethod::percentile, .seed = 1});
  std::printf("same interval on worker processes: %s\n",
              again.interval.low == r.interval.low && again.interval.high == r.interval.high
                  ? "yes"
                  : "no");
  return 0;
}

// The same logistic regression on 200 simulated data sets, on worker processes: one table of
// estimates, and how often the 95% Wald interval covers the true slope.
#include <cmath>
#include <cstdio>
#include <pardo/pardo.hpp>
#include <pardo/stats/fit.hpp>

int main(int argc, char** argv) {
  pardo::init(argc, argv);  // worker processes stop here
  const auto datasets = pardo::stats::generate_datasets({.count = 200,
                                                         .rows = 300,
                                                         .coefficients = {-0.5, 1.0},
                                                         .model = pardo::stats::FitModel::logistic,
                                                         .seed = 7});
  pardo::ProcessPool pool(2);
  const auto table =
      pardo::stats::fit_many(pool, datasets, {.model = pardo::stats::FitModel::logistic});
  int covered = 0;
  for (const auto& row : table.rows) {
    if (row.error.empty()) covered += std::abs(row.estimates[1] - 1.0) < 1.96 * row.std_errors[1];
  }
  const auto& first = table.rows.front();
  std::printf("%s: slope %.4f (se %.4f), %u IRLS iterations\n", first.name.c_str(),
              first.estimates[1], first.std_errors[1], first.iterations);
  std::printf("%zu fits (%zu failed) in %.3f s; the 95%% interval covered the slope %d times\n",
              table.rows.size(), table.failed, table.run.seconds, covered);
  return 0;
}

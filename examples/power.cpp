// Power by simulation: how often a two-sample t-test detects a half-standard-deviation
// effect with 64 per group, next to the analytic answer; then the n that reaches 90%.
#include <cstdio>
#include <pardo/pardo.hpp>
#include <pardo/stats/power.hpp>
#include <pardo/stats/t_test.hpp>

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  pardo::ThreadPool pool;
  const pardo::stats::PowerOptions options{.effect = 0.5, .n1 = 64, .replications = 20'000};
  const auto r = pardo::stats::power(pool, options);
  std::printf("simulated power %.4f, 95%% interval [%.4f, %.4f]; analytic %.4f\n", r.power,
              r.interval.low, r.interval.high, pardo::stats::t_test_power(0.5, 64, 64));

  const auto search = pardo::stats::find_sample_size(pool, options, {.target_power = 0.9});
  std::printf("n = %zu per group reaches power %.4f (%zu estimates made)\n", search.n1,
              search.at_n.power, search.evaluations.size());
  return 0;
}

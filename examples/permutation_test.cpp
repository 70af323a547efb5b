// A permutation test three ways: do two groups differ (independent), did a treatment change
// paired measurements (paired), are two variables related (correlation)? Threads here, worker
// processes for the user's own statistic, and the same p-values on either.
#include <cstdio>
#include <pardo/pardo.hpp>
#include <pardo/stats/descriptive.hpp>
#include <pardo/stats/permutation.hpp>
#include <span>
#include <vector>

namespace {

// A statistic of our own, registered so that worker processes can call it.
double median_difference(std::span<const double> x, std::span<const double> y) {
  return pardo::stats::median(x) - pardo::stats::median(y);
}
PARDO_REMOTE_FUNCTION(median_difference);

void print(const char* what, const pardo::stats::PermutationResult& r) {
  std::printf("%-36s statistic %8.4f  p = %.4f%s  (%llu permutations, %.3f s)\n", what, r.statistic,
              r.p_value, r.exact ? " exact" : "", static_cast<unsigned long long>(r.permutations),
              r.run.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  pardo::init(argc, argv);  // worker processes start here
  const std::vector<double> treated{24.1, 27.3, 22.8, 30.2, 26.5, 28.9, 25.4, 29.7, 27.0, 31.2};
  const std::vector<double> control{21.5, 23.9, 22.1, 25.0, 20.8, 24.4, 23.3, 22.7, 26.1};
  const std::vector<double> before{140, 152, 138, 145, 160, 148, 155, 142, 150, 147, 139, 158};
  const std::vector<double> after{135, 150, 136, 139, 151, 147, 146, 140, 149, 140, 137, 150};

  pardo::ThreadPool threads;
  using pardo::stats::Design;
  print("treated vs control, mean",
        pardo::stats::permutation_test(threads, treated, control, pardo::stats::mean_difference,
                                       {.permutations = 99'999, .seed = 1}));
  print("before vs after, paired, greater",
        pardo::stats::permutation_test(
            threads, before, after, pardo::stats::mean_difference,
            {.design = Design::paired, .alternative = pardo::stats::Alternative::greater}));
  print("before and after, correlation",
        pardo::stats::permutation_test(threads, before, after, pardo::stats::pearson_r,
                                       {.design = Design::correlation, .seed = 2}));

  pardo::ProcessPool processes(2);
  const pardo::RemoteFunction<double(std::span<const double>, std::span<const double>)> median(
      median_difference);
  print("treated vs control, median (procs)",
        pardo::stats::permutation_test(processes, treated, control, median, {.seed = 3}));
  print("treated vs control, median (threads)",
        pardo::stats::permutation_test(threads, treated, control, median, {.seed = 3}));
}

// Four random-walk Metropolis chains on a posterior of your own, one chain per worker:
// the draws, R-hat and bulk ESS are the same on threads or worker processes.
#include <cmath>
#include <cstdio>
#include <pardo/mcmc.hpp>
#include <pardo/pardo.hpp>
#include <span>
#include <vector>

namespace {

// The posterior of a normal mean and log standard deviation for five observations, with a
// flat prior on both: registered so that worker processes can evaluate it too.
double log_posterior(std::span<const double> theta) {
  static const double data[] = {4.9, 5.6, 5.1, 4.4, 6.0};
  const double mu = theta[0];
  const double log_sigma = theta[1];
  double sum = 0;
  for (const double y : data) sum += (y - mu) * (y - mu);
  return -5 * log_sigma - 0.5 * sum * std::exp(-2 * log_sigma);
}
PARDO_REMOTE_FUNCTION(log_posterior);

void report(const char* where, const pardo::mcmc::ChainsResult& r) {
  std::printf("%s: %zu chains x %zu draws in %.3f s\n", where, r.chains, r.draws_per_chain,
              r.run.seconds);
  const char* names[] = {"mu", "log sigma"};
  for (std::size_t k = 0; k < r.dim; ++k) {
    std::printf("  %-9s %.4f +- %.4f (sd %.4f, R-hat %.4f, bulk ESS %.0f)\n", names[k], r.mean[k],
                r.mcse[k], r.sd[k], r.rhat[k], r.ess[k]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  pardo::init(argc, argv);  // first: worker processes start here
  const std::vector<double> initial{5.0, 0.0};
  const pardo::mcmc::MetropolisOptions options{
      .chains = 4, .warmup = 2000, .draws = 20000, .seed = 2024};

  pardo::ThreadPool threads;
  const auto on_threads = pardo::mcmc::run_chains(threads, log_posterior, initial, options);
  report("threads", on_threads);

  pardo::ProcessPool processes(2);
  const auto on_processes =
      pardo::mcmc::run_chains(processes, pardo::mcmc::LogDensity(log_posterior), initial, options);
  report("processes", on_processes);

  std::printf("same draws: %s\n", on_threads.draws == on_processes.draws ? "yes" : "no");
  return on_threads.draws == on_processes.draws ? 0 : 1;
}

// pardo mcmc's sampling and diagnostics timed apart, and the draws written for the numpy
// peer (bench/mcmc/python/diagnostics.py) to diagnose the same values: run by bench/mcmc/run.py.
//
//   bench_mcmc_diagnostics CHAINS DRAWS DIM WORKERS [DRAWS.bin]
//
// Prints one JSON object: the sampling seconds, the diagnostics seconds (every parameter's
// split R-hat and bulk ESS, on the pool the chains ran on, as `pardo mcmc` computes them) and
// each parameter's rhat and ess. DRAWS.bin holds the draws as float64, parameter after
// parameter, chain after chain within one: shape (DIM, CHAINS, DRAWS).
#include <cstdio>
#include <fstream>
#include <pardo/core/memory.hpp>
#include <pardo/mcmc.hpp>
#include <pardo/pardo.hpp>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s CHAINS DRAWS DIM WORKERS [DRAWS.bin]\n", argv[0]);
    return 2;
  }
  pardo::keep_freed_memory();  // as `pardo mcmc` does
  const pardo::mcmc::MetropolisOptions options{.chains = std::stoull(argv[1]),
                                               .draws = std::stoull(argv[2])};
  const std::size_t dim = std::stoull(argv[3]);
  pardo::ThreadPool pool(std::stoull(argv[4]));
  const std::vector<double> initial(dim, 0.0);
  const auto r = pardo::mcmc::run_chains(pool, pardo::mcmc::correlated_normal, initial, options);
  if (argc > 5) {
    std::ofstream out(argv[5], std::ios::binary);
    for (std::size_t k = 0; k < dim; ++k) {
      const std::vector<double> x = r.parameter(k);
      out.write(reinterpret_cast<const char*>(x.data()),
                static_cast<std::streamsize>(x.size() * sizeof(double)));
    }
  }
  std::printf("{\"sampling_seconds\": %.6f, \"diagnostics_seconds\": %.6f, \"rhat\": [",
              r.sampling_seconds, r.run.seconds - r.sampling_seconds);
  for (std::size_t k = 0; k < dim; ++k) std::printf("%s%.17g", k > 0 ? ", " : "", r.rhat[k]);
  std::printf("], \"ess\": [");
  for (std::size_t k = 0; k < dim; ++k) std::printf("%s%.17g", k > 0 ? ", " : "", r.ess[k]);
  std::printf("]}\n");
  return 0;
}

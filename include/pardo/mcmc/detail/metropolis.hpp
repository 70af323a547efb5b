#pragma once
// The Metropolis chains' machinery, for the templates of pardo/mcmc/metropolis.hpp (its only
// includer, once the public types are declared): the density without its type, one chain,
// the summaries, and the run on any executor.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <vector>

#include "pardo/core/options.hpp"
#include "pardo/executor.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::mcmc {

namespace detail {

/// A borrowed callable `double(std::span<const double>)`, so the chain loop lives in the
/// library whatever the caller's density type.
struct DensityRef {
  const void* object;
  double (*call)(const void*, std::span<const double>);
  template <class F>
  explicit DensityRef(const F& f)
      : object(&f), call([](const void* o, std::span<const double> theta) -> double {
          return (*static_cast<const F*>(o))(theta);
        }) {}
  double operator()(std::span<const double> theta) const { return call(object, theta); }
};

/// What one chain hands back, from a worker too.
struct ChainOutput {
  std::vector<double> draws;  ///< draws * dim, draw-major
  double acceptance_rate = 0;
  double step_size = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(draws, acceptance_rate, step_size);
  }
};

/// Chain `chain` from `start` (jittered first when `jitter_start`).
ChainOutput run_chain(DensityRef density, std::span<const double> start, bool jitter_start,
                      const MetropolisOptions& options, std::uint64_t chain);

/// Checks the options, the initial points and their densities; throws
/// std::invalid_argument naming the bad value. `starts` holds one shared point, or one
/// per chain when `per_chain`.
void validate(DensityRef density, const std::vector<std::vector<double>>& starts, bool per_chain,
              const MetropolisOptions& options);

/// The chains that ran, in chain order, without the per-parameter summaries and the RunInfo.
ChainsResult gather(std::vector<std::optional<ChainOutput>>& chains, std::size_t dim,
                    const MetropolisOptions& options);

struct ParameterSummary {
  double mean = 0;
  double sd = 0;
  double mcse = 0;
  double rhat = 0;
  double ess = 0;
};

/// Parameter k's summary (NaN if no chain ran).
ParameterSummary summarise_parameter(const ChainsResult& result, std::size_t k);

/// Stores the summaries.
void finish(ChainsResult& result, const std::vector<ParameterSummary>& summaries);

/// One chain as a remote task.
struct MetropolisTask {
  LogDensity density;
  std::vector<double> start;
  bool jitter_start = false;
  MetropolisOptions options;
  std::uint64_t chain = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(density, start, jitter_start, chain, options.chains, options.warmup, options.draws,
            options.thin, options.seed, options.step_size, options.target_acceptance,
            options.jitter);
  }
};

/// `run_chain` in a worker. Registered with PARDO_REMOTE in src/mcmc/metropolis.cpp.
ChainOutput metropolis_block(MetropolisTask task);

template <RemoteExecutor E, class F>
ChainsResult run_chains(E& executor, const F& log_density,
                        const std::vector<std::vector<double>>& starts, bool per_chain,
                        const MetropolisOptions& options, const RunControl& control) {
  BlockRunner runner(executor, options.chains, control);
  const DensityRef density(log_density);
  validate(density, starts, per_chain, options);
  const bool shared = !per_chain;
  const auto start_of = [&](std::uint64_t c) -> const std::vector<double>& {
    return starts[shared ? 0 : c];
  };
  const auto local = [&](std::uint64_t c) {
    return run_chain(density, start_of(c), shared, options, c);
  };
  const LogDensity handle = remote_handle<LogDensity, E>(log_density);
  const auto remote = remote_blocks(&metropolis_block, [&](std::uint64_t c) {
    return MetropolisTask{handle, start_of(c), shared, options, c};
  });
  std::vector<std::optional<ChainOutput>> chains = runner.run(0, options.chains, local, remote);
  ChainsResult result = gather(chains, starts.front().size(), options);
  result.sampling_seconds = runner.info().seconds;
  // The diagnostics sort every parameter's draws: one parameter per task where tasks can
  // be any callable, on the caller otherwise.
  const auto summarise = [&](std::size_t k) { return summarise_parameter(result, k); };
  std::vector<ParameterSummary> summaries;
  if constexpr (Executor<E>) {
    summaries = executor.map(summarise, std::views::iota(std::size_t{0}, result.dim),
                             MapOptions{.chunksize = 1});
  } else {
    for (std::size_t k = 0; k < result.dim; ++k) summaries.push_back(summarise(k));
  }
  finish(result, summaries);
  result.run = runner.info();
  return result;
}

}  // namespace detail

}  // namespace pardo::mcmc

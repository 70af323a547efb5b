#pragma once
/// @file
/// Several random-walk Metropolis chains at once, one chain per task, with the proposal
/// scale adapted during warm-up and the rank-normalised R-hat and bulk ESS of every
/// parameter. Chain c draws from random stream (seed, c) alone, so the draws are
/// bit-identical on any executor, worker count and backend.
///
/// Stopping (RunControl::stop): a chain checks the stop token every 16 steps, in warm-up and
/// sampling alike; on worker processes and MPI ranks, which cannot see the caller's token,
/// each chain runs in segments of about a quarter second of rounds, each continuing from
/// where the last left off, and a stop takes effect at the end of a round. A stopped run
/// keeps the chains that finished and leaves out the others (a chain is all its draws or
/// none); the diagnostics check the token before each parameter, and the parameters not
/// summarised when it came are NaN. Either way `run.complete` is false.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <type_traits>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo::mcmc {

/// A log-density that can travel to worker processes: a free function registered with
/// PARDO_REMOTE_FUNCTION. On remote pools run_chains takes this; elsewhere any callable.
/// @code
/// double log_p(std::span<const double> theta) { return -0.5 * theta[0] * theta[0]; }
/// PARDO_REMOTE_FUNCTION(log_p);
/// pardo::mcmc::LogDensity density(log_p);
/// @endcode
using LogDensity = RemoteFunction<double(std::span<const double>)>;

/// How to run the chains. Each chain makes `warmup` steps that adapt its proposal scale,
/// then `draws * thin` steps with the scale frozen, keeping every `thin`-th state. The
/// proposal is theta + step * N(0, I); during warm-up the step follows Nesterov dual
/// averaging (Hoffman and Gelman 2014: gamma 0.05, t0 10, kappa 0.75, shrunk towards the
/// initial step) of the acceptance probability towards `target_acceptance`, and the
/// averaged iterate is the frozen step. Each step fills 2 ceil(dim / 2) + 1 doubles u from
/// the chain's stream: Box-Muller pairs sqrt(-2 log(1 - u_2j)) (cos, sin)(2 pi u_2j+1) for
/// the proposal, then the uniform that accepts it.
/// @code
/// pardo::mcmc::MetropolisOptions options{.chains = 8, .warmup = 2000, .draws = 10000,
///                                        .seed = 7};
/// @endcode
struct MetropolisOptions {
  std::uint64_t chains = 4;
  std::uint64_t warmup = 1000;
  std::uint64_t draws = 1000;  ///< kept per chain; at least 4, which the split diagnostics need
  std::uint64_t thin = 1;
  std::uint64_t seed = 42;
  double step_size = 0;  ///< initial proposal scale; 0 means 2.38 / sqrt(dim)
  double target_acceptance = 0.234;
  /// A shared initial point is moved, per chain, by jitter * U(-1, 1) in each coordinate,
  /// drawn first from the chain's stream; a chain whose jittered point has zero density
  /// starts at the initial point itself.
  double jitter = 0.5;
};

/// The chains' draws and each parameter's summary. Parameters are pooled over all chains;
/// `mcse` is sd / sqrt(ess), the Monte Carlo standard error of `mean`.
/// @code
/// auto r = pardo::mcmc::run_chains(pool, log_p, initial, {.chains = 4});
/// for (std::size_t k = 0; k < r.dim; ++k)
///   std::printf("%g +- %g  rhat %.3f  ess %.0f\n", r.mean[k], r.mcse[k], r.rhat[k], r.ess[k]);
/// @endcode
struct ChainsResult {
  std::size_t chains = 0;
  std::size_t draws_per_chain = 0;
  std::size_t dim = 0;
  /// Chain-major: draws[(c * draws_per_chain + i) * dim + k] is parameter k of draw i of
  /// chain c. Chains stopped before their last step are absent (`chains` counts those present).
  std::vector<double> draws;
  std::vector<double> mean;             ///< per parameter
  std::vector<double> sd;               ///< per parameter, over all draws (n - 1 divisor)
  std::vector<double> mcse;             ///< per parameter: sd / sqrt(ess)
  std::vector<double> rhat;             ///< per parameter: split_rhat
  std::vector<double> ess;              ///< per parameter: ess_bulk
  std::vector<double> acceptance_rate;  ///< per chain, after warm-up
  std::vector<double> step_size;        ///< per chain, the frozen proposal scale
  std::uint64_t steps = 0;      ///< Metropolis steps made, warm-up included, stopped chains too
  double sampling_seconds = 0;  ///< wall time of the chains alone, before the diagnostics
  /// One block per chain, done when the chain finished; seconds of the whole run, diagnostics
  /// included; complete unless a stop left out a chain or a parameter's summary.
  RunInfo run{};

  /// Parameter k of every draw, chain after chain: what split_rhat and ess_bulk take.
  /// @code
  /// std::vector<double> x = r.parameter(0);
  /// double rhat = pardo::mcmc::split_rhat(x, r.chains);
  /// @endcode
  std::vector<double> parameter(std::size_t k) const;
};

/// Throws std::invalid_argument naming the bad value of `options`: zero chains, fewer than 4
/// draws, zero thin, a negative or non-finite step size, a target acceptance outside (0, 1),
/// a negative or non-finite jitter, or more draws (chains x draws doubles, at least) than fit
/// in memory. What `run_chains` checks first, before the initial points.
/// @code
/// pardo::mcmc::validate(pardo::mcmc::MetropolisOptions{.draws = 2});  // throws: at least 4
/// @endcode
void validate(const MetropolisOptions& options);

}  // namespace pardo::mcmc

#include "pardo/mcmc/detail/metropolis.hpp"

namespace pardo::mcmc {

/// Runs `options.chains` random-walk Metropolis chains from `initial` (each jittered as
/// MetropolisOptions::jitter says) on `executor`, one chain per task. `log_density(theta)`
/// returns log p(theta) up to a constant, -infinity outside the support; it is called
/// from several threads at once on a ThreadPool. On ProcessPool and mpi::Pool it must be a
/// LogDensity (a registered function). Throws std::invalid_argument naming the bad value
/// for an empty or non-finite initial point, zero chains, fewer than 4 draws, zero thin, a
/// negative or non-finite step size, a target acceptance outside (0, 1), a negative jitter,
/// or a log-density that is not finite at the initial point; a NaN log-density during the
/// run throws std::invalid_argument naming the point (a RemoteError on remote pools).
/// @code
/// pardo::ThreadPool pool;
/// auto log_p = [](std::span<const double> t) { return -0.5 * (t[0] * t[0] + t[1] * t[1]); };
/// std::vector<double> initial{0.0, 0.0};
/// auto r = pardo::mcmc::run_chains(pool, log_p, initial, {.chains = 4, .draws = 5000});
/// @endcode
template <RemoteExecutor E, class F>
ChainsResult run_chains(E& executor, F log_density, std::span<const double> initial,
                        const MetropolisOptions& options = {}, const RunControl& control = {}) {
  return detail::run_chains(executor, log_density,
                            {std::vector<double>(initial.begin(), initial.end())}, false, options,
                            control);
}

/// As above with one initial point per chain, used as given (no jitter); there must be
/// `options.chains` of them, all of one dimension.
/// @code
/// std::vector<std::vector<double>> inits{{-5, -5}, {5, 5}, {-5, 5}, {5, -5}};
/// auto r = pardo::mcmc::run_chains(pool, log_p, inits, {.chains = 4});
/// @endcode
template <RemoteExecutor E, class F>
ChainsResult run_chains(E& executor, F log_density,
                        const std::vector<std::vector<double>>& initial_per_chain,
                        const MetropolisOptions& options = {}, const RunControl& control = {}) {
  return detail::run_chains(executor, log_density, initial_per_chain, true, options, control);
}

}  // namespace pardo::mcmc

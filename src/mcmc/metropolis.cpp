#include "pardo/mcmc/metropolis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "core/validate.hpp"
#include "mcmc/rank_diagnostics.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/stats/descriptive.hpp"

namespace pardo::mcmc {

namespace detail {

namespace {

constexpr std::string_view caller = "run_chains";

std::string format_point(std::span<const double> theta) {
  std::string text = "(";
  for (std::size_t k = 0; k < theta.size(); ++k) {
    if (k > 0) text += ", ";
    text += pardo::format_number(theta[k]);
  }
  return text + ")";
}

double initial_step(const MetropolisOptions& options, std::size_t dim) {
  return options.step_size > 0 ? options.step_size : 2.38 / std::sqrt(static_cast<double>(dim));
}

/// Nesterov dual averaging of log(step) towards the target acceptance probability
/// (Hoffman and Gelman 2014, section 3.2), shrunk towards the initial step.
class StepAdaptation {
 public:
  StepAdaptation(double step, double target) : mu_(std::log(step)), target_(target) {}

  /// The next step after a proposal accepted with probability `accepted`.
  double update(double accepted) {
    constexpr double gamma = 0.05;
    constexpr double t0 = 10;
    constexpr double kappa = 0.75;
    ++t_;
    const double w = 1 / (t_ + t0);
    h_bar_ = (1 - w) * h_bar_ + w * (target_ - accepted);
    const double log_step = mu_ - std::sqrt(t_) / gamma * h_bar_;
    const double eta = std::pow(t_, -kappa);
    log_step_bar_ = eta * log_step + (1 - eta) * log_step_bar_;
    return std::exp(log_step);
  }

  /// The averaged step: what the chain keeps after warm-up.
  double final_step() const { return std::exp(log_step_bar_); }

 private:
  double mu_;
  double target_;
  double t_ = 0;
  double h_bar_ = 0;
  double log_step_bar_ = 0;
};

double checked(DensityRef density, std::span<const double> theta) {
  const double lp = density(theta);
  if (std::isnan(lp)) {
    pardo::detail::throw_invalid(caller,
                                 "the log density is nan at theta = " + format_point(theta));
  }
  return lp;
}

}  // namespace

void validate(DensityRef density, const std::vector<std::vector<double>>& starts, bool per_chain,
              const MetropolisOptions& options) {
  mcmc::validate(options);
  if (per_chain) {
    pardo::detail::require_same_size(starts.size(), options.chains, caller, "initial_per_chain",
                                     "chains");
  }
  for (std::size_t c = 0; c < starts.size(); ++c) {
    const std::string what = per_chain ? "initial point of chain " + std::to_string(c) : "initial";
    if (starts[c].empty()) pardo::detail::throw_invalid(caller, what + " is empty (dim 0)");
    pardo::detail::require_same_size(starts[c].size(), starts.front().size(), caller, what,
                                     "the initial point of chain 0");
    pardo::detail::require_finite(starts[c], caller, what);
    const double lp = density(starts[c]);
    if (!std::isfinite(lp)) {
      pardo::detail::throw_invalid(caller, "the log density is " + pardo::format_number(lp) +
                                               " at the " + what + " " + format_point(starts[c]) +
                                               "; it must be finite there");
    }
  }
}

ChainOutput run_chain(DensityRef density, std::span<const double> start, bool jitter_start,
                      const MetropolisOptions& options, std::uint64_t chain) {
  const std::size_t dim = start.size();
  random::Stream stream(options.seed, chain);
  std::vector<double> theta(start.begin(), start.end());
  if (jitter_start) {
    for (double& x : theta) x += options.jitter * (2 * stream.next_double() - 1);
  }
  double lp = checked(density, theta);
  if (!std::isfinite(lp)) {
    theta.assign(start.begin(), start.end());
    lp = checked(density, theta);
  }

  double step = initial_step(options, dim);
  StepAdaptation adaptation(step, options.target_acceptance);
  ChainOutput out;
  out.draws.reserve(options.draws * dim);
  std::vector<double> proposal(dim);
  // Per step: Box-Muller pairs (cosine and sine both used) for the proposal, then the
  // acceptance uniform, all from one fill of the chain's stream.
  const std::size_t pairs = (dim + 1) / 2;
  std::vector<double> uniforms(2 * pairs + 1);
  std::uint64_t accepted = 0;
  const std::uint64_t sampling = options.draws * options.thin;
  for (std::uint64_t t = 0; t < options.warmup + sampling; ++t) {
    stream.fill(uniforms);
    for (std::size_t j = 0; j < pairs; ++j) {
      const double radius = step * std::sqrt(-2 * std::log1p(-uniforms[2 * j]));
      const double angle = 2 * std::numbers::pi * uniforms[2 * j + 1];
      proposal[2 * j] = theta[2 * j] + radius * std::cos(angle);
      if (2 * j + 1 < dim) proposal[2 * j + 1] = theta[2 * j + 1] + radius * std::sin(angle);
    }
    const double lp_new = checked(density, proposal);
    const double log_ratio = lp_new - lp;
    const double accept_probability = log_ratio >= 0 ? 1.0 : std::exp(log_ratio);
    const bool accept = uniforms[2 * pairs] < accept_probability;
    if (accept) {
      theta.swap(proposal);
      lp = lp_new;
    }
    if (t < options.warmup) {
      step = adaptation.update(accept_probability);
      if (t + 1 == options.warmup) step = adaptation.final_step();
    } else {
      accepted += accept ? 1 : 0;
      if ((t - options.warmup + 1) % options.thin == 0) {
        out.draws.insert(out.draws.end(), theta.begin(), theta.end());
      }
    }
  }
  out.acceptance_rate = static_cast<double>(accepted) / static_cast<double>(sampling);
  out.step_size = step;
  return out;
}

ChainOutput metropolis_block(MetropolisTask task) {
  return run_chain(DensityRef(task.density), task.start, task.jitter_start, task.options,
                   task.chain);
}
PARDO_REMOTE(metropolis_block);

ChainsResult gather(std::vector<std::optional<ChainOutput>>& chains, std::size_t dim,
                    const MetropolisOptions& options) {
  ChainsResult r;
  r.dim = dim;
  r.draws_per_chain = options.draws;
  for (auto& chain : chains) {
    if (!chain) continue;
    ++r.chains;
    r.draws.insert(r.draws.end(), chain->draws.begin(), chain->draws.end());
    r.acceptance_rate.push_back(chain->acceptance_rate);
    r.step_size.push_back(chain->step_size);
    chain.reset();
  }
  r.steps = r.chains * (options.warmup + options.draws * options.thin);
  return r;
}

ParameterSummary summarise_parameter(const ChainsResult& result, std::size_t k) {
  if (result.chains == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan, nan, nan};
  }
  const std::vector<double> x = result.parameter(k);
  ParameterSummary s;
  s.mean = stats::mean(x);
  s.sd = stats::std_dev(x);
  const RankDiagnostics d = rank_diagnostics(x, result.chains);
  s.rhat = d.rhat;
  s.ess = d.ess;
  s.mcse = s.sd / std::sqrt(s.ess);
  return s;
}

void finish(ChainsResult& result, const std::vector<ParameterSummary>& summaries) {
  for (const ParameterSummary& s : summaries) {
    result.mean.push_back(s.mean);
    result.sd.push_back(s.sd);
    result.mcse.push_back(s.mcse);
    result.rhat.push_back(s.rhat);
    result.ess.push_back(s.ess);
  }
}

}  // namespace detail

std::vector<double> ChainsResult::parameter(std::size_t k) const {
  std::vector<double> x(draws.size() / std::max<std::size_t>(dim, 1));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = draws[i * dim + k];
  return x;
}

void validate(const MetropolisOptions& options) {
  pardo::detail::require_positive(options.chains, detail::caller, "chains");
  if (options.draws < 4) {
    pardo::detail::throw_invalid(detail::caller,
                                 "draws is " + std::to_string(options.draws) +
                                     "; at least 4 per chain are needed (split R-hat)");
  }
  pardo::detail::require_positive(options.thin, detail::caller, "thin");
  if (!std::isfinite(options.step_size) || options.step_size < 0) {
    pardo::detail::throw_invalid(detail::caller, "step_size is " +
                                                     pardo::format_number(options.step_size) +
                                                     "; it must be finite and >= 0 (0: automatic)");
  }
  pardo::detail::require_open_unit(options.target_acceptance, detail::caller, "target_acceptance");
  if (!std::isfinite(options.jitter) || options.jitter < 0) {
    pardo::detail::throw_invalid(
        detail::caller,
        "jitter is " + pardo::format_number(options.jitter) + "; it must be finite and >= 0");
  }
}

}  // namespace pardo::mcmc

#include "pardo/mcmc/metropolis.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "core/huge_pages.hpp"
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

/// One step of Nesterov dual averaging of log(step) towards the target acceptance
/// probability (Hoffman and Gelman 2014, section 3.2), shrunk towards mu, the log of the
/// initial step: the next step after a proposal accepted with probability `accepted`.
double adapt_step(ChainState& state, double mu, double target, double accepted) {
  constexpr double gamma = 0.05;
  constexpr double t0 = 10;
  constexpr double kappa = 0.75;
  ++state.adapt_t;
  const double w = 1 / (state.adapt_t + t0);
  state.h_bar = (1 - w) * state.h_bar + w * (target - accepted);
  const double log_step = mu - std::sqrt(state.adapt_t) / gamma * state.h_bar;
  const double eta = std::pow(state.adapt_t, -kappa);
  state.log_step_bar = eta * log_step + (1 - eta) * state.log_step_bar;
  return std::exp(log_step);
}

/// Throws unless the draws of every chain fit in memory.
void require_draws_memory(const MetropolisOptions& options, std::size_t dim) {
  pardo::detail::require_memory(
      static_cast<double>(options.chains) * static_cast<double>(options.draws) *
          static_cast<double>(dim) * sizeof(double),
      caller,
      std::to_string(options.chains) + " chains of " + std::to_string(options.draws) +
          " draws in " + std::to_string(dim) + (dim == 1 ? " dimension" : " dimensions"),
      "the draws");
}

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
  require_draws_memory(options, starts.front().size());
}

ChainState start_chain(DensityRef density, std::span<const double> start, bool jitter_start,
                       const MetropolisOptions& options, std::uint64_t chain) {
  ChainState state;
  state.theta.assign(start.begin(), start.end());
  if (jitter_start) {
    random::Stream stream(options.seed, chain);
    for (double& x : state.theta) x += options.jitter * (2 * stream.next_double() - 1);
    state.words = 2 * state.theta.size();
  }
  state.lp = checked(density, state.theta);
  if (!std::isfinite(state.lp)) {
    state.theta.assign(start.begin(), start.end());
    state.lp = checked(density, state.theta);
  }
  state.step = initial_step(options, start.size());
  return state;
}

void advance(DensityRef density, const MetropolisOptions& options, std::uint64_t chain,
             ChainState& state, std::uint64_t until, std::vector<double>& draws,
             const std::stop_token& stop, Progress* progress) {
  const std::size_t dim = state.theta.size();
  std::uint64_t reported = state.steps;
  const double mu = std::log(initial_step(options, dim));
  random::Stream stream(options.seed, chain);
  stream.discard(state.words);
  std::vector<double> proposal(dim);
  // Per step: Box-Muller pairs (cosine and sine both used) for the proposal, then the
  // acceptance uniform, all from one fill of the chain's stream.
  const std::size_t pairs = (dim + 1) / 2;
  std::vector<double> uniforms(2 * pairs + 1);
  std::vector<double>& theta = state.theta;
  for (; state.steps < until; ++state.steps) {
    if (state.steps % 16 == 0) {
      if (stop.stop_requested()) break;
      if (state.steps % 1024 == 0) {
        advance_progress(progress, state.steps - reported);
        reported = state.steps;
      }
    }
    const std::uint64_t t = state.steps;
    stream.fill(uniforms);
    state.words += 2 * uniforms.size();
    for (std::size_t j = 0; j < pairs; ++j) {
      const double radius = state.step * std::sqrt(-2 * std::log1p(-uniforms[2 * j]));
      const double angle = 2 * std::numbers::pi * uniforms[2 * j + 1];
      proposal[2 * j] = theta[2 * j] + radius * std::cos(angle);
      if (2 * j + 1 < dim) proposal[2 * j + 1] = theta[2 * j + 1] + radius * std::sin(angle);
    }
    const double lp_new = checked(density, proposal);
    const double log_ratio = lp_new - state.lp;
    const double accept_probability = log_ratio >= 0 ? 1.0 : std::exp(log_ratio);
    const bool accept = uniforms[2 * pairs] < accept_probability;
    if (accept) {
      theta.swap(proposal);
      state.lp = lp_new;
    }
    if (t < options.warmup) {
      state.step = adapt_step(state, mu, options.target_acceptance, accept_probability);
      if (t + 1 == options.warmup) state.step = std::exp(state.log_step_bar);
    } else {
      state.accepted += accept ? 1 : 0;
      if ((t - options.warmup + 1) % options.thin == 0) {
        draws.insert(draws.end(), theta.begin(), theta.end());
      }
    }
  }
  advance_progress(progress, state.steps - reported);
}

KeptChains::KeptChains(Checkpoint* checkpoint, std::size_t dim, const MetropolisOptions& options)
    : checkpoint_(checkpoint), restored_(options.chains) {
  if (checkpoint_ == nullptr) return;
  section_ = checkpoint_->open_section("chains");
  const std::uint64_t total = chain_steps(options);
  for (std::uint64_t c = 0; c < options.chains; ++c) {
    restored_[c] = checkpoint_->restore<ChainOutput>(section_, c);
    if (!restored_[c]) continue;
    const ChainState& state = restored_[c]->state;
    const std::uint64_t sampled = state.steps > options.warmup ? state.steps - options.warmup : 0;
    if (state.theta.size() != dim || state.steps > total ||
        restored_[c]->draws.size() != sampled / options.thin * dim) {
      throw CheckpointError("the checkpoint's chain " + std::to_string(c) + " (step " +
                            std::to_string(state.steps) + " of " + std::to_string(total) + ", " +
                            std::to_string(restored_[c]->draws.size()) +
                            " numbers drawn) is not a state of this run");
    }
    steps_restored_ += state.steps;
    finished_restored_ += state.steps == total ? 1 : 0;
  }
}

void KeptChains::record(std::uint64_t c, const ChainOutput& chain) {
  if (checkpoint_ != nullptr) checkpoint_->record(section_, c, chain);
}

void KeptChains::keep_all(const std::vector<std::optional<ChainOutput>>& chains, bool write) {
  if (checkpoint_ == nullptr) return;
  for (std::size_t c = 0; c < chains.size(); ++c) {
    if (chains[c]) checkpoint_->store(section_, c, *chains[c]);
  }
  if (write || checkpoint_->due()) checkpoint_->try_write();
}

void KeptChains::keep_all(const std::vector<ChainOutput>& chains, bool write) {
  if (checkpoint_ == nullptr) return;
  for (std::size_t c = 0; c < chains.size(); ++c) checkpoint_->store(section_, c, chains[c]);
  if (write || checkpoint_->due()) checkpoint_->try_write();
}

ChainOutput run_chain(DensityRef density, ChainOutput begun, const MetropolisOptions& options,
                      std::uint64_t chain, const std::stop_token& stop, Progress* progress,
                      KeptChains& kept) {
  ChainOutput out = std::move(begun);
  out.draws.reserve(options.draws * out.state.theta.size());
  const std::uint64_t total = chain_steps(options);
  // With a checkpoint, in stretches between which the chain is kept when a write is due: a
  // chain can last hours, and a run killed then resumes it from there.
  const std::uint64_t stretch = kept.keeps() ? 4096 : total;
  while (out.state.steps < total && !stop.stop_requested()) {
    advance(density, options, chain, out.state,
            total - out.state.steps > stretch ? out.state.steps + stretch : total, out.draws, stop,
            progress);
    if (out.state.steps < total && kept.due()) kept.record(chain, out);
  }
  return out;
}

ChainOutput metropolis_block(MetropolisTask task) {
  ChainOutput out;
  advance(DensityRef(task.density), task.options, task.chain, task.state, task.until, out.draws,
          {});
  out.state = std::move(task.state);
  return out;
}
PARDO_REMOTE(metropolis_block);

std::uint64_t next_segment(std::uint64_t segment, double seconds) {
  if (seconds < 0.1 && segment < (std::uint64_t{1} << 40)) return 2 * segment;
  if (seconds > 0.4 && segment > 16) return segment / 2;
  return segment;
}

ChainsResult gather(std::vector<std::optional<ChainOutput>>& chains, std::size_t dim,
                    const MetropolisOptions& options) {
  ChainsResult r;
  r.dim = dim;
  r.draws_per_chain = options.draws;
  const std::uint64_t total = chain_steps(options);
  // One allocation: growing the draws chain by chain would copy them and fault in fresh
  // pages at every doubling.
  std::size_t size = 0;
  for (const auto& chain : chains) {
    if (chain && chain->state.steps == total) size += chain->draws.size();
  }
  r.draws.reserve(size);
  for (auto& chain : chains) {
    if (!chain) continue;
    r.steps += chain->state.steps;
    if (chain->state.steps == total) {
      ++r.chains;
      r.draws.insert(r.draws.end(), chain->draws.begin(), chain->draws.end());
      r.acceptance_rate.push_back(static_cast<double>(chain->state.accepted) /
                                  static_cast<double>(options.draws * options.thin));
      r.step_size.push_back(chain->state.step);
    }
    chain.reset();
  }
  return r;
}

std::vector<ParameterSummary> summarise_parameters(const ChainsResult& result, std::size_t first,
                                                   std::size_t last, const std::stop_token& stop,
                                                   Progress* progress) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t width = last - first;
  std::vector<ParameterSummary> out;
  if (result.chains == 0) {
    out.assign(width, {nan, nan, nan, nan, nan, !stop.stop_requested()});
    for (std::size_t k = 0; k < width; ++k) advance_progress(progress);
    return out;
  }
  // A pass over the draws reads every cache line of them, however few of a draw's values it
  // takes: the parameters are gathered a batch at a time, as many as fit in batch_bytes, into
  // one buffer that every batch reuses, since a fresh one would fault its pages in.
  const std::size_t size = result.draws.size() / result.dim;
  constexpr std::size_t batch_bytes = std::size_t{32} << 20;
  const std::size_t batch =
      std::clamp<std::size_t>(batch_bytes / (size * sizeof(double)), 1, width);
  std::vector<double, pardo::detail::HugePageAllocator<double>> x;
  Workspace workspace;
  for (std::size_t begin = 0; begin < width; begin += batch) {
    const std::size_t taken = std::min(batch, width - begin);
    if (!stop.stop_requested()) {
      x.resize(taken * size);
      const double* from = result.draws.data() + first + begin;
      for (std::size_t i = 0; i < size; ++i) {
        const double* row = from + i * result.dim;
        for (std::size_t j = 0; j < taken; ++j) x[j * size + i] = row[j];
      }
    }
    for (std::size_t j = 0; j < taken; ++j) {
      if (stop.stop_requested()) {
        out.push_back({nan, nan, nan, nan, nan, false});
      } else {
        const std::span<const double> draws(x.data() + j * size, size);
        ParameterSummary s;
        s.mean = stats::mean(draws);
        s.sd = stats::std_dev(draws);
        const RankDiagnostics d = rank_diagnostics(draws, result.chains, workspace);
        s.rhat = d.rhat;
        s.ess = d.ess;
        s.mcse = s.sd / std::sqrt(s.ess);
        out.push_back(s);
      }
      advance_progress(progress);
    }
  }
  return out;
}

bool finish(ChainsResult& result, const std::vector<ParameterSummary>& summaries) {
  bool every = true;
  for (const ParameterSummary& s : summaries) {
    every = every && s.done;
    result.mean.push_back(s.mean);
    result.sd.push_back(s.sd);
    result.mcse.push_back(s.mcse);
    result.rhat.push_back(s.rhat);
    result.ess.push_back(s.ess);
  }
  return every;
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
  detail::require_draws_memory(options, 1);
}

}  // namespace pardo::mcmc

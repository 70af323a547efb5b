#pragma once
// The Metropolis chains' machinery, for the templates of pardo/mcmc/metropolis.hpp (its only
// includer, once the public types are declared): the density without its type, one chain,
// the summaries, and the run on any executor.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "pardo/core/options.hpp"
#include "pardo/executor.hpp"
#include "pardo/workload/blocks.hpp"
#include "pardo/workload/checkpoint.hpp"

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

/// A chain between two steps: everything it needs to go on, on the caller or on a worker.
/// The chain's stream is rebuilt from (seed, chain) and the words already used, so a chain
/// cut into segments makes the same draws as one run in a go.
struct ChainState {
  std::vector<double> theta;
  double lp = 0;
  double step = 0;
  double adapt_t = 0;  ///< the dual averaging's iteration, mean error and averaged log step
  double h_bar = 0;
  double log_step_bar = 0;
  std::uint64_t steps = 0;     ///< steps made, warm-up included
  std::uint64_t accepted = 0;  ///< proposals accepted after warm-up
  std::uint64_t words = 0;     ///< words of the chain's stream used
  template <class Archive>
  void serialize(Archive& archive) {
    archive(theta, lp, step, adapt_t, h_bar, log_step_bar, steps, accepted, words);
  }
};

/// What a chain, or a segment of it, hands back, from a worker too.
struct ChainOutput {
  std::vector<double> draws;  ///< draws * dim, draw-major: those kept in the segment
  ChainState state;           ///< where the chain stopped
  template <class Archive>
  void serialize(Archive& archive) {
    archive(draws, state);
  }
};

/// Chain `chain` at step 0, from `start` (jittered first when `jitter_start`).
ChainState start_chain(DensityRef density, std::span<const double> start, bool jitter_start,
                       const MetropolisOptions& options, std::uint64_t chain);

/// Steps `state` on to step `until` (at most), appending the draws kept to `draws`; returns
/// early, at a step boundary, once `stop` is requested (checked every 16 steps). The steps
/// taken are added to `progress` (if any) every 1024 steps and at the end.
void advance(DensityRef density, const MetropolisOptions& options, std::uint64_t chain,
             ChainState& state, std::uint64_t until, std::vector<double>& draws,
             const std::stop_token& stop, Progress* progress = nullptr);

/// A run's chains in its checkpoint (RunControl::checkpoint), part-way ones too: chain c is
/// block c of the section "chains", its draws so far and its state, so a resumed run takes
/// each chain on from where it was kept and makes the draws a run never stopped makes.
class KeptChains {
 public:
  /// Opens the section and restores the chains it holds, each checked against `options` and
  /// `dim` (a CheckpointError names a chain that does not fit). No checkpoint: keeps nothing.
  KeptChains(Checkpoint* checkpoint, std::size_t dim, const MetropolisOptions& options);

  /// Chain c as restored, taken out (empty if the checkpoint had none).
  std::optional<ChainOutput> take(std::uint64_t c) { return std::exchange(restored_[c], {}); }

  /// Steps the restored chains had made, and how many of them had finished.
  std::uint64_t steps_restored() const { return steps_restored_; }
  std::uint64_t finished_restored() const { return finished_restored_; }

  /// Whether there is a checkpoint to keep the chains in.
  bool keeps() const { return checkpoint_ != nullptr; }

  /// Whether a checkpoint write is due (never without a checkpoint).
  bool due() const { return checkpoint_ != nullptr && checkpoint_->due(); }

  /// Keeps chain c as it is now, written when a write is due (record).
  void record(std::uint64_t c, const ChainOutput& chain);

  /// Keeps every chain given (store), then writes when `write` is set or a write is due; a
  /// write that fails is kept in the checkpoint's write_error().
  void keep_all(const std::vector<std::optional<ChainOutput>>& chains, bool write);
  void keep_all(const std::vector<ChainOutput>& chains, bool write);

 private:
  Checkpoint* checkpoint_;
  std::uint32_t section_ = 0;
  std::vector<std::optional<ChainOutput>> restored_;
  std::uint64_t steps_restored_ = 0;
  std::uint64_t finished_restored_ = 0;
};

/// Chain `chain` from `begun` on to its last step, stopping early as `advance` does; with a
/// checkpoint, the chain is kept in `kept` whenever a write is due.
ChainOutput run_chain(DensityRef density, ChainOutput begun, const MetropolisOptions& options,
                      std::uint64_t chain, const std::stop_token& stop, Progress* progress,
                      KeptChains& kept);

/// Checks the options, the initial points and their densities; throws
/// std::invalid_argument naming the bad value. `starts` holds one shared point, or one
/// per chain when `per_chain`.
void validate(DensityRef density, const std::vector<std::vector<double>>& starts, bool per_chain,
              const MetropolisOptions& options);

/// The chains that finished, in chain order, without the per-parameter summaries and the
/// RunInfo; a chain stopped before its last step is left out.
ChainsResult gather(std::vector<std::optional<ChainOutput>>& chains, std::size_t dim,
                    const MetropolisOptions& options);

struct ParameterSummary {
  double mean = 0;
  double sd = 0;
  double mcse = 0;
  double rhat = 0;
  double ess = 0;
  bool done = true;  ///< false: a stop came first, the values are NaN
};

/// The summaries of parameters first .. last - 1 (NaN if no chain finished or `stop` was
/// requested), one after the other in the same buffers, each added to `progress` (if any)
/// when done.
std::vector<ParameterSummary> summarise_parameters(const ChainsResult& result, std::size_t first,
                                                   std::size_t last, const std::stop_token& stop,
                                                   Progress* progress);

/// Stores the summaries; whether every one was made.
bool finish(ChainsResult& result, const std::vector<ParameterSummary>& summaries);

/// A segment of one chain as a remote task: from `state` on to step `until`.
struct MetropolisTask {
  LogDensity density;
  MetropolisOptions options;
  std::uint64_t chain = 0;
  ChainState state;
  std::uint64_t until = 0;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(density, chain, state, until, options.chains, options.warmup, options.draws,
            options.thin, options.seed, options.step_size, options.target_acceptance,
            options.jitter);
  }
};

/// `advance` in a worker. Registered with PARDO_REMOTE in src/mcmc/metropolis.cpp.
ChainOutput metropolis_block(MetropolisTask task);

/// The steps a chain makes: warm-up and sampling.
inline std::uint64_t chain_steps(const MetropolisOptions& options) {
  return options.warmup + options.draws * options.thin;
}

/// The next segment's length, from the last one's and how long its round took: rounds of
/// about a quarter second, so that a stop takes effect between two of them.
std::uint64_t next_segment(std::uint64_t segment, double seconds);

/// Runs the chains on worker processes or MPI ranks in rounds of segments, each continuing
/// from where the last left off; a stop takes effect at the end of a round. Lost segments
/// are retried as `control` says; `info` gets the runner's account. After a round, when a
/// checkpoint write is due, every chain is kept in `kept` and written.
template <RemoteExecutor E>
std::vector<std::optional<ChainOutput>> run_segments(E& executor, const LogDensity& handle,
                                                     std::vector<ChainOutput> chains,
                                                     const MetropolisOptions& options,
                                                     const RunControl& control, RunInfo& info,
                                                     KeptChains& kept) {
  // Steps, not segments, are what control.progress counts: below, after each round.
  BlockRunner runner(executor, options.chains,
                     RunControl{.stop = control.stop,
                                .retries = control.retries,
                                .on_block_failure = control.on_block_failure});
  const std::uint64_t total = chain_steps(options);
  start_phase(control.progress, "sampling", "steps", options.chains * total);
  advance_progress(control.progress, kept.steps_restored());
  // Rounds run every chain to the same step: a restored chain waits for the others there.
  std::uint64_t until = total;
  for (const ChainOutput& chain : chains) until = std::min(until, chain.state.steps);
  std::uint64_t segment = 256;
  while (until < total && !runner.stopped()) {
    until = total - until > segment ? until + segment : total;
    const auto round_start = std::chrono::steady_clock::now();
    auto round = runner.run(
        0, options.chains, [](std::uint64_t) { return ChainOutput{}; },
        remote_blocks(&metropolis_block, [&](std::uint64_t c) {
          return MetropolisTask{handle, options, c, chains[c].state, until};
        }));
    for (std::size_t c = 0; c < round.size(); ++c) {
      if (!round[c]) continue;
      advance_progress(control.progress, round[c]->state.steps - chains[c].state.steps);
      chains[c].draws.insert(chains[c].draws.end(), round[c]->draws.begin(), round[c]->draws.end());
      chains[c].state = std::move(round[c]->state);
    }
    if (kept.due()) {
      kept.keep_all(chains, true);
    }
    segment = next_segment(
        segment,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - round_start).count());
  }
  std::vector<std::optional<ChainOutput>> out;
  for (ChainOutput& chain : chains) out.emplace_back(std::move(chain));
  info = runner.info();
  return out;
}

template <RemoteExecutor E, class F>
ChainsResult run_chains(E& executor, const F& log_density,
                        const std::vector<std::vector<double>>& starts, bool per_chain,
                        const MetropolisOptions& options, const RunControl& control) {
  const auto started = std::chrono::steady_clock::now();
  const DensityRef density(log_density);
  validate(density, starts, per_chain, options);
  const bool shared = !per_chain;
  const auto start_of = [&](std::uint64_t c) -> const std::vector<double>& {
    return starts[shared ? 0 : c];
  };
  KeptChains kept(control.checkpoint, starts.front().size(), options);
  const auto begin = [&](std::uint64_t c) {
    std::optional<ChainOutput> chain = kept.take(c);
    if (!chain) chain = ChainOutput{{}, start_chain(density, start_of(c), shared, options, c)};
    return std::move(*chain);
  };
  std::vector<std::optional<ChainOutput>> chains;
  RunInfo info;
  if constexpr (Executor<E>) {
    // Each chain adds its steps to control.progress as it goes, not as one block at its end,
    // and is kept in the checkpoint part-way too: by `kept`, not by the runner.
    RunControl chain_control = control;
    chain_control.progress = nullptr;
    chain_control.checkpoint = nullptr;
    start_phase(control.progress, "sampling", "steps", options.chains * chain_steps(options));
    advance_progress(control.progress, kept.steps_restored());
    BlockRunner runner(executor, options.chains, chain_control);
    chains = runner.run(
        0, options.chains,
        [&](std::uint64_t c) {
          return run_chain(density, begin(c), options, c, control.stop, control.progress, kept);
        },
        remote_blocks(&metropolis_block, [](std::uint64_t) { return MetropolisTask{}; }));
    // A chain the stop kept from starting is as the checkpoint had it.
    for (std::uint64_t c = 0; c < options.chains; ++c) {
      if (!chains[c]) chains[c] = kept.take(c);
    }
    info = runner.info();
  } else {
    std::vector<ChainOutput> begun;
    for (std::uint64_t c = 0; c < options.chains; ++c) begun.push_back(begin(c));
    chains = run_segments(executor, remote_handle<LogDensity, E>(log_density), std::move(begun),
                          options, control, info, kept);
  }
  // Every chain as it ended, written at once if the run was cut short.
  kept.keep_all(chains, control.stop.stop_requested() || !info.failure.empty());
  ChainsResult result = gather(chains, starts.front().size(), options);
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  result.sampling_seconds = seconds();
  // The diagnostics sort every parameter's draws: the parameters in as many groups as
  // workers, a group per task, where tasks can be any callable, on the caller otherwise. A
  // group's parameters reuse its buffers: touching fresh memory costs more than a sort.
  start_phase(control.progress, "diagnostics", "parameters", result.dim);
  std::size_t groups = 1;
  if constexpr (Executor<E>) groups = std::clamp<std::size_t>(executor.size(), 1, result.dim);
  const auto summarise = [&](std::size_t g) {
    return summarise_parameters(result, g * result.dim / groups, (g + 1) * result.dim / groups,
                                control.stop, control.progress);
  };
  std::vector<std::vector<ParameterSummary>> parts;
  if constexpr (Executor<E>) {
    parts = executor.map(summarise, std::views::iota(std::size_t{0}, groups),
                         MapOptions{.chunksize = 1});
  } else {
    parts.push_back(summarise(0));
  }
  std::vector<ParameterSummary> summaries;
  for (const auto& part : parts) summaries.insert(summaries.end(), part.begin(), part.end());
  const bool summarised = finish(result, summaries);
  result.run = info;
  result.run.blocks_done = result.chains;
  result.run.seconds = seconds();
  result.run.blocks_total = options.chains;
  result.run.blocks_restored = kept.finished_restored();
  result.run.complete = result.chains == options.chains && summarised && info.failure.empty();
  return result;
}

}  // namespace detail

}  // namespace pardo::mcmc

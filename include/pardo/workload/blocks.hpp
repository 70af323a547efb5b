#pragma once
/// @file
/// The skeleton every workload runs on: a fixed number of logical blocks, each a pure
/// function of (options, block index), run on any executor, with stop, progress and a
/// `RunInfo`, and the outputs handed back in block order.
///
/// Why blocks: the work is cut by the problem, never by the worker count, and block b draws
/// its random numbers from stream (seed, b). Combining the outputs in block order then gives
/// the same bits on 1 thread, 16 threads, 4 processes or 8 ranks. Retrying a lost block,
/// checkpointing finished ones and tracing them all belong here, once for every workload.
///
/// A workload supplies each block twice: as a local callable `R(std::uint64_t b)` for the
/// in-process executors, and as a function registered with `PARDO_REMOTE` that takes a task
/// (everything block b needs, serializable) for worker processes and MPI ranks.
/// @code
/// // Monte Carlo pi in a few lines: block b counts hits among its samples from stream (seed, b).
/// struct PiTask { std::uint64_t seed, block, samples; };
/// std::uint64_t hits(std::uint64_t seed, std::uint64_t block, std::uint64_t samples);
/// std::uint64_t pi_block(PiTask t) { return hits(t.seed, t.block, t.samples); }
/// PARDO_REMOTE(pi_block);
///
/// template <pardo::RemoteExecutor E>
/// double estimate(E& executor, std::uint64_t seed, std::uint64_t blocks, std::uint64_t per_block)
/// {
///   auto run = pardo::run_blocks(
///       executor, blocks, [&](std::uint64_t b) { return hits(seed, b, per_block); },
///       pardo::remote_blocks(&pi_block, [&](std::uint64_t b) { return PiTask{seed, b, per_block};
///       }));
///   std::uint64_t total = 0;
///   for (const auto& h : run.blocks) total += h.value_or(0);  // in block order
///   return 4.0 * double(total) / double(run.info.blocks_done * per_block);
/// }
/// @endcode

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/trace.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/core/future.hpp"
#include "pardo/core/memory.hpp"
#include "pardo/core/options.hpp"
#include "pardo/executor.hpp"
#include "pardo/remote/remote_function.hpp"
#include "pardo/workload/checkpoint.hpp"
#include "pardo/workload/run_control.hpp"
#include "pardo/workload/run_info.hpp"

namespace pardo {

/// How a workload's blocks run on worker processes and MPI ranks: the registered block
/// function, and the task it is called with for block b.
/// @code
/// auto remote = pardo::remote_blocks(&pi_block, [&](std::uint64_t b) { return PiTask{seed, b}; });
/// @endcode
template <class Task, class R, class MakeTask>
struct RemoteBlocks {
  R (*function)(Task);  ///< registered with PARDO_REMOTE
  MakeTask make_task;   ///< block index -> the task
};

/// `RemoteBlocks` of `function` (registered with `PARDO_REMOTE`) and `make_task(b)`.
/// `make_task` is called only on remote executors, so it may build things only registered
/// functions allow (a `RemoteFunction` handle of the user's statistic): write it as a generic
/// lambda, `[&](auto b)`, if its body would not compile for an in-process callable.
/// @code
/// auto remote = pardo::remote_blocks(&bootstrap_block, [&](auto b) {
///   return BootstrapTask{SampleStatistic(statistic), data, options, b};
/// });
/// @endcode
template <class Task, class R, class MakeTask>
RemoteBlocks<Task, R, MakeTask> remote_blocks(R (*function)(Task), MakeTask make_task) {
  return {function, std::move(make_task)};
}

/// What a workload sends to worker processes and MPI ranks for the user's callable `f` (a
/// statistic, an integrand, a density): on a remote executor its `RemoteFunction` handle,
/// which needs `f` to be a registered function (PARDO_REMOTE_FUNCTION) or a handle already;
/// on an in-process executor an empty handle, never sent, since `f` is called in place.
/// @code
/// const auto handle = pardo::remote_handle<SampleStatistic, E>(statistic);
/// @endcode
template <class Handle, RemoteExecutor E, class F>
Handle remote_handle(const F& f) {
  if constexpr (Executor<E>) {
    return Handle{};
  } else {
    constexpr bool registered =
        std::is_same_v<F, Handle> ||
        (std::is_pointer_v<F> && std::is_convertible_v<F, typename Handle::pointer>);
    static_assert(registered,
                  "pardo: on worker processes and MPI ranks, pass a function registered with "
                  "PARDO_REMOTE_FUNCTION (or its pardo::RemoteFunction handle), not a lambda or "
                  "function object: its code cannot be found in another process");
    if constexpr (registered) {
      return Handle(f);
    } else {
      return Handle{};
    }
  }
}

/// The outputs of a run's blocks by block index (empty: the block did not run, a stop request
/// came first) and how the run went.
/// @code
/// pardo::BlockRun<std::uint64_t> run = pardo::run_blocks(pool, blocks, local, remote);
/// @endcode
template <class R>
struct BlockRun {
  std::vector<std::optional<R>> blocks;
  RunInfo info;
};

/// How a run's blocks show in `RunControl::progress`: the phase they make up, the unit it
/// counts, the total, and the units of each block (empty: one per block). A workload's blocks
/// carry equal shares but the last, so `units` is most often `pardo::even_units`.
/// @code
/// pardo::BlockProgress shown{"sampling", "samples", samples,
///                            pardo::even_units(block_samples, samples)};
/// @endcode
struct BlockProgress {
  std::string phase = "running";
  std::string unit = "blocks";
  std::uint64_t total = 0;  ///< units in all; 0: the number of blocks
  std::function<std::uint64_t(std::uint64_t block)> units;
};

/// Units of block b when blocks carry `per_block` each and the last the rest of `total`.
/// @code
/// auto units = pardo::even_units(1000, 2500);  // 1000, 1000, 500
/// @endcode
inline std::function<std::uint64_t(std::uint64_t)> even_units(std::uint64_t per_block,
                                                              std::uint64_t total) {
  return [per_block, total](std::uint64_t b) -> std::uint64_t {
    const std::uint64_t start = b * per_block;
    return start >= total ? 0 : std::min(per_block, total - start);
  };
}

/// Runs blocks of one workload on `executor`, possibly in several rounds (an adaptive run
/// decides how many blocks the next round needs from the outputs so far), and keeps the run's
/// account: blocks done, seconds since it was made, whether a stop request cut it short.
/// @code
/// pardo::BlockRunner runner(pool, total_blocks, control);
/// auto first_round = runner.run(0, 8, local, remote);
/// auto second_round = runner.run(8, 32, local, remote);
/// pardo::RunInfo info = runner.info();
/// @endcode
template <RemoteExecutor E>
class BlockRunner {
 public:
  /// A runner for a run planned with `blocks_total` blocks; its clock starts now, and so does
  /// the phase `shown` in `control.progress`. With `control.checkpoint`, it is the
  /// checkpoint's next section (see Checkpoint::open_section). Throws std::invalid_argument if
  /// `control.retries` is negative, CheckpointError if the resumed run's runner at this place
  /// showed another phase.
  /// @code
  /// pardo::BlockRunner runner(pool, 1000, {.stop = stop.get_token()});
  /// @endcode
  BlockRunner(E& executor, std::uint64_t blocks_total, const RunControl& control = {},
              BlockProgress shown = {})
      : executor_(executor),
        control_(control),
        blocks_total_(blocks_total),
        units_(std::move(shown.units)),
        start_(std::chrono::steady_clock::now()) {
    if (control.retries < 0) {
      throw std::invalid_argument("RunControl: retries is " + std::to_string(control.retries) +
                                  "; it must be 0 or more");
    }
    if (control.checkpoint != nullptr) section_ = control.checkpoint->open_section(shown.phase);
    start_phase(control.progress, std::move(shown.phase), std::move(shown.unit),
                shown.total > 0 ? shown.total : blocks_total);
  }

  /// Runs blocks [first, first + count) and returns their outputs in block order: `local(b)`
  /// on an in-process executor (pardo::Executor), `remote.function(remote.make_task(b))` on
  /// the others. Blocks not started when a stop is requested are skipped (their entries are
  /// empty), and so is a local block that throws BlockStopped (it saw the stop while it ran); on
  /// remote executors the outputs are taken in block order and the run ends at the first block not
  /// yet taken, the others cancelled; at most max(8, 4 * size()) blocks are in flight at once, so
  /// the tasks in flight stay few. A block whose worker died runs again, up to
  /// `RunControl::retries` times; then it fails for good: BlockFailed is thrown, or under
  /// OnBlockFailure::stop the run ends there like a stopped one. Each block that finishes adds one
  /// its units to `RunControl::progress`. A block's exception is rethrown: the first by block
  /// order. Throws std::invalid_argument, naming the size, for more blocks than their outputs leave
  /// room for in memory.
  ///
  /// With `RunControl::checkpoint`, a block the checkpoint holds is taken from it (counted in
  /// RunInfo::blocks_restored) instead of run, every block that finishes is recorded there, and
  /// a run that ends stopped writes the checkpoint (a failure is kept in its write_error()).
  /// @code
  /// std::vector<std::optional<double>> out = runner.run(0, blocks, local, remote);
  /// @endcode
  template <class Local, class Task, class R, class MakeTask>
  std::vector<std::optional<R>> run(std::uint64_t first, std::uint64_t count, const Local& local,
                                    const RemoteBlocks<Task, R, MakeTask>& remote) {
    // One output slot per block (two on the in-process path, with the map's own), and with a
    // checkpoint an index: a run of absurdly many blocks is refused, naming its size, rather
    // than dying allocating them.
    const double slot_bytes = 2.0 * sizeof(std::optional<R>) +
                              (control_.checkpoint != nullptr ? sizeof(std::uint64_t) : 0.0);
    if (const auto why =
            memory_shortfall(static_cast<double>(count) * slot_bytes, "the blocks' outputs")) {
      throw std::invalid_argument("a run of " + std::to_string(count) + " blocks " + *why);
    }
    std::vector<std::optional<R>> out;
    // The blocks (from `first`) to run, those the checkpoint lacks; without one, all.
    const std::optional<std::vector<std::uint64_t>> todo = restore(first, count, out);
    if constexpr (Executor<E>) {
      static_assert(std::is_convertible_v<std::invoke_result_t<const Local&, std::uint64_t>, R>,
                    "run_blocks: the local block must return what the remote block function "
                    "returns");
      const auto run_one = [&](std::uint64_t i) -> std::optional<R> {
        if (control_.stop.stop_requested()) return std::nullopt;
        try {
          std::optional<R> output(local(first + i));
          finish(first + i, *output);
          return output;
        } catch (const BlockStopped&) {
          return std::nullopt;
        }
      };
      if (todo) {
        std::vector<std::optional<R>> ran =
            executor_.map(run_one, *todo, MapOptions{.chunksize = 1});
        for (std::size_t k = 0; k < todo->size(); ++k) out[(*todo)[k]] = std::move(ran[k]);
      } else {
        out = executor_.map(run_one, std::views::iota(std::uint64_t{0}, count),
                            MapOptions{.chunksize = 1});
      }
    } else {
      out.resize(count);
      if (!ended()) {
        run_remote(
            first, todo ? todo->size() : count,
            [&](std::uint64_t k) { return todo ? (*todo)[k] : k; }, out, remote);
      }
    }
    for (const auto& output : out) {
      if (output) {
        ++blocks_done_;
      } else {
        stopped_ = true;
      }
    }
    if (control_.checkpoint != nullptr && (stopped_ || !failure_.empty())) {
      control_.checkpoint->try_write();
    }
    return out;
  }

  /// Whether a stop request has cut the run short.
  /// @code
  /// while (!runner.stopped() && more_needed) runner.run(next, round, local, remote);
  /// @endcode
  bool stopped() const noexcept { return stopped_; }

  /// Why a block failed for good under OnBlockFailure::stop; empty if none did.
  /// @code
  /// if (!runner.failure().empty()) std::cerr << runner.failure() << '\n';
  /// @endcode
  const std::string& failure() const noexcept { return failure_; }

  /// The run so far: blocks done and planned, seconds since the runner was made, complete
  /// unless stopped, and the executor's backend and size.
  /// @code
  /// result.run = runner.info();
  /// @endcode
  RunInfo info() const {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return {blocks_done_,
            blocks_total_,
            seconds,
            !stopped_,
            std::string(executor_.backend()),
            executor_.size(),
            blocks_retried_,
            failure_,
            blocks_restored_};
  }

 private:
  bool ended() const { return control_.stop.stop_requested() || !failure_.empty(); }

  // Blocks are submitted in block order, at most `window` ahead of the one taken next, each
  // task made only then: the tasks in flight (each may carry the workload's data) stay few
  // whatever the number of blocks, and every worker still has the next block queued. The
  // outputs are taken in block order, so the error rethrown is the first by block order. A
  // stop (or a block failed for good) ends the run at a block boundary and cancels the
  // blocks in flight.
  // Runs `to_run` blocks, the k-th `first + index(k)`, into out[index(k)].
  template <class Index, class Task, class R, class MakeTask>
  void run_remote(std::uint64_t first, std::uint64_t to_run, const Index& index,
                  std::vector<std::optional<R>>& out,
                  const RemoteBlocks<Task, R, MakeTask>& remote) {
    const std::uint64_t window = std::max<std::uint64_t>(8, 4 * executor_.size());
    std::deque<Future<R>> running;
    std::uint64_t submitted = 0;
    const auto submit_upto = [&](std::uint64_t end) {
      for (; submitted < std::min(end, to_run); ++submitted) {
        running.push_back(
            executor_.submit(remote.function, remote.make_task(first + index(submitted))));
      }
    };
    try {
      submit_upto(window);
      for (std::uint64_t k = 0; k < to_run && !ended(); ++k) {
        std::optional<R> output = take(first + index(k), running.front(), remote);
        if (!output) break;
        running.pop_front();
        submit_upto(k + 1 + window);
        finish(first + index(k), *output);
        out[index(k)] = std::move(output);
      }
    } catch (...) {
      for (auto& future : running) future.cancel();
      throw;
    }
    for (auto& future : running) future.cancel();
  }

  // With a checkpoint: `out` sized for blocks [first, first + count), those it holds restored,
  // and the indices (from `first`) of the others, to run. Without one: nothing.
  template <class R>
  std::optional<std::vector<std::uint64_t>> restore(std::uint64_t first, std::uint64_t count,
                                                    std::vector<std::optional<R>>& out) {
    if (control_.checkpoint == nullptr) return std::nullopt;
    out.resize(count);
    std::vector<std::uint64_t> todo;
    for (std::uint64_t i = 0; i < count; ++i) {
      out[i] = control_.checkpoint->template restore<R>(section_, first + i);
      if (out[i]) {
        ++blocks_restored_;
        count_done(first + i);
      } else {
        todo.push_back(i);
      }
    }
    return todo;
  }

  // A block ran to its end: its units of progress, and its output into the checkpoint.
  template <class R>
  void finish(std::uint64_t block, const R& output) {
    if (control_.checkpoint != nullptr) control_.checkpoint->record(section_, block, output);
    count_done(block);
  }

  // Block b's output, once it is done; empty if the run ended first (a stop, or b failed
  // for good under OnBlockFailure::stop). Waits in short steps so that a stop is seen.
  template <class Task, class R, class MakeTask>
  std::optional<R> take(std::uint64_t b, Future<R>& future,
                        const RemoteBlocks<Task, R, MakeTask>& remote) {
    for (int attempt = 1;; ++attempt) {
      while (!future.wait_for(std::chrono::milliseconds(50))) {
        if (control_.stop.stop_requested()) return std::nullopt;
      }
      try {
        return future.get();
      } catch (const WorkerCrashed& e) {
        if (attempt > control_.retries) {
          const std::string message = "block " + std::to_string(b) + " failed " +
                                      std::to_string(attempt) +
                                      (attempt == 1 ? " time: " : " times: ") + e.what();
          if (control_.on_block_failure == OnBlockFailure::stop) {
            failure_ = message;
            return std::nullopt;
          }
          throw BlockFailed(message, b, attempt, std::current_exception());
        }
        // Run again after its worker died: a moment on that worker's track of a trace.
        if (detail::trace::on()) {
          const auto pid = static_cast<std::uint32_t>(e.pid());
          detail::trace::record_remote_instant("retry", "retry", pid, pid);
        }
      }
      ++blocks_retried_;
      future = executor_.submit(remote.function, remote.make_task(b));
    }
  }

  void count_done(std::uint64_t block) const {
    advance_progress(control_.progress, units_ ? units_(block) : 1);
  }

  E& executor_;
  RunControl control_;
  std::uint64_t blocks_total_;
  std::function<std::uint64_t(std::uint64_t)> units_;
  std::uint64_t blocks_done_ = 0;
  bool stopped_ = false;
  std::uint64_t blocks_retried_ = 0;
  std::uint64_t blocks_restored_ = 0;
  std::uint32_t section_ = 0;  // in control_.checkpoint
  std::string failure_;
  std::chrono::steady_clock::time_point start_;
};

/// Runs a workload's `blocks` blocks on `executor` in one round: `local(b)` in process, or the
/// registered block function on worker processes and MPI ranks (see BlockRunner::run). The
/// outputs come back in block order, to be combined in that order; `shown` is how they count
/// in `control.progress`.
/// @code
/// auto run = pardo::run_blocks(pool, blocks, [&](std::uint64_t b) { return count(b); },
///                              pardo::remote_blocks(&count_block, make_task), control);
/// @endcode
template <RemoteExecutor E, class Local, class Task, class R, class MakeTask>
BlockRun<R> run_blocks(E& executor, std::uint64_t blocks, const Local& local,
                       const RemoteBlocks<Task, R, MakeTask>& remote,
                       const RunControl& control = {}, BlockProgress shown = {}) {
  BlockRunner runner(executor, blocks, control, std::move(shown));
  std::vector<std::optional<R>> outputs = runner.run(0, blocks, local, remote);
  return {std::move(outputs), runner.info()};
}

}  // namespace pardo

#pragma once
/// @file
/// `pardo::run_pipeline`: a source and a chain of stages on a thread pool, as TBB's
/// `parallel_pipeline` and Taskflow's pipeline. The source makes items one at a time; each
/// item goes through the stages in order; a stage is serial in order (one item at a time, in
/// the source's order), serial out of order (one at a time, as they come) or parallel (any
/// number at once). At most `max_tokens` items are in the pipeline at once, which bounds its
/// memory and lets a slow stage slow the source down.
///
/// No worker ever waits for another: an item that reaches a serial stage while it is busy,
/// or before its turn, is parked there and sent on when the stage is free, so a pipeline of
/// any length runs on a pool of one worker.
///
/// A stage whose call returns a pardo::Future<R> is asynchronous: it hands on a copy of R
/// once the future is done (R must be copyable), and no worker waits for it meanwhile. That
/// is how a stage runs in worker processes or on MPI ranks (`remote_stage`).
///
/// The first exception a stage (or the source) throws stops the pipeline: the source makes
/// no more, the items on their way are dropped, and run_pipeline rethrows it once every
/// stage has returned. A stop request on `stop` ends it the same way, without an error.
/// @code
/// pardo::ThreadPool pool;
/// std::ifstream in("words.txt");
/// std::map<std::string, int> counts;
/// pardo::run_pipeline(
///     pool, 16,
///     pardo::source([&]() -> std::optional<std::string> {
///       std::string line;
///       if (!std::getline(in, line)) return std::nullopt;
///       return line;
///     }),
///     pardo::stage(pardo::StageMode::parallel, [](std::string line) { return to_lower(line); }),
///     pardo::stage(pardo::StageMode::serial_in_order, [&](std::string w) { ++counts[w]; }));
/// @endcode

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/threads/thread_pool.hpp"

namespace pardo {

/// How a stage takes its items.
/// @code
/// auto s = pardo::stage(pardo::StageMode::serial_in_order, [&](Row r) { out << r; });
/// @endcode
enum class StageMode {
  serial_in_order,      ///< one item at a time, in the order the source made them
  serial_out_of_order,  ///< one item at a time, in the order they arrive
  parallel,             ///< any number of items at once
};

/// The first stage: `make()` returns the next item, or std::nullopt when there are no more.
/// It is called by one thread at a time.
/// @code
/// int next = 0;
/// auto numbers = pardo::source([&]() -> std::optional<int> {
///   if (next == 100) return std::nullopt;
///   return next++;
/// });
/// @endcode
template <class F>
struct Source {
  F make;
};

/// A source from a callable returning std::optional<T>.
/// @code
/// auto lines = pardo::source([&]() -> std::optional<std::string> { return read_line(); });
/// @endcode
template <class F>
Source<std::decay_t<F>> source(F&& make) {
  static_assert(std::is_invocable_v<std::decay_t<F>&>, "source: make() takes no argument");
  return {std::forward<F>(make)};
}

/// A stage after the source: `apply(item)` returns what the next stage takes; the last
/// stage's returns void.
/// @code
/// auto squared = pardo::stage(pardo::StageMode::parallel, [](double x) { return x * x; });
/// @endcode
template <class F>
struct Stage {
  StageMode mode;
  F apply;
};

/// A stage from a mode and a callable.
/// @code
/// auto write = pardo::stage(pardo::StageMode::serial_in_order, [&](Row r) { csv << r; });
/// @endcode
template <class F>
Stage<std::decay_t<F>> stage(StageMode mode, F&& apply) {
  return {mode, std::forward<F>(apply)};
}

/// A stage that runs `fn(item)` as a task of `executor` (a ProcessPool, an mpi::Pool, or any
/// executor whose `submit` returns a pardo::Future), its tokens waiting meanwhile without a
/// worker: on a ProcessPool, `fn` is a function registered with PARDO_REMOTE, and the items
/// and results travel. The pipeline waits for such tasks still in flight when it stops.
/// @code
/// std::string parse(std::string line);  // heavy; PARDO_REMOTE(parse) at namespace scope
/// pardo::ProcessPool workers(4);
/// auto parsed = pardo::remote_stage(pardo::StageMode::parallel, workers, parse);
/// @endcode
template <class Executor, class F>
auto remote_stage(StageMode mode, Executor& executor, F fn) {
  return stage(mode, [&executor, fn](auto item) { return executor.submit(fn, std::move(item)); });
}

/// How a pipeline ended.
/// @code
/// pardo::PipelineRun run = pardo::run_pipeline(pool, 8, src, sink);
/// std::printf("%llu items\n", static_cast<unsigned long long>(run.items));
/// @endcode
struct PipelineRun {
  std::uint64_t items = 0;  ///< items that went through the last stage
  bool stopped = false;     ///< a stop request ended it before the source was exhausted
};

}  // namespace pardo

#include "pardo/flow/detail/pipeline.hpp"

namespace pardo {

/// Runs `source` and `stages` (at least one; the last returns void) on `pool` with at most
/// `max_tokens` items in the pipeline at once, and waits for the end: the source exhausted and
/// every item through, or a stop request on `stop` (the items on their way are dropped).
/// Rethrows the first exception of the source or a stage, once every stage running has
/// returned. Throws std::invalid_argument for max_tokens 0, std::logic_error when called from
/// a task of `pool` (it would wait on its own worker).
/// @code
/// pardo::ThreadPool pool(4);
/// std::stop_source stop;
/// int i = 0;
/// long sum = 0;
/// pardo::run_pipeline(
///     pool, 8, stop.get_token(),
///     pardo::source([&]() -> std::optional<int> { return i < 1000 ? std::optional(i++) :
///     std::nullopt; }), pardo::stage(pardo::StageMode::parallel, [](int x) { return long{x} * x;
///     }), pardo::stage(pardo::StageMode::serial_out_of_order, [&](long y) { sum += y; }));
/// @endcode
template <class SourceF, class... StageF>
requires(sizeof...(StageF) > 0) PipelineRun
    run_pipeline(ThreadPool& pool, std::size_t max_tokens, std::stop_token stop,
                 Source<SourceF> source, Stage<StageF>... stages) {
  if (max_tokens == 0) {
    throw std::invalid_argument("run_pipeline: max_tokens is 0; it must be at least 1");
  }
  if (pool.worker_index()) {
    throw std::logic_error(
        "run_pipeline: called from a task of the pool it runs on, it would wait on its own "
        "worker; run it from another thread");
  }
  using State = detail::flow::PipelineState<ThreadPool, SourceF, StageF...>;
  State state(pool, max_tokens, std::move(stop), std::move(source.make),
              std::tuple<StageF...>(std::move(stages.apply)...),
              std::vector<StageMode>{stages.mode...});
  return state.run();
}

/// As above, with no stop request.
/// @code
/// auto run = pardo::run_pipeline(pool, 16, lines, parse, store);
/// @endcode
template <class SourceF, class... StageF>
requires(sizeof...(StageF) > 0) PipelineRun
    run_pipeline(ThreadPool& pool, std::size_t max_tokens, Source<SourceF> source,
                 Stage<StageF>... stages) {
  return run_pipeline(pool, max_tokens, std::stop_token{}, std::move(source), std::move(stages)...);
}

}  // namespace pardo

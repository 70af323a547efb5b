#pragma once
// The executor contract for PARDO_REMOTE functions, shared by ProcessPool and mpi::Pool: calls
// are encoded into jobs here, and a Core (worker processes, MPI ranks) runs them.

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <memory>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/algorithms.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/core/future.hpp"
#include "pardo/core/imap.hpp"
#include "pardo/core/options.hpp"
#include "pardo/executor.hpp"
#include "pardo/remote/detail/remote_job.hpp"
#include "pardo/remote/remote.hpp"

namespace pardo {

namespace detail {

template <class F>
inline constexpr bool is_function_pointer_v =
    std::is_pointer_v<F>&& std::is_function_v<std::remove_pointer_t<F>>;

template <class>
inline constexpr bool always_false = false;

/// What `submit` of a lambda on a remote pool would return: not a Future (see the overload).
struct NotRemoteCallable {};

#define PARDO_DETAIL_NOT_REMOTE                                                      \
  "pardo pools run free functions registered with PARDO_REMOTE(fn), not lambdas or " \
  "function objects: their code cannot be found in another process"

template <class F>
struct RemoteCallable {
  static_assert(is_function_pointer_v<F>, PARDO_DETAIL_NOT_REMOTE);
};
template <class R, class... P>
struct RemoteCallable<R (*)(P...)> {
  using result = R;
  using value = std::remove_cvref_t<R>;
  static constexpr std::size_t arity = sizeof...(P);
  /// Encodes one call's arguments, each as its parameter's type.
  template <class... A>
  static void encode(wire::Writer& out, const A&... args) {
    static_assert(sizeof...(A) == sizeof...(P),
                  "pardo pools: the number of arguments does not match the function's parameters");
    (encode_arg<P>(out, args), ...);
  }
};
template <class R, class... P>
struct RemoteCallable<R (*)(P...) noexcept> : RemoteCallable<R (*)(P...)> {};

}  // namespace detail

namespace detail {

/// The executor contract over a Core with `size()`, `check_accepting(caller)`,
/// `push(jobs)`, `shutdown(wait, cancel_pending)` and `set_error_handler(handler)`.
template <class Core>
class RemotePool {
 public:
  RemotePool(const RemotePool&) = delete;
  RemotePool& operator=(const RemotePool&) = delete;

  /// The number of workers.
  /// @code
  /// std::vector<double> slots(pool.size());
  /// @endcode
  std::size_t size() const noexcept { return core_.size(); }

  /// Runs `fn(args...)` in a worker. The arguments are converted to the parameter types and
  /// encoded now; an argument that cannot be encoded fails the returned future with
  /// SerializationError. Throws std::invalid_argument if `fn` is not registered, and
  /// ShutdownError after `shutdown`.
  /// @code
  /// pardo::Future<double> f = pool.submit(square, 3.0);
  /// @endcode
  template <class F, class... A>
  requires detail::is_function_pointer_v<F>
  auto submit(F fn, const A&... args) {
    using Call = detail::RemoteCallable<F>;
    using R = typename Call::value;
    core_.check_accepting("submit");
    const std::uint64_t id = function_id(fn, "submit");
    auto* state = new detail::SharedState<R>();
    auto ref = detail::StateRef<detail::SharedState<R>>(state);
    Future<R> future = detail::make_future(ref);
    std::string encoded;
    try {
      wire::Writer out(encoded);
      Call::encode(out, args...);
    } catch (...) {
      state->try_start();
      state->set_exception(std::current_exception());
      return future;
    }
    push_one(std::make_unique<detail::SingleJob<R>>(id, std::move(encoded), std::move(ref)));
    return future;
  }

  /// Refuses a lambda or function object at compile time, with a message saying why. Its
  /// result type is no Future, so `pardo::Executor` sees that this pool runs only registered
  /// functions.
  /// @code
  /// pool.submit([] { return 1; });  // error: pardo pools run free functions registered ...
  /// @endcode
  template <class F, class... A>
  requires(!detail::is_function_pointer_v<std::decay_t<F>>) detail::NotRemoteCallable
      submit(F&&, const A&...) {
    static_assert(detail::always_false<F>, PARDO_DETAIL_NOT_REMOTE);
    return {};
  }

  /// `fn(x)` for every input, in input order. Rethrows the first error by input order
  /// (RemoteError, WorkerCrashed, TimeoutError, SerializationError); chunks after a failed
  /// input that had not started do not run.
  /// @code
  /// std::vector<double> ys = pool.map(square, xs, {.chunksize = 64});
  /// @endcode
  template <class F, InputRange Inputs>
  auto map(F fn, const Inputs& inputs, MapOptions options = {}) {
    return take(map_chunks<false, true>(fn, inputs, options, "map"));
  }

  /// `map` in the background: a future of the whole result vector. The inputs are encoded
  /// before it returns, so they need not outlive the call.
  /// @code
  /// pardo::Future<std::vector<double>> all = pool.map_async(square, xs);
  /// @endcode
  template <class F, InputRange Inputs>
  auto map_async(F fn, const Inputs& inputs, MapOptions options = {}) {
    return map_chunks<false, true>(fn, inputs, options, "map_async");
  }

  /// `fn(a, b, ...)` for every tuple `(a, b, ...)` of the inputs, in input order.
  /// @code
  /// double add(double a, double b);
  /// PARDO_REMOTE(add);
  /// auto sums = pool.starmap(add, std::vector<std::pair<double, double>>{{1, 2}, {3, 4}});
  /// @endcode
  template <class F, InputRange Tuples>
  auto starmap(F fn, const Tuples& tuples, MapOptions options = {}) {
    return take(map_chunks<true, true>(fn, tuples, options, "starmap"));
  }

  /// `fn(i)` for each i in [first, last), `fn` a registered function of one integral
  /// parameter, in chunks as `map` deals them. Rethrows the first error by index.
  /// @code
  /// void simulate(int run);
  /// PARDO_REMOTE(simulate);
  /// pool.parallel_for(0, 100, simulate);
  /// @endcode
  template <std::integral I, class F>
  void parallel_for(I first, I last, F fn, MapOptions options = {}) {
    detail::check_loop_bounds(first, last);
    take(map_chunks<false, false>(fn, std::views::iota(first, last), options, "parallel_for"));
  }

  /// A lazy range of `fn(x)` in input order; chunks are submitted at once and iterating
  /// waits for each as it is reached.
  /// @code
  /// for (double y : pool.imap(square, xs)) std::cout << y << '\n';
  /// @endcode
  template <class F, InputRange Inputs>
  auto imap(F fn, const Inputs& inputs, MapOptions options = {}) {
    using R = typename detail::RemoteCallable<F>::value;
    std::vector<Future<detail::ChunkResult<R>>> chunks;
    for_each_chunk<false>(fn, inputs, plan(inputs, options, "imap"), "imap",
                          [&](std::uint64_t id, std::string encoded, std::uint32_t count,
                              const Chunk& chunk, std::exception_ptr error) {
                            auto ref =
                                detail::StateRef<detail::SharedState<detail::ChunkResult<R>>>(
                                    new detail::SharedState<detail::ChunkResult<R>>());
                            chunks.push_back(detail::make_future(ref));
                            return std::make_unique<detail::ChunkJob<R>>(
                                id, std::move(encoded), count, chunk.begin, std::move(ref), error);
                          });
    return ImapRange<R>(std::move(chunks));
  }

  /// A lazy range of `(index, fn(x))` pairs in completion order.
  /// @code
  /// for (const auto& [i, y] : pool.imap_unordered(square, xs)) out[i] = y;
  /// @endcode
  template <class F, InputRange Inputs>
  auto imap_unordered(F fn, const Inputs& inputs, MapOptions options = {}) {
    using R = typename detail::RemoteCallable<F>::value;
    const std::vector<Chunk> chunks = plan(inputs, options, "imap_unordered");
    auto channel = std::make_shared<detail::UnorderedChannel<R>>(chunks.size());
    std::vector<Future<void>> handles;
    for_each_chunk<false>(
        fn, inputs, chunks, "imap_unordered",
        [&](std::uint64_t id, std::string encoded, std::uint32_t count, const Chunk& chunk,
            std::exception_ptr error) {
          auto ref = detail::StateRef<detail::SharedState<void>>(new detail::SharedState<void>());
          handles.push_back(detail::make_future(ref));
          return std::make_unique<detail::UnorderedChunkJob<R>>(
              id, std::move(encoded), count, chunk.begin, std::move(ref), channel, error);
        });
    return ImapUnorderedRange<R>(std::move(channel), std::move(handles));
  }

  /// Folds `fn(x)` over the inputs with `combine`, in the parent, with the tree of
  /// `ThreadPool::map_reduce`: the result is bit-identical to it, for any worker count,
  /// schedule and chunksize.
  /// @code
  /// double total = pool.map_reduce(xs, square, std::plus<>{}, 0.0);
  /// @endcode
  template <InputRange Inputs, class F, class Combine, class T>
  std::decay_t<T> map_reduce(const Inputs& inputs, F fn, Combine&& combine, T&& identity,
                             MapOptions options = {}) {
    using V = std::decay_t<T>;
    std::vector<typename detail::RemoteCallable<F>::value> values = map(fn, inputs, options);
    const std::size_t n = values.size();
    if (n == 0) return V(std::forward<T>(identity));
    const V& init = identity;
    std::vector<std::optional<V>> partial(detail::ceil_div(n, detail::leaf_size(n)));
    const auto value = [&](std::size_t i) { return std::move(values[i]); };
    for (std::size_t l = 0; l < partial.size(); ++l) {
      partial[l].emplace(detail::fold_leaf(l, n, init, value, combine));
    }
    return detail::combine_leaves(partial, combine);
  }

  /// Runs `fn(worker_index)` once in every worker and returns the results by worker index.
  /// @code
  /// int pid_of(std::size_t) { return getpid(); }
  /// PARDO_REMOTE(pid_of);
  /// std::vector<int> pids = pool.on_each_worker(pid_of);
  /// @endcode
  template <class F>
  auto on_each_worker(F fn) {
    using Call = detail::RemoteCallable<F>;
    using R = typename Call::value;
    static_assert(Call::arity == 1, "on_each_worker: fn takes the worker index (std::size_t)");
    core_.check_accepting("on_each_worker");
    const std::uint64_t id = function_id(fn, "on_each_worker");
    std::vector<Future<R>> futures;
    std::vector<std::unique_ptr<detail::RemoteJob>> jobs;
    for (std::size_t w = 0; w < size(); ++w) {
      std::string encoded;
      wire::Writer out(encoded);
      Call::encode(out, w);
      auto* state = new detail::SharedState<R>();
      auto ref = detail::StateRef<detail::SharedState<R>>(state);
      futures.push_back(detail::make_future(ref));
      jobs.push_back(
          std::make_unique<detail::SingleJob<R>>(id, std::move(encoded), std::move(ref)));
      jobs.back()->worker = w;
    }
    core_.push(jobs);
    if constexpr (std::is_void_v<R>) {
      for (auto& f : futures) f.get();
    } else {
      std::vector<R> results;
      results.reserve(futures.size());
      for (auto& f : futures) results.push_back(f.get());
      return results;
    }
  }

  /// Stops accepting work. With `cancel_pending`, tasks not yet sent to a worker are
  /// cancelled; with `wait`, returns once every worker has exited and been reaped.
  /// @code
  /// pool.shutdown(/*wait=*/true, /*cancel_pending=*/true);
  /// @endcode
  void shutdown(bool wait = true, bool cancel_pending = false) {
    core_.shutdown(wait, cancel_pending);
  }

  /// Sets the handler for exceptions thrown by done callbacks, which run on the pool's
  /// I/O thread.
  /// @code
  /// pool.set_error_handler([](std::exception_ptr e, std::string_view where) { log(e, where); });
  /// @endcode
  void set_error_handler(ErrorHandler handler) { core_.set_error_handler(std::move(handler)); }

 protected:
  template <class... Args>
  explicit RemotePool(Args&&... args) : core_(std::forward<Args>(args)...) {}
  ~RemotePool() = default;

  Core core_;

 private:
  template <class F>
  static std::uint64_t function_id(F fn, const char* caller) {
    return detail::remote_id(reinterpret_cast<detail::AnyFunction>(fn), typeid(F), caller);
  }

  void push_one(std::unique_ptr<detail::RemoteJob> job) {
    std::vector<std::unique_ptr<detail::RemoteJob>> jobs;
    jobs.push_back(std::move(job));
    core_.push(jobs);
  }

  /// The chunks of a map over n inputs: [begin, end) and the worker each is pinned to.
  struct Chunk {
    std::size_t begin;
    std::size_t end;
    std::optional<std::size_t> worker;
  };
  std::vector<Chunk> plan_chunks(std::size_t n, const MapOptions& options) const {
    const std::size_t workers = size();
    std::vector<Chunk> chunks;
    if (n == 0) return chunks;
    const bool pinned =
        options.schedule == Schedule::static_blocks || options.schedule == Schedule::round_robin;
    std::size_t chunk = options.chunksize;
    if (options.schedule == Schedule::static_blocks) {
      chunk = detail::ceil_div(n, workers);
    } else if (chunk == 0) {
      // Four chunks per worker, as multiprocessing.Pool: a few messages per worker keep the
      // per-input overhead low while the last chunks still balance the load.
      chunk = std::max<std::size_t>(1, detail::ceil_div(n, 4 * workers));
    }
    for (std::size_t begin = 0; begin < n;) {
      std::size_t size = chunk;
      if (options.schedule == Schedule::guided) {
        size = std::max(chunk, (n - begin) / (2 * workers));
      }
      const std::size_t end = std::min(n, begin + size);
      const std::size_t c = chunks.size();
      chunks.push_back(
          {begin, end, pinned ? std::optional<std::size_t>(c % workers) : std::nullopt});
      begin = end;
    }
    return chunks;
  }

  /// Encodes the inputs of one chunk; stops at an input that cannot be encoded and returns
  /// its error (the chunk then holds the inputs before it).
  template <bool Star, class F, class Inputs>
  static std::exception_ptr encode_chunk(const Inputs& inputs, const Chunk& chunk,
                                         std::string& encoded, std::uint32_t& count) {
    using Call = detail::RemoteCallable<F>;
    auto first = std::ranges::begin(inputs);
    wire::Writer out(encoded);
    count = 0;
    for (std::size_t i = chunk.begin; i < chunk.end; ++i, ++count) {
      const auto& x = first[static_cast<std::ranges::range_difference_t<Inputs>>(i)];
      const std::size_t mark = encoded.size();
      try {
        if constexpr (Star) {
          std::apply([&](const auto&... args) { Call::encode(out, args...); }, x);
        } else {
          Call::encode(out, x);
        }
      } catch (...) {
        encoded.resize(mark);
        return std::current_exception();
      }
    }
    return nullptr;
  }

  /// Checks the options and that the pool accepts work, then plans the chunks.
  template <class Inputs>
  std::vector<Chunk> plan(const Inputs& inputs, const MapOptions& options, const char* caller) {
    detail::validate(options, caller);
    core_.check_accepting(caller);
    return plan_chunks(std::ranges::size(inputs), options);
  }

  /// Encodes each planned chunk and queues the job `make_job` builds for it.
  template <bool Star, class F, class Inputs, class MakeJob>
  void for_each_chunk(F fn, const Inputs& inputs, const std::vector<Chunk>& chunks,
                      const char* caller, MakeJob make_job) {
    const std::uint64_t id = function_id(fn, caller);
    std::vector<std::unique_ptr<detail::RemoteJob>> jobs;
    for (const Chunk& chunk : chunks) {
      std::string encoded;
      std::uint32_t count = 0;
      std::exception_ptr error = encode_chunk<Star, F>(inputs, chunk, encoded, count);
      jobs.push_back(make_job(id, std::move(encoded), count, chunk, std::move(error)));
      jobs.back()->worker = chunk.worker;
      if (jobs.size() == batch) core_.push(jobs);
    }
    core_.push(jobs);
  }

  /// A map's chunks, gathered into one future: of the values, or of nothing for
  /// `parallel_for` (Values false).
  template <bool Star, bool Values, class F, class Inputs>
  auto map_chunks(F fn, const Inputs& inputs, const MapOptions& options, const char* caller) {
    using R = typename detail::RemoteCallable<F>::value;
    static_assert(!Values || !std::is_void_v<R>, "map: fn returns void; use parallel_for");
    static_assert(Values || std::is_void_v<R>, "parallel_for: fn must return void");
    using Value = std::conditional_t<Values, std::vector<R>, void>;
    auto ref = detail::StateRef<detail::SharedState<Value>>(new detail::SharedState<Value>());
    Future<Value> future = detail::make_future(ref);
    const std::vector<Chunk> chunks = plan(inputs, options, caller);
    if (chunks.empty()) {
      function_id(fn, caller);
      ref->try_start();
      ref->set_value();
      return future;
    }
    auto gather =
        std::make_shared<detail::MapGather<R>>(std::ranges::size(inputs), chunks.size(), ref);
    for_each_chunk<Star>(fn, inputs, chunks, caller,
                         [&](std::uint64_t id, std::string encoded, std::uint32_t count,
                             const Chunk& chunk, std::exception_ptr error) {
                           return std::make_unique<detail::MapChunkJob<R>>(
                               id, std::move(encoded), count, chunk.begin, gather, error);
                         });
    return future;
  }

  /// The value of a map's future, moved out: nobody else holds that future.
  template <class R>
  static std::vector<R> take(Future<std::vector<R>> future) {
    future.wait();
    auto& state = static_cast<detail::SharedState<std::vector<R>>&>(detail::state_of(future));
    state.rethrow_if_failed();
    return std::move(state.mutable_value());
  }
  static void take(Future<void> future) { future.get(); }

  /// Jobs handed to the core at a time while a map is still encoding the rest.
  static constexpr std::size_t batch = 64;
};

}  // namespace detail
}  // namespace pardo

#undef PARDO_DETAIL_NOT_REMOTE

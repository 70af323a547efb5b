#pragma once
// The executor contract for PARDO_REMOTE functions, shared by ProcessPool and mpi::Pool: calls
// are encoded into jobs (remote_calls.hpp), and a Core (worker processes, MPI ranks) runs them.

#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/algorithms.hpp"
#include "pardo/core/detail/worker_state_ops.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/core/future.hpp"
#include "pardo/core/options.hpp"
#include "pardo/executor.hpp"
#include "pardo/remote/detail/broadcast.hpp"
#include "pardo/remote/detail/remote_calls.hpp"
#include "pardo/remote/detail/worker_state.hpp"

namespace pardo::detail {

/// The executor contract (pardo::RemoteExecutor) over a Core with `size()`,
/// `check_accepting(caller)`, `push(jobs)`, `shutdown(wait, cancel_pending)` and
/// `set_error_handler(handler)`.
template <class Core>
class RemotePool : public WorkerStateOps<RemotePool<Core>> {
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
  requires is_function_pointer_v<F>
  auto submit(F fn, const A&... args) { return submit_call(core_, std::nullopt, fn, args...); }

  /// Refuses a lambda or function object at compile time, with a message saying why. Its
  /// result type is no Future, so `pardo::Executor` sees that this pool runs only registered
  /// functions.
  /// @code
  /// pool.submit([] { return 1; });  // error: pardo pools run free functions registered ...
  /// @endcode
  template <class F, class... A>
  requires(!is_function_pointer_v<std::decay_t<F>>) NotRemoteCallable submit(F&&, const A&...) {
    static_assert(always_false<F>, PARDO_DETAIL_NOT_REMOTE);
    return {};
  }

  /// `fn(x)` for each input as a task of its own: a future per input, in input order. Costs
  /// less than a `submit` each: the tasks reach the workers in batches, one lock and one
  /// wake-up per batch. An input that cannot be encoded fails its own future with the error
  /// its encoding threw. Throws std::invalid_argument if `fn` is not registered, and
  /// ShutdownError after `shutdown`.
  /// @code
  /// std::vector<pardo::Future<double>> fs = pool.submit_each(square, std::vector{1.0, 2.0});
  /// @endcode
  template <class F, InputRange Inputs>
  requires is_function_pointer_v<F>
  auto submit_each(F fn, const Inputs& inputs) { return submit_each_call(core_, fn, inputs); }

  /// `fn(x)` for every input, in input order. Rethrows the first error by input order
  /// (RemoteError, WorkerCrashed, TimeoutError, SerializationError); chunks after a failed
  /// input that had not started do not run.
  /// @code
  /// std::vector<double> ys = pool.map(square, xs, {.chunksize = 64});
  /// @endcode
  template <class F, InputRange Inputs>
  auto map(F fn, const Inputs& inputs, MapOptions options = {}) {
    return take(map_chunks<false, true>(core_, fn, inputs, options, "map"));
  }

  /// `map` in the background: a future of the whole result vector. The inputs are encoded
  /// before it returns, so they need not outlive the call.
  /// @code
  /// pardo::Future<std::vector<double>> all = pool.map_async(square, xs);
  /// @endcode
  template <class F, InputRange Inputs>
  auto map_async(F fn, const Inputs& inputs, MapOptions options = {}) {
    return map_chunks<false, true>(core_, fn, inputs, options, "map_async");
  }

  /// `fn(a, b, ...)` for every tuple `(a, b, ...)` of the inputs, in input order.
  /// @code
  /// double add(double a, double b);
  /// PARDO_REMOTE(add);
  /// auto sums = pool.starmap(add, std::vector<std::pair<double, double>>{{1, 2}, {3, 4}});
  /// @endcode
  template <class F, InputRange Tuples>
  auto starmap(F fn, const Tuples& tuples, MapOptions options = {}) {
    return take(map_chunks<true, true>(core_, fn, tuples, options, "starmap"));
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
    check_loop_bounds(first, last);
    take(map_chunks<false, false>(core_, fn, std::views::iota(first, last), options,
                                  "parallel_for"));
  }

  /// A lazy range of `fn(x)` in input order. The inputs are kept (copied, or moved if passed
  /// as an rvalue) and encoded a chunk at a time as the range is consumed: any input range
  /// works, an unbounded generator included, and at most `options.max_in_flight` chunks
  /// (default four per worker) are in flight ahead of the consumer (`ImapRange`).
  /// @code
  /// for (double y : pool.imap(square, xs)) std::cout << y << '\n';
  /// @endcode
  template <class F, std::ranges::input_range Inputs>
  auto imap(F fn, Inputs&& inputs, MapOptions options = {}) {
    return imap_chunks(core_, fn, std::forward<Inputs>(inputs), options);
  }

  /// A lazy range of `(index, fn(x))` pairs in completion order, reading its inputs as `imap`.
  /// @code
  /// for (const auto& [i, y] : pool.imap_unordered(square, xs)) out[i] = y;
  /// @endcode
  template <class F, std::ranges::input_range Inputs>
  auto imap_unordered(F fn, Inputs&& inputs, MapOptions options = {}) {
    return imap_unordered_chunks(core_, fn, std::forward<Inputs>(inputs), options);
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
    std::vector<typename RemoteCallable<F>::value> values = map(fn, inputs, options);
    const std::size_t n = values.size();
    if (n == 0) return V(std::forward<T>(identity));
    const V& init = identity;
    std::vector<std::optional<V>> partial(ceil_div(n, leaf_size(n)));
    const auto value = [&](std::size_t i) { return std::move(values[i]); };
    for (std::size_t l = 0; l < partial.size(); ++l) {
      partial[l].emplace(fold_leaf(l, n, init, value, combine));
    }
    return combine_leaves(partial, combine);
  }

  /// Places `value` once on every worker and returns the handle that tasks take instead of
  /// it (see pardo::Shared). On ProcessPool the value's encoding goes into one shared segment
  /// that each worker maps on first use; on mpi::Pool it is sent to each worker once, and
  /// `broadcast` returns when every worker holds it. A handle may go as soon as the tasks
  /// that name it are submitted: they keep the value alive. Throws ShutdownError after
  /// `shutdown`, std::system_error if the segment cannot be made.
  /// @code
  /// auto table = pool.broadcast(std::vector<double>(1 << 20, 1.0));
  /// pardo::Future<double> sum = pool.submit(block_sum, table, std::uint64_t{0});
  /// @endcode
  template <class T>
  Shared<std::decay_t<T>> broadcast(const T& value) {
    return remote_broadcast<std::decay_t<T>>(core_, value, ledger_);
  }

  /// Broadcasts the elements of `parts`, one after another, as one std::vector<E> (as
  /// `broadcast` of the joined vector would), writing them straight to where the workers
  /// read them: neither the joined vector nor its encoding is made in this process. E is a
  /// type that travels by memcpy (see pardo/wire.hpp). Throws as `broadcast`.
  /// @code
  /// std::vector<double> x = load_x(), y = load_y();
  /// pardo::Shared<std::vector<double>> xy = pool.broadcast_values<double>({x, y});
  /// @endcode
  template <class E>
  requires Codec<E>::bitwise Shared<std::vector<E>> broadcast_values(
      std::initializer_list<std::span<const E>> parts) {
    return remote_broadcast_values<E>(core_, std::span(parts.begin(), parts.size()), ledger_);
  }

  /// Runs `fn(args...)` on worker `worker` alone (IPython parallel's `rc[k].apply`): state a
  /// worker keeps between tasks is that worker's. Throws std::out_of_range for a worker at or
  /// past `size()`, as `submit` otherwise.
  /// @code
  /// pardo::Future<int> pid = pool.on_worker(1, pid_of, std::size_t{1});
  /// @endcode
  template <class F, class... A>
  requires is_function_pointer_v<F>
  auto on_worker(std::size_t worker, F fn, const A&... args) {
    return worker_call(core_, worker, fn, args...);
  }

  /// Runs `fn(worker_index)` once in every worker and returns the results by worker index.
  /// @code
  /// int pid_of(std::size_t) { return getpid(); }
  /// PARDO_REMOTE(pid_of);
  /// std::vector<int> pids = pool.on_each_worker(pid_of);
  /// @endcode
  template <class F>
  auto on_each_worker(F fn) {
    auto futures = each_worker_calls(core_, fn);
    using R = typename RemoteCallable<F>::value;
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
  friend class WorkerStateOps<RemotePool<Core>>;

  template <class T>
  Future<void> put_state(std::size_t worker, std::string_view name, const T& value) {
    std::string bytes;
    wire::Writer out(bytes);
    wire::encode(out, value);
    return worker_call(core_, worker, &push_state, std::string(name), RemoteSlotCodec<T>::tag,
                       std::move(bytes));
  }
  template <class T>
  Future<T> get_state(std::size_t worker, std::string_view name) {
    return worker_call(core_, worker, &pull_state, std::string(name), RemoteSlotCodec<T>::tag)
        .then([](const std::string& bytes) {
          wire::Reader in(bytes);
          T value = wire::decode<T>(in);
          in.expect_end();
          return value;
        });
  }

  template <class... Args>
  explicit RemotePool(Args&&... args) : core_(std::forward<Args>(args)...) {}
  ~RemotePool() = default;

  Core core_;
  // Stored broadcasts to drop on the workers (mpi::Pool); goes before core_.
  std::shared_ptr<BroadcastLedger> ledger_ = std::make_shared<BroadcastLedger>();
};

}  // namespace pardo::detail

#undef PARDO_DETAIL_NOT_REMOTE

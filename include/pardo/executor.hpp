#pragma once
/// @file
/// The executor contract as concepts: what `SerialExecutor`, `ThreadPool`, `ProcessPool` and
/// `mpi::Pool` promise, and what algorithms and workloads may ask of an executor.
///
/// Two concepts, one refining the other:
/// - `pardo::RemoteExecutor<E>`: runs *registered* functions (`PARDO_REMOTE(fn)`, passed as
///   `fn`): `submit`, `map`, `map_async`, `imap`, `imap_unordered`, `starmap`,
///   `parallel_for`, `map_reduce`, `on_each_worker`, `on_worker`, `broadcast`, `push`, `pull`,
///   `scatter`, `gather`, `size`, `backend`, `shutdown`. Every
///   executor models it: worker processes and MPI ranks, and the in-process executors too,
///   since a registered function is a callable like any other.
/// - `pardo::Executor<E>`: the same for *any* callable, lambdas and function objects
///   included: the in-process executors (`SerialExecutor`, `ThreadPool`).
///
/// What every member promises, on every backend:
/// - `submit(f, args...)` returns a `Future` of `f(args...)`; a task's exception is stored in
///   its future, never lost.
/// - `map`, `starmap` and `map_async` keep input order; they rethrow (or fail their future
///   with) the first error *by input order*, whatever the timing.
/// - `imap` yields results in input order, `imap_unordered` `(index, result)` pairs in
///   completion order; both read any input range lazily, at most `MapOptions::max_in_flight`
///   chunks ahead of the consumer; destroying either range cancels the chunks not yet started.
/// - `parallel_for(first, last, f)` calls `f(i)` for each i in [first, last); the first error
///   by index is rethrown.
/// - `map_reduce` folds in a tree fixed by the input size alone: the same bits for any
///   worker count, schedule, chunksize and backend.
/// - `on_each_worker(f)` runs `f(w)` once on each worker w and returns the results by index;
///   `on_worker(w, f, args...)` runs `f(args...)` on worker w alone.
/// - `broadcast(value)` places a read-only value once on every worker and returns the
///   `Shared<T>` handle that tasks take instead of it (by reference on threads, in shared
///   memory on worker processes, sent once per worker on MPI).
/// - `push(name, value)`, `pull<T>(name)`, `scatter(name, range)` and `gather<E>(name)` place
///   and read named values that each worker keeps between tasks (`worker_value<T>(name)`).
/// - `MapOptions` (chunksize and schedule) are accepted by every member that maps.
///
/// Constrain on these concepts rather than on concrete types:
/// @code
/// template <pardo::RemoteExecutor E>   // any backend; f must be registered to run remotely
/// double total(E& executor, const std::vector<double>& xs) {
///   return executor.map_reduce(xs, square, std::plus<>{}, 0.0);
/// }
/// static_assert(pardo::Executor<pardo::ThreadPool>);
/// static_assert(pardo::RemoteExecutor<pardo::ProcessPool> &&
/// !pardo::Executor<pardo::ProcessPool>);
/// @endcode

#include <concepts>
#include <cstddef>
#include <functional>
#include <ranges>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/future.hpp"
#include "pardo/core/options.hpp"
#include "pardo/core/shared.hpp"

namespace pardo {

/// Inputs the map family accepts: sized random-access ranges (vectors, arrays, spans, iota).
/// `imap` and `imap_unordered` also take any other input range, read as a stream.
/// @code
/// static_assert(pardo::InputRange<std::vector<int>>);
/// static_assert(pardo::InputRange<decltype(std::views::iota(0, 10))>);
/// static_assert(!pardo::InputRange<std::list<int>>);
/// @endcode
template <class R>
concept InputRange = std::ranges::random_access_range<R> && std::ranges::sized_range<R>;

/// The result type of `f` applied to an element of `Inputs`.
/// @code
/// static_assert(std::is_same_v<pardo::MapResult<int (*)(int), std::vector<int>>, int>);
/// @endcode
template <class F, class Inputs>
using MapResult = std::invoke_result_t<F&, std::ranges::range_reference_t<Inputs>>;

namespace detail::archetype {

// Stand-ins for the callables a user passes, declared and never defined: the concepts only
// ask whether calls with them compile and what they return.
int unary(int);
int binary(int, int);
void body(int);
std::size_t per_worker(std::size_t);

struct Unary {
  int operator()(int) const;
};
struct Binary {
  int operator()(int, int) const;
};
struct Body {
  void operator()(int) const;
};
struct PerWorker {
  std::size_t operator()(std::size_t) const;
};

/// Whether `R` is an input range of `V`.
template <class R, class V>
concept RangeOf = std::ranges::input_range<R> && std::same_as<std::ranges::range_value_t<R>, V>;

/// The contract's members, for callables of types U (unary), B (binary), L (loop body) and
/// W (per worker).
template <class E, class U, class B, class L, class W>
concept RunsCallables = requires(E& e, const E& ce, U u, B b, L l, W w, const std::vector<int>& xs,
                                 const std::vector<std::tuple<int, int>>& pairs, MapOptions o) {
  { e.submit(u, 1) } -> std::same_as<Future<int>>;
  { e.map(u, xs) } -> std::same_as<std::vector<int>>;
  { e.map(u, xs, o) } -> std::same_as<std::vector<int>>;
  { e.map_async(u, xs, o) } -> std::same_as<Future<std::vector<int>>>;
  { e.imap(u, xs, o) } -> RangeOf<int>;
  { e.imap_unordered(u, xs, o) } -> RangeOf<std::pair<std::size_t, int>>;
  { e.starmap(b, pairs, o) } -> std::same_as<std::vector<int>>;
  e.parallel_for(0, 10, l, o);
  { e.map_reduce(xs, u, std::plus<>{}, 0, o) } -> std::same_as<int>;
  { e.on_each_worker(w) } -> std::same_as<std::vector<std::size_t>>;
  { e.on_worker(0, u, 1) } -> std::same_as<Future<int>>;
  { e.broadcast(xs) } -> std::same_as<Shared<std::vector<int>>>;
  e.push("x", 1);
  e.push(0, "x", 1);
  { e.template pull<int>("x") } -> std::same_as<std::vector<int>>;
  { e.template pull<int>(0, "x") } -> std::same_as<int>;
  e.scatter("x", xs);
  { e.template gather<int>("x") } -> std::same_as<std::vector<int>>;
  { ce.size() } -> std::convertible_to<std::size_t>;
  { ce.backend() } -> std::convertible_to<std::string_view>;
  e.shutdown();
};

}  // namespace detail::archetype

/// An executor that runs registered functions (`PARDO_REMOTE(fn)`, passed as `fn`) with the
/// whole contract. Every pardo executor models it; worker processes and MPI ranks model only
/// this one.
/// @code
/// template <pardo::RemoteExecutor E>
/// std::vector<double> squares(E& executor, const std::vector<double>& xs) {
///   return executor.map(square, xs);  // square registered with PARDO_REMOTE
/// }
/// @endcode
template <class E>
concept RemoteExecutor = detail::archetype::RunsCallables<
    E, decltype(&detail::archetype::unary), decltype(&detail::archetype::binary),
    decltype(&detail::archetype::body), decltype(&detail::archetype::per_worker)>;

/// An executor that runs any callable (lambdas, function objects) with the whole contract:
/// the in-process executors. Refines RemoteExecutor.
/// @code
/// template <pardo::Executor E>
/// auto scaled(E& executor, const std::vector<double>& xs, double a) {
///   return executor.map([a](double x) { return a * x; }, xs);
/// }
/// @endcode
template <class E>
concept Executor = RemoteExecutor<E> && requires(E& e, detail::archetype::Unary u) {
  // Checked first: a remote pool answers it with a type that is not a Future, so the
  // members below, whose misuse would be a hard error there, are never looked at.
  { e.submit(u, 1) } -> std::same_as<Future<int>>;
} && detail::archetype::RunsCallables<E, detail::archetype::Unary, detail::archetype::Binary,
                                      detail::archetype::Body, detail::archetype::PerWorker>;

}  // namespace pardo

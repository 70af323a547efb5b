#pragma once
// The map family, written once over an executor's submit and loop primitives.

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/chunks.hpp"
#include "pardo/core/detail/imap_feed.hpp"
#include "pardo/core/detail/job.hpp"
#include "pardo/core/future.hpp"
#include "pardo/core/imap.hpp"
#include "pardo/core/options.hpp"
#include "pardo/executor.hpp"

namespace pardo {

namespace detail {

/// Output slots written by many workers at distinct indices.
template <class R>
class ResultBuffer {
  static constexpr bool direct = std::default_initializable<R> && !std::same_as<R, bool>;

 public:
  explicit ResultBuffer(std::size_t n) : slots_(n) {}
  template <class V>
  void set(std::size_t i, V&& value) {
    slots_[i] = std::forward<V>(value);
  }
  std::vector<R> take() && {
    if constexpr (direct) {
      return std::move(slots_);
    } else {
      std::vector<R> out;
      out.reserve(slots_.size());
      for (auto& slot : slots_) out.push_back(std::move(*slot));
      return out;
    }
  }

 private:
  std::vector<std::conditional_t<direct, R, std::optional<R>>> slots_;
};

/// Throws std::invalid_argument naming both bounds if `first > last`.
template <std::integral I>
void check_loop_bounds(I first, I last) {
  if (first > last) {
    throw std::invalid_argument("parallel_for: first (" + std::to_string(first) + ") > last (" +
                                std::to_string(last) + ")");
  }
}

/// Inputs per leaf of map_reduce's combine tree: a function of the input size alone, so
/// the tree, and with it the floating-point result, never depends on how work was dealt.
inline std::size_t leaf_size(std::size_t n) { return std::clamp<std::size_t>(n / 1024, 1, 1024); }

/// Folds leaf `l` of map_reduce's tree over n inputs: `value(i)` for the leaf's inputs, as
/// four contiguous quarters side by side (four independent dependency chains keep the core
/// busy), combined as (q0 q1)(q2 q3).
template <class V, class Value, class Combine>
V fold_leaf(std::size_t l, std::size_t n, const V& init, Value&& value, Combine& combine) {
  const std::size_t leaf = leaf_size(n);
  const std::size_t lo = l * leaf;
  const std::size_t len = std::min(n, lo + leaf) - lo;
  const std::size_t q = len / 4;
  const auto fold = [&](V& acc, std::size_t i) { acc = combine(std::move(acc), value(i)); };
  V a0 = init, a1 = init, a2 = init, a3 = init;
  for (std::size_t k = 0; k < q; ++k) {
    fold(a0, lo + k);
    fold(a1, lo + q + k);
    fold(a2, lo + 2 * q + k);
    fold(a3, lo + 3 * q + k);
  }
  for (std::size_t i = lo + 4 * q; i < lo + len; ++i) fold(a3, i);
  return combine(combine(std::move(a0), std::move(a1)), combine(std::move(a2), std::move(a3)));
}

/// Combines the leaves' partial results pairwise by index in a balanced tree.
template <class V, class Combine>
V combine_leaves(std::vector<std::optional<V>>& partial, Combine& combine) {
  for (std::size_t count = partial.size(); count > 1; count = ceil_div(count, 2)) {
    for (std::size_t i = 0; i + 1 < count; i += 2) {
      partial[i / 2].emplace(combine(std::move(*partial[i]), std::move(*partial[i + 1])));
    }
    if (count % 2 == 1) partial[count / 2] = std::move(partial[count - 1]);
  }
  return std::move(*partial[0]);
}

/// Implements the map family for an executor `E` that provides worker_count(),
/// check_accepting(caller), loop_indices(n, options, f) and spawn(worker_hint, f) -> Future.
template <class E>
class Algorithms {
 public:
  /// `f(x)` for every input, in input order. Rethrows the first error by input order;
  /// chunks after a failed input that had not started do not run.
  /// @code
  /// std::vector<int> squares = pool.map([](int x) { return x * x; }, std::vector{1, 2, 3});
  /// @endcode
  template <class F, InputRange Inputs>
  auto map(F&& f, Inputs&& inputs, MapOptions options = {}) -> std::vector<MapResult<F, Inputs>> {
    using R = MapResult<F, Inputs>;
    static_assert(!std::is_void_v<R>, "map: f returns void; use parallel_for");
    validate(options, "map");
    const std::size_t n = std::ranges::size(inputs);
    if (n == 0) return {};
    auto first = std::ranges::begin(inputs);
    ResultBuffer<R> out(n);
    auto body = [&](std::size_t i) {
      out.set(i, std::invoke(f, first[static_cast<std::ranges::range_difference_t<Inputs>>(i)]));
      advance_progress(options.progress);
    };
    self().loop_indices(n, options, body);
    return std::move(out).take();
  }

  /// `map` in the background: a future of the whole result vector. The callable and the
  /// inputs are copied (or moved) into the task.
  /// @code
  /// pardo::Future<std::vector<int>> all = pool.map_async(f, std::move(xs));
  /// @endcode
  template <class F, InputRange Inputs>
  auto map_async(F&& f, Inputs&& inputs, MapOptions options = {})
      -> Future<std::vector<MapResult<F, Inputs>>> {
    validate(options, "map_async");
    return self().submit([this, f = std::forward<F>(f), inputs = std::forward<Inputs>(inputs),
                          options]() mutable { return this->map(f, inputs, options); });
  }

  /// A lazy range of `f(x)` in input order. The inputs are kept (copied, or moved if passed
  /// as an rvalue) and read a chunk at a time as the range is consumed: any input range works,
  /// an unbounded generator included, and at most `options.max_in_flight` chunks (default four
  /// per worker) are submitted ahead of the consumer (`ImapRange`).
  /// @code
  /// for (double y : pool.imap(f, xs, {.chunksize = 16})) std::cout << y << '\n';
  /// for (double y : pool.imap(f, std::views::iota(0))) if (y > 1) break;  // endless input
  /// @endcode
  template <class F, std::ranges::input_range Inputs>
  auto imap(F&& f, Inputs&& inputs, MapOptions options = {}) {
    validate(options, "imap");
    self().check_accepting("imap");
    auto fn = std::make_shared<std::decay_t<F>>(std::forward<F>(f));
    const std::size_t workers = self().worker_count();
    return with_source(
        std::forward<Inputs>(inputs), workers, options, "imap", [&]<class Source>(Source source) {
          using Compute = ChunkCompute<std::decay_t<F>, typename Source::items_type>;
          using R = typename Compute::value_type;
          static_assert(!std::is_void_v<R>, "imap: f returns void; use parallel_for");
          auto launch = [this, fn, progress = options.progress](auto&& chunk) {
            try {
              self().check_accepting("imap");
              return self().spawn(chunk.worker, Compute{fn, std::move(chunk.items),
                                                        std::move(chunk.error_after), progress});
            } catch (...) {
              Promise<ChunkResult<R>> failed;
              failed.set_value(ChunkResult<R>{{}, std::current_exception()});
              return failed.get_future();
            }
          };
          return ImapRange<R>(make_feed(std::move(source), std::move(launch)),
                              imap_window(options, workers));
        });
  }

  /// A lazy range of `(index, f(x))` pairs in completion order; it reads its inputs as `imap`
  /// does, at most `options.max_in_flight` chunks ahead of the consumer.
  /// @code
  /// for (const auto& [i, y] : pool.imap_unordered(f, xs)) out[i] = y;
  /// @endcode
  template <class F, std::ranges::input_range Inputs>
  auto imap_unordered(F&& f, Inputs&& inputs, MapOptions options = {}) {
    validate(options, "imap_unordered");
    self().check_accepting("imap_unordered");
    auto fn = std::make_shared<std::decay_t<F>>(std::forward<F>(f));
    const std::size_t workers = self().worker_count();
    return with_source(
        std::forward<Inputs>(inputs), workers, options, "imap_unordered",
        [&]<class Source>(Source source) {
          using Compute = ChunkCompute<std::decay_t<F>, typename Source::items_type>;
          using R = typename Compute::value_type;
          static_assert(!std::is_void_v<R>, "imap_unordered: f returns void; use parallel_for");
          auto channel = std::make_shared<UnorderedChannel<R>>();
          auto launch = [this, fn, channel, progress = options.progress](auto&& chunk) {
            const std::size_t begin = chunk.begin;
            channel->expect();
            try {
              self().check_accepting("imap_unordered");
              auto done = self().spawn(
                  chunk.worker,
                  [channel, begin,
                   compute = Compute{fn, std::move(chunk.items), std::move(chunk.error_after),
                                     progress}]() mutable { channel->deliver(begin, compute()); });
              done.add_done_callback([channel, begin](const Future<void>& settled) {
                if (settled.cancelled()) channel->deliver_cancelled(begin);
              });
              return done;
            } catch (...) {
              channel->deliver(begin, ChunkResult<R>{{}, std::current_exception()});
              Promise<void> failed;
              failed.set_value();
              return failed.get_future();
            }
          };
          return ImapUnorderedRange<R>(channel, make_feed(std::move(source), std::move(launch)),
                                       imap_window(options, workers));
        });
  }

  /// `f(a, b, ...)` for every tuple `(a, b, ...)` of the inputs, in input order.
  /// @code
  /// auto sums = pool.starmap([](int a, int b) { return a + b; },
  ///                          std::vector<std::pair<int, int>>{{1, 2}, {3, 4}});
  /// @endcode
  template <class F, InputRange Tuples>
  auto starmap(F&& f, Tuples&& tuples, MapOptions options = {}) {
    return map([&f](const auto& args) { return std::apply(f, args); }, std::forward<Tuples>(tuples),
               options);
  }

  /// `f(i)` for each i in [first, last). Rethrows the first error by index.
  /// @code
  /// pool.parallel_for(0, n, [&](int i) { y[i] = a * x[i] + y[i]; });
  /// @endcode
  template <std::integral I, class F>
  requires std::invocable<F&, I>
  void parallel_for(I first, I last, F&& f, MapOptions options = {}) {
    check_loop_bounds(first, last);
    validate(options, "parallel_for");
    using U = std::make_unsigned_t<I>;
    // Subtract in the unsigned type itself: narrow types would otherwise promote to int.
    const auto n =
        static_cast<std::size_t>(static_cast<U>(static_cast<U>(last) - static_cast<U>(first)));
    auto body = [&](std::size_t i) {
      f(static_cast<I>(static_cast<U>(first) + static_cast<U>(i)));
    };
    self().loop_indices(n, options, body);
  }

  /// Folds `map_fn(x)` over the inputs with `combine`. Bit-identical for any worker count,
  /// schedule and chunksize: the combine tree depends on the input size alone. Inputs form
  /// leaves of consecutive inputs; each leaf is folded as four contiguous quarters from
  /// `identity`, combined as (q0 q1)(q2 q3), and leaves combine pairwise by index in a
  /// balanced tree. Input order is kept, so `combine` need not be commutative, but it should
  /// be associative with `identity` as its neutral element.
  /// @code
  /// double total = pool.map_reduce(xs, [](double x) { return x * x; }, std::plus<>{}, 0.0);
  /// @endcode
  template <InputRange Inputs, class MapFn, class Combine, class T>
  std::decay_t<T> map_reduce(Inputs&& inputs, MapFn&& map_fn, Combine&& combine, T&& identity,
                             MapOptions options = {}) {
    using V = std::decay_t<T>;
    validate(options, "map_reduce");
    const std::size_t n = std::ranges::size(inputs);
    if (n == 0) return V(std::forward<T>(identity));
    const std::size_t leaves = ceil_div(n, leaf_size(n));
    auto first = std::ranges::begin(inputs);
    const V& init = identity;
    std::vector<std::optional<V>> partial(leaves);
    const auto value = [&](std::size_t i) {
      return map_fn(first[static_cast<std::ranges::range_difference_t<Inputs>>(i)]);
    };
    auto body = [&](std::size_t l) { partial[l].emplace(fold_leaf(l, n, init, value, combine)); };
    MapOptions leaf_options = options;
    if (options.chunksize != 0) leaf_options.chunksize = ceil_div(options.chunksize, leaf_size(n));
    self().loop_indices(leaves, leaf_options, body);
    return combine_leaves(partial, combine);
  }

 protected:
  Algorithms() = default;

 private:
  E& self() { return static_cast<E&>(*this); }
};

}  // namespace detail
}  // namespace pardo

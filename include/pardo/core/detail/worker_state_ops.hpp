#pragma once
// push, pull, scatter and gather over an executor's two primitives: `put_state(w, name, value)`
// and `get_state<T>(w, name)`, each a future of its call pinned to worker w; the in-process
// executors' primitives.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <iterator>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

#include "pardo/core/future.hpp"
#include "pardo/core/worker_state.hpp"

namespace pardo::detail {

/// Waits for every future, then rethrows the first error by worker index.
template <class T>
std::vector<T> take_all(std::vector<Future<T>>& futures) {
  for (auto& f : futures) f.wait();
  std::vector<T> values;
  values.reserve(futures.size());
  for (auto& f : futures) values.push_back(f.get());
  return values;
}

inline void take_all(std::vector<Future<void>>& futures) {
  for (auto& f : futures) f.wait();
  for (auto& f : futures) f.get();
}

/// The per-worker named values of an executor (CRTP over `Derived`).
template <class Derived>
class WorkerStateOps {
 public:
  /// Places a copy of `value` under `name` on every worker, replacing what was there; returns
  /// when each holds it. Tasks read it with pardo::worker_value<T>(name).
  /// @code
  /// pool.push("threshold", 0.5);
  /// @endcode
  template <class T>
  void push(std::string_view name, const T& value) {
    std::vector<Future<void>> done;
    for (std::size_t w = 0; w < self().size(); ++w) {
      done.push_back(self().put_state(w, name, value));
    }
    take_all(done);
  }

  /// Places `value` under `name` on worker `worker` alone. Throws std::out_of_range for a
  /// worker at or past `size()`.
  /// @code
  /// pool.push(0, "role", std::string("leader"));
  /// @endcode
  template <class T>
  void push(std::size_t worker, std::string_view name, const T& value) {
    self().put_state(worker, name, value).get();
  }

  /// The value named `name` on every worker, by worker index. Throws what
  /// pardo::worker_value throws on the first worker that lacks it (std::out_of_range, or
  /// std::invalid_argument for another type; RemoteError carrying them from a worker pool).
  /// @code
  /// std::vector<double> totals = pool.pull<double>("total");
  /// @endcode
  template <class T>
  std::vector<T> pull(std::string_view name) {
    std::vector<Future<T>> values;
    for (std::size_t w = 0; w < self().size(); ++w) {
      values.push_back(self().template get_state<T>(w, name));
    }
    return take_all(values);
  }

  /// The value named `name` on worker `worker`.
  /// @code
  /// double total0 = pool.pull<double>(0, "total");
  /// @endcode
  template <class T>
  T pull(std::size_t worker, std::string_view name) {
    return self().template get_state<T>(worker, name).get();
  }

  /// Splits `values` into `size()` contiguous parts, in order, and places part w under
  /// `name` on worker w as a std::vector; the part sizes differ by at most one, the larger
  /// first (numpy.array_split, IPython's `scatter`).
  /// @code
  /// pool.scatter("rows", std::vector<int>{1, 2, 3, 4, 5});  // 2 workers: {1, 2, 3} and {4, 5}
  /// @endcode
  template <std::ranges::input_range R>
  void scatter(std::string_view name, R&& values) {
    using E = std::ranges::range_value_t<R>;
    std::vector<E> all;
    std::ranges::copy(values, std::back_inserter(all));
    const std::size_t parts = self().size();
    std::vector<Future<void>> done;
    std::size_t first = 0;
    for (std::size_t w = 0; w < parts; ++w) {
      const std::size_t count = all.size() / parts + (w < all.size() % parts ? 1 : 0);
      const auto begin = all.begin() + static_cast<std::ptrdiff_t>(first);
      done.push_back(self().put_state(
          w, name, std::vector<E>(begin, begin + static_cast<std::ptrdiff_t>(count))));
      first += count;
    }
    take_all(done);
  }

  /// The vectors named `name` on every worker, joined in worker order: what `scatter` split,
  /// as the tasks left it. Throws as `pull` does.
  /// @code
  /// std::vector<int> rows = pool.gather<int>("rows");
  /// @endcode
  template <class E>
  std::vector<E> gather(std::string_view name) {
    std::vector<E> all;
    for (auto& part : pull<std::vector<E>>(name)) {
      all.insert(all.end(), std::make_move_iterator(part.begin()),
                 std::make_move_iterator(part.end()));
    }
    return all;
  }

 protected:
  WorkerStateOps() = default;
  ~WorkerStateOps() = default;

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

/// WorkerStateOps for the in-process executors (threads, serial): each primitive a call
/// pinned to the worker that sets or reads its own table.
template <class Derived>
class InProcessStateOps : public WorkerStateOps<Derived> {
 protected:
  friend class WorkerStateOps<Derived>;

  InProcessStateOps() = default;
  ~InProcessStateOps() = default;

  template <class T>
  Future<void> put_state(std::size_t worker, std::string_view name, const T& value) {
    return static_cast<Derived&>(*this).on_worker(
        worker, [name = std::string(name), value] { set_worker_value(name, value); });
  }
  template <class T>
  Future<T> get_state(std::size_t worker, std::string_view name) {
    return static_cast<Derived&>(*this).on_worker(
        worker, [name = std::string(name)] { return worker_value<T>(name); });
  }
};

}  // namespace pardo::detail

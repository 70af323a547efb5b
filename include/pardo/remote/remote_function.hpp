#pragma once
/// @file
/// Handles to functions that a workload calls inside worker processes: a statistic, an
/// integrand, a log-density. The handle travels as the function's registered id and turns
/// back into a direct call on the other side, so the function's own parameters (a
/// `std::span`, say) never need to travel.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>

#include "pardo/remote/detail/registry.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/remote/wire.hpp"

/// Makes the free function `fn` nameable in worker processes through a
/// `pardo::RemoteFunction`, for the statistics toolkit's workloads (and your own) to call
/// there. Unlike PARDO_REMOTE its parameters need not be serializable: only the handle
/// travels. Write it at namespace scope, once per function.
/// @code
/// double trimmed_mean(std::span<const double> x);
/// PARDO_REMOTE_FUNCTION(trimmed_mean);
/// @endcode
#define PARDO_REMOTE_FUNCTION(fn) PARDO_REMOTE_FUNCTION_AS(fn, #fn)

/// `PARDO_REMOTE_FUNCTION` under an explicit name, as PARDO_REMOTE_AS is to PARDO_REMOTE.
/// @code
/// namespace a { double stat(std::span<const double> x) { return x[0]; } }
/// PARDO_REMOTE_FUNCTION_AS(a::stat, "a::stat");
/// @endcode
#define PARDO_REMOTE_FUNCTION_AS(fn, name)                                                        \
  [[maybe_unused]] static const bool PARDO_DETAIL_CONCAT(pardo_remote_registered_, __COUNTER__) = \
      ::pardo::detail::register_remote_address<&fn>(name, __FILE__)

namespace pardo {

namespace detail {

/// Registers `F` for RemoteFunction handles only: pools cannot submit it directly.
template <auto F>
bool register_remote_address(std::string_view name, std::string_view file) noexcept {
  using Fn = decltype(F);
  static_assert(std::is_pointer_v<Fn> && std::is_function_v<std::remove_pointer_t<Fn>>,
                "PARDO_REMOTE_FUNCTION: the argument must name a free function");
  return register_remote(name, file, typeid(Fn), reinterpret_cast<AnyFunction>(F), nullptr);
}

}  // namespace detail

template <class Signature>
class RemoteFunction;

/// A registered free function of type `R(A...)` that can be called here and, once it has
/// travelled to a worker process or MPI rank as part of a task, there. Built from a
/// function registered with PARDO_REMOTE_FUNCTION or PARDO_REMOTE; otherwise the
/// constructor throws std::invalid_argument naming the function. Calling a
/// default-constructed handle throws std::logic_error.
/// @code
/// double spread(std::span<const double> x) { return x.back() - x.front(); }
/// PARDO_REMOTE_FUNCTION(spread);
/// pardo::RemoteFunction<double(std::span<const double>)> stat(spread);
/// pardo::ProcessPool pool(4);
/// auto r = pardo::stats::bootstrap(pool, data, stat, {.seed = 1});
/// @endcode
template <class R, class... A>
class RemoteFunction<R(A...)> {
 public:
  using pointer = R (*)(A...);

  /// An empty handle: what decoding starts from.
  /// @code
  /// pardo::RemoteFunction<double(double)> empty;
  /// assert(!empty);
  /// @endcode
  RemoteFunction() = default;

  // Copies are user-provided so that the handle is not trivially copyable: the wire would
  // otherwise copy the address, which means nothing in another process.
  RemoteFunction(const RemoteFunction& other) noexcept : fn_(other.fn_), id_(other.id_) {}
  RemoteFunction& operator=(const RemoteFunction& other) noexcept {
    fn_ = other.fn_;
    id_ = other.id_;
    return *this;
  }

  /// The handle of `fn`, which must be registered.
  /// @code
  /// pardo::RemoteFunction<double(std::span<const double>)> stat(pardo::stats::mean);
  /// @endcode
  RemoteFunction(pointer fn)  // NOLINT(google-explicit-constructor): a function converts
      : fn_(fn),
        id_(fn == nullptr ? throw std::invalid_argument("RemoteFunction: a null function pointer")
                          : detail::remote_id(reinterpret_cast<detail::AnyFunction>(fn),
                                              typeid(pointer), "RemoteFunction")) {}

  /// Calls the function.
  /// @code
  /// double m = stat(std::span<const double>(x));
  /// @endcode
  R operator()(A... args) const {
    if (fn_ == nullptr) throw std::logic_error("RemoteFunction: calling an empty handle");
    return fn_(std::forward<A>(args)...);
  }

  /// Whether the handle names a function.
  /// @code
  /// if (stat) use(stat);
  /// @endcode
  explicit operator bool() const noexcept { return fn_ != nullptr; }

  /// The function, in this process.
  /// @code
  /// assert(stat.get() == &pardo::stats::mean);
  /// @endcode
  pointer get() const noexcept { return fn_; }

  /// The function's registered name.
  /// @code
  /// std::string_view name = stat.name();  // "mean"
  /// @endcode
  std::string_view name() const noexcept { return detail::remote_name(id_); }

  /// The wire id (0 for an empty handle).
  /// @code
  /// std::uint64_t id = stat.id();
  /// @endcode
  std::uint64_t id() const noexcept { return id_; }

  /// cereal's save: the id alone (it travels inside task structs).
  /// @code
  /// pardo::wire::encode(out, stat);
  /// @endcode
  template <class Archive>
  void save(Archive& archive) const {
    archive(id_);
  }

  /// cereal's load: the function of the id read, as `from_id` finds it.
  /// @code
  /// auto stat = pardo::wire::decode<pardo::RemoteFunction<double(double)>>(in);
  /// @endcode
  template <class Archive>
  void load(Archive& archive) {
    std::uint64_t id = 0;
    archive(id);
    *this = from_id(id);
  }

  /// The handle of wire id `id`, as decoding finds it; throws SerializationError for an
  /// id this program does not know or whose function has another signature.
  /// @code
  /// auto same = pardo::RemoteFunction<double(std::span<const double>)>::from_id(stat.id());
  /// @endcode
  static RemoteFunction from_id(std::uint64_t id) {
    RemoteFunction f;
    if (id == 0) return f;
    const auto entry = detail::find_remote(id);
    if (!entry) {
      throw SerializationError("RemoteFunction: unknown remote function id " + std::to_string(id));
    }
    if (*entry->signature != typeid(pointer)) {
      throw SerializationError("RemoteFunction: the remote function '" + std::string(entry->name) +
                               "' has another signature");
    }
    f.fn_ = reinterpret_cast<pointer>(entry->address);
    f.id_ = id;
    return f;
  }

 private:
  pointer fn_ = nullptr;
  std::uint64_t id_ = 0;
};

}  // namespace pardo

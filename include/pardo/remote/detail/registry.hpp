#pragma once
// The table of functions that worker processes may run, and the code that runs them.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "pardo/remote/wire.hpp"

namespace pardo::detail {

/// Any function pointer, as the registry's key.
using AnyFunction = void (*)();

/// Why a remote call did not return a value, as it travels back to the parent.
struct FailureReport {
  enum class Kind : std::uint8_t {
    exception,          ///< the function threw
    bad_arguments,      ///< the arguments could not be decoded
    unencodable_result  ///< the result could not be encoded
  };
  Kind kind = Kind::exception;
  std::string type;     ///< the exception's demangled type
  std::string message;  ///< its what()
};

/// Fills `report` from the exception being handled (call inside a catch block).
void describe_current_exception(FailureReport& report, FailureReport::Kind kind) noexcept;

/// Runs `count` calls whose encoded arguments follow in `args`, appending each result to
/// `results`. Returns how many succeeded; the call after them failed, as `failure` says.
using RemoteInvoker = std::uint32_t (*)(wire::Reader& args, std::uint32_t count,
                                        wire::Writer& results, FailureReport& failure);

/// Adds a function to the table (at static initialisation). The key is `name`, the file
/// that registers it and the signature; two functions with one key make that key unusable,
/// with a clear error. `invoker` is null for functions that only a RemoteFunction handle
/// calls (their parameters need not travel).
bool register_remote(std::string_view name, std::string_view file, const std::type_info& signature,
                     AnyFunction address, RemoteInvoker invoker) noexcept;

/// The wire id of a registered function; throws std::invalid_argument naming the function
/// (by signature and address) if it was never registered or its key is ambiguous.
std::uint64_t remote_id(AnyFunction address, const std::type_info& signature, const char* caller);

/// What the table knows of a wire id; `find_remote` gives nullopt for an unknown id.
struct RemoteEntry {
  std::string_view name;
  RemoteInvoker invoke;  ///< null for functions registered with PARDO_REMOTE_FUNCTION
  AnyFunction address;
  const std::type_info* signature;
};
std::optional<RemoteEntry> find_remote(std::uint64_t id) noexcept;

/// The registered name of a wire id ("?" if unknown), for messages.
std::string_view remote_name(std::uint64_t id) noexcept;

/// A hash of the whole table: parent and workers must agree on it.
std::uint64_t registry_fingerprint() noexcept;

template <class F>
struct RemoteSignature;
template <class R, class... P>
struct RemoteSignature<R (*)(P...)> {
  using result = R;
  using params = std::tuple<P...>;
};
template <class R, class... P>
struct RemoteSignature<R (*)(P...) noexcept> : RemoteSignature<R (*)(P...)> {};

/// The decayed argument types a function receives over the wire.
template <class... P>
using WireArgs = std::tuple<std::remove_cvref_t<P>...>;

/// Decodes one call's arguments, each parameter encoded on its own, in order.
template <class... P>
WireArgs<P...> decode_args(wire::Reader& in) {
  // Braced initialisation evaluates left to right, matching the encoding order.
  return WireArgs<P...>{wire::decode<std::remove_cvref_t<P>>(in)...};
}

/// Encodes one argument as parameter type `P` expects it, converting first if needed.
template <class P, class A>
void encode_arg(wire::Writer& out, const A& arg) {
  using V = std::remove_cvref_t<P>;
  if constexpr (std::is_same_v<std::remove_cvref_t<A>, V>) {
    wire::encode(out, arg);
  } else {
    static_assert(std::is_convertible_v<const A&, V>,
                  "pardo: an argument does not convert to the remote function's parameter type");
    wire::encode(out, static_cast<V>(arg));
  }
}

template <auto F>
std::uint32_t invoke_remote(wire::Reader& args, std::uint32_t count, wire::Writer& results,
                            FailureReport& failure) {
  using Sig = RemoteSignature<decltype(F)>;
  using R = typename Sig::result;
  return [&]<class... P>(std::type_identity<std::tuple<P...>>) -> std::uint32_t {
    for (std::uint32_t k = 0; k < count; ++k) {
      std::optional<WireArgs<P...>> a;
      try {
        a.emplace(decode_args<P...>(args));
      } catch (...) {
        describe_current_exception(failure, FailureReport::Kind::bad_arguments);
        return k;
      }
      const auto call = [&]<std::size_t... I>(std::index_sequence<I...>)->decltype(auto) {
        return F(static_cast<P&&>(std::get<I>(*a))...);
      };
      if constexpr (std::is_void_v<R>) {
        try {
          call(std::index_sequence_for<P...>{});
        } catch (...) {
          describe_current_exception(failure, FailureReport::Kind::exception);
          return k;
        }
      } else {
        std::optional<std::remove_cvref_t<R>> value;
        try {
          value.emplace(call(std::index_sequence_for<P...>{}));
        } catch (...) {
          describe_current_exception(failure, FailureReport::Kind::exception);
          return k;
        }
        const std::size_t mark = results.buffer().size();
        try {
          wire::encode(results, *value);
        } catch (...) {
          results.buffer().resize(mark);
          describe_current_exception(failure, FailureReport::Kind::unencodable_result);
          return k;
        }
      }
    }
    return count;
  }(std::type_identity<typename Sig::params>{});
}

/// Registers `F` under `name`; the value PARDO_REMOTE stores.
template <auto F>
bool register_remote_function(std::string_view name, std::string_view file) noexcept {
  using Fn = decltype(F);
  static_assert(std::is_pointer_v<Fn> && std::is_function_v<std::remove_pointer_t<Fn>>,
                "PARDO_REMOTE: the argument must name a free function");
  using Sig = RemoteSignature<Fn>;
  using R = typename Sig::result;
  static_assert(std::is_void_v<R> || Serializable<std::remove_cvref_t<R>>,
                "PARDO_REMOTE: the function's result type cannot travel between processes "
                "(make it trivially copyable or give it a cereal serialize(); see pardo/wire.hpp)");
  static_assert(!std::is_reference_v<R>,
                "PARDO_REMOTE: a remote function must return by value, not by reference");
  [&]<class... P>(std::type_identity<std::tuple<P...>>) {
    static_assert((Serializable<std::remove_cvref_t<P>> && ...),
                  "PARDO_REMOTE: a parameter type cannot travel between processes (make it "
                  "trivially copyable or give it a cereal serialize(); see pardo/wire.hpp)");
  }(std::type_identity<typename Sig::params>{});
  return register_remote(name, file, typeid(Fn), reinterpret_cast<AnyFunction>(F),
                         &invoke_remote<F>);
}

}  // namespace pardo::detail

#pragma once
// The codecs behind pardo::wire::encode and decode: one Codec<T> per kind of type. Codecs
// recurse through Codec<T>, never through wire::encode, so this file needs only the buffers.

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "pardo/core/errors.hpp"
#include "pardo/remote/detail/cereal_archive.hpp"
#include "pardo/remote/wire_io.hpp"

namespace pardo {
namespace detail {

template <class T>
struct Codec;

template <class T>
struct IsView : std::false_type {};
template <class C, class Traits>
struct IsView<std::basic_string_view<C, Traits>> : std::true_type {};
template <class E, std::size_t N>
struct IsView<std::span<E, N>> : std::true_type {};
template <class E>
struct IsView<std::reference_wrapper<E>> : std::true_type {};

/// How a type not covered by a Codec specialization travels.
enum class Route : std::uint8_t { none, boolean, bitwise, cereal };

template <class T>
consteval Route route_of() {
  if constexpr (std::is_same_v<T, bool>) {
    return Route::boolean;
  } else if constexpr (!std::is_object_v<T> || std::is_array_v<T> || std::is_const_v<T> ||
                       std::is_volatile_v<T> || std::is_pointer_v<T> ||
                       std::is_member_pointer_v<T> || std::is_null_pointer_v<T> ||
                       IsView<T>::value || !std::default_initializable<T> ||
                       !std::move_constructible<T>) {
    return Route::none;
  } else if constexpr (std::is_trivially_copyable_v<T>) {
    return Route::bitwise;
  } else if constexpr (std::is_class_v<T> &&
                       cereal::traits::is_output_serializable<T, CerealOutput>::value &&
                       cereal::traits::is_input_serializable<T, CerealInput>::value) {
    return Route::cereal;
  } else {
    return Route::none;
  }
}

[[noreturn]] inline void throw_count_error(const char* what, std::uint64_t count, const char* unit,
                                           std::size_t min_size, std::size_t left) {
  std::string message =
      std::string(what) + " of " + std::to_string(count) + " " + unit + " needs at least ";
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(count, std::uint64_t{min_size}, &bytes)) {
    message += "2^64 bytes";
  } else {
    message += std::to_string(bytes) + " bytes";
  }
  throw SerializationError(message + ", " + std::to_string(left) + " left");
}

/// Reads a u64 count and checks, before anything is allocated, that `count` values of at
/// least `min_size` bytes each fit in what is left.
inline std::size_t read_count(wire::Reader& in, const char* what, const char* unit,
                              std::size_t min_size) {
  std::uint64_t count = 0;
  in.read(&count, sizeof count);
  if (count > in.remaining() / min_size) {
    throw_count_error(what, count, unit, min_size, in.remaining());
  }
  return static_cast<std::size_t>(count);
}

inline void write_count(wire::Writer& out, std::size_t count) {
  const std::uint64_t n = count;
  out.write(&n, sizeof n);
}

inline bool read_flag(wire::Reader& in, const char* what) {
  unsigned char byte = 0;
  in.read(&byte, 1);
  if (byte > 1) {
    throw SerializationError(std::string(what) + " byte " + std::to_string(byte) +
                             " (expected 0 or 1)");
  }
  return byte == 1;
}

inline void write_flag(wire::Writer& out, bool flag) {
  const unsigned char byte = flag ? 1 : 0;
  out.write(&byte, 1);
}

/// Scalars, your own trivially copyable types and cereal-serializable classes.
template <class T>
struct Codec {
  static constexpr Route route = route_of<T>();
  static constexpr bool supported = route != Route::none;
  static constexpr bool bitwise = route == Route::bitwise;
  static constexpr std::size_t min_size = bitwise ? sizeof(T) : 1;

  static void encode(wire::Writer& out, const T& value) {
    if constexpr (route == Route::boolean) {
      write_flag(out, value);
    } else if constexpr (route == Route::bitwise) {
      out.write(std::addressof(value), sizeof(T));
    } else {
      const std::size_t before = out.buffer().size();
      try {
        CerealOutput archive(out);
        archive(value);
      } catch (const cereal::Exception& e) {
        throw SerializationError(std::string("cannot encode a value with cereal: ") + e.what());
      }
      // Containers bound their counts by one byte per element, so no value may be empty.
      if (out.buffer().size() == before) {
        throw SerializationError(
            "a cereal serialize() wrote no bytes: pardo needs at least one byte per value");
      }
    }
  }

  static void decode(wire::Reader& in, T& value) {
    if constexpr (route == Route::boolean) {
      value = read_flag(in, "bool");
    } else if constexpr (route == Route::bitwise) {
      in.read(std::addressof(value), sizeof(T));
    } else {
      try {
        CerealInput archive(in);
        archive(value);
      } catch (const cereal::Exception& e) {
        throw SerializationError(std::string("malformed cereal data: ") + e.what());
      }
    }
  }
};

template <class... Ts>
inline constexpr std::size_t sum_min_size = (std::size_t{0} + ... + Codec<Ts>::min_size);

/// Members one after the other, or by memcpy when all of them (and the whole) are bitwise.
template <class T, class... Members>
struct AggregateCodec {
  static constexpr bool supported = (Codec<Members>::supported && ...);
  static constexpr bool bitwise =
      supported && std::is_trivially_copyable_v<T> && (Codec<Members>::bitwise && ...);
  static constexpr std::size_t min_size = bitwise ? sizeof(T) : sum_min_size<Members...>;
};

template <class E, std::size_t N>
struct Codec<std::array<E, N>> {
  using T = std::array<E, N>;
  static constexpr bool supported = Codec<E>::supported;
  // An empty array is an empty trivially copyable struct whatever E is: one byte.
  static constexpr bool bitwise =
      supported && std::is_trivially_copyable_v<T> && (Codec<E>::bitwise || N == 0);
  static constexpr std::size_t min_size = bitwise ? sizeof(T) : N * Codec<E>::min_size;

  static void encode(wire::Writer& out, const T& value) {
    if constexpr (bitwise) {
      out.write(&value, sizeof(T));
    } else {
      for (const E& e : value) Codec<E>::encode(out, e);
    }
  }
  static void decode(wire::Reader& in, T& value) {
    if constexpr (bitwise) {
      in.read(&value, sizeof(T));
    } else {
      for (E& e : value) Codec<E>::decode(in, e);
    }
  }
};

template <class A, class B>
struct Codec<std::pair<A, B>> : AggregateCodec<std::pair<A, B>, A, B> {
  using Base = AggregateCodec<std::pair<A, B>, A, B>;

  static void encode(wire::Writer& out, const std::pair<A, B>& value) {
    if constexpr (Base::bitwise) {
      out.write(&value, sizeof value);
    } else {
      Codec<A>::encode(out, value.first);
      Codec<B>::encode(out, value.second);
    }
  }
  static void decode(wire::Reader& in, std::pair<A, B>& value) {
    if constexpr (Base::bitwise) {
      in.read(&value, sizeof value);
    } else {
      Codec<A>::decode(in, value.first);
      Codec<B>::decode(in, value.second);
    }
  }
};

template <class... Ts>
struct Codec<std::tuple<Ts...>> : AggregateCodec<std::tuple<Ts...>, Ts...> {
  using Base = AggregateCodec<std::tuple<Ts...>, Ts...>;

  static void encode(wire::Writer& out, const std::tuple<Ts...>& value) {
    if constexpr (Base::bitwise) {
      out.write(&value, sizeof value);
    } else {
      std::apply([&](const Ts&... members) { (Codec<Ts>::encode(out, members), ...); }, value);
    }
  }
  static void decode(wire::Reader& in, std::tuple<Ts...>& value) {
    if constexpr (Base::bitwise) {
      in.read(&value, sizeof value);
    } else {
      std::apply([&](Ts&... members) { (Codec<Ts>::decode(in, members), ...); }, value);
    }
  }
};

template <class E>
struct Codec<std::optional<E>> {
  static constexpr bool supported = Codec<E>::supported;
  static constexpr bool bitwise = false;
  static constexpr std::size_t min_size = 1;

  static void encode(wire::Writer& out, const std::optional<E>& value) {
    write_flag(out, value.has_value());
    if (value) Codec<E>::encode(out, *value);
  }
  static void decode(wire::Reader& in, std::optional<E>& value) {
    if (read_flag(in, "optional flag")) {
      Codec<E>::decode(in, value.emplace());
    } else {
      value.reset();
    }
  }
};

template <class... Ts>
struct Codec<std::variant<Ts...>> {
  using T = std::variant<Ts...>;
  static constexpr bool supported = (Codec<Ts>::supported && ...);
  static constexpr bool bitwise = false;
  static constexpr std::size_t min_size =
      sizeof(std::uint32_t) + std::min({Codec<Ts>::min_size...});

  static void encode(wire::Writer& out, const T& value) {
    if (value.valueless_by_exception()) {
      throw SerializationError("cannot encode a variant that is valueless by exception");
    }
    const auto index = static_cast<std::uint32_t>(value.index());
    out.write(&index, sizeof index);
    std::visit([&]<class U>(const U& alternative) { Codec<U>::encode(out, alternative); }, value);
  }

  static void decode(wire::Reader& in, T& value) {
    std::uint32_t index = 0;
    in.read(&index, sizeof index);
    if (index >= sizeof...(Ts)) {
      throw SerializationError("variant index " + std::to_string(index) +
                               " out of range (the variant has " + std::to_string(sizeof...(Ts)) +
                               " alternatives)");
    }
    // Local, so that it is only instantiated (with every alternative) when decode is.
    static constexpr auto decoders = decoder_table(std::index_sequence_for<Ts...>{});
    decoders[index](in, value);
  }

 private:
  template <std::size_t I>
  static void decode_alternative(wire::Reader& in, T& value) {
    using U = std::variant_alternative_t<I, T>;
    Codec<U>::decode(in, value.template emplace<I>());
  }

  template <std::size_t... I>
  static constexpr auto decoder_table(std::index_sequence<I...>) {
    return std::array<void (*)(wire::Reader&, T&), sizeof...(I)>{&decode_alternative<I>...};
  }
};

template <class C, class Traits, class Alloc>
struct Codec<std::basic_string<C, Traits, Alloc>> {
  using T = std::basic_string<C, Traits, Alloc>;
  static constexpr bool supported = Codec<C>::bitwise;
  static constexpr bool bitwise = false;
  static constexpr std::size_t min_size = sizeof(std::uint64_t);

  static void encode(wire::Writer& out, const T& value) {
    write_count(out, value.size());
    out.write(value.data(), value.size() * sizeof(C));
  }
  static void decode(wire::Reader& in, T& value) {
    const std::size_t count = read_count(in, "string", "characters", sizeof(C));
    value.resize(count);
    in.read(value.data(), count * sizeof(C));
  }
};

template <class E, class Alloc>
struct Codec<std::vector<E, Alloc>> {
  using T = std::vector<E, Alloc>;
  static constexpr bool supported = Codec<E>::supported;
  static constexpr bool bitwise = false;
  static constexpr std::size_t min_size = sizeof(std::uint64_t);

  static void encode(wire::Writer& out, const T& value) {
    write_count(out, value.size());
    if constexpr (Codec<E>::bitwise) {
      out.write(value.data(), value.size() * sizeof(E));
    } else {
      // `const E&` would bind to a temporary for std::vector<bool>'s proxies; a copy is fine.
      for (auto&& e : value) Codec<E>::encode(out, e);
    }
  }

  static void decode(wire::Reader& in, T& value) {
    const std::size_t count = read_count(in, "vector", "elements", Codec<E>::min_size);
    if constexpr (Codec<E>::bitwise) {
      value.resize(count);
      in.read(value.data(), count * sizeof(E));
    } else if constexpr (std::is_same_v<E, bool>) {
      value.clear();
      value.reserve(count);
      for (std::size_t i = 0; i < count; ++i) value.push_back(read_flag(in, "bool"));
    } else {
      value.clear();
      value.reserve(count);
      for (std::size_t i = 0; i < count; ++i) Codec<E>::decode(in, value.emplace_back());
    }
  }
};

template <class T>
concept ReservableContainer = requires(T& c, std::size_t n) {
  c.reserve(n);
};

/// The map and set family (`V` is void for a set): a count, then each key and its value.
/// A container with unique keys rejects a repeated key, which no encoder produces.
template <class T, bool unique, class K, class V = void>
struct AssociativeCodec {
  static constexpr bool is_map = !std::is_void_v<V>;
  static constexpr const char* name = is_map ? "map" : "set";
  static constexpr bool supported = [] {
    if constexpr (is_map) {
      return Codec<K>::supported && Codec<V>::supported;
    } else {
      return Codec<K>::supported;
    }
  }();
  static constexpr bool bitwise = false;
  static constexpr std::size_t min_size = sizeof(std::uint64_t);

  static void encode(wire::Writer& out, const T& value) {
    write_count(out, value.size());
    for (const auto& entry : value) {
      if constexpr (is_map) {
        Codec<K>::encode(out, entry.first);
        Codec<V>::encode(out, entry.second);
      } else {
        Codec<K>::encode(out, entry);
      }
    }
  }

  static void decode(wire::Reader& in, T& value) {
    std::size_t entry_size = Codec<K>::min_size;
    if constexpr (is_map) entry_size += Codec<V>::min_size;
    const std::size_t count = read_count(in, name, "entries", entry_size);
    value.clear();
    if constexpr (ReservableContainer<T>) value.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      K key{};
      Codec<K>::decode(in, key);
      const std::size_t before = value.size();
      if constexpr (is_map) {
        V mapped{};
        Codec<V>::decode(in, mapped);
        value.emplace_hint(value.end(), std::move(key), std::move(mapped));
      } else {
        value.emplace_hint(value.end(), std::move(key));
      }
      if (unique && value.size() == before) {
        throw SerializationError(std::string(name) + " entry " + std::to_string(i) + " of " +
                                 std::to_string(count) + " repeats an earlier key");
      }
    }
  }
};

template <class K, class V, class Cmp, class Alloc>
struct Codec<std::map<K, V, Cmp, Alloc>>
    : AssociativeCodec<std::map<K, V, Cmp, Alloc>, true, K, V> {};
template <class K, class V, class Cmp, class Alloc>
struct Codec<std::multimap<K, V, Cmp, Alloc>>
    : AssociativeCodec<std::multimap<K, V, Cmp, Alloc>, false, K, V> {};
template <class K, class V, class Hash, class Eq, class Alloc>
struct Codec<std::unordered_map<K, V, Hash, Eq, Alloc>>
    : AssociativeCodec<std::unordered_map<K, V, Hash, Eq, Alloc>, true, K, V> {};
template <class K, class V, class Hash, class Eq, class Alloc>
struct Codec<std::unordered_multimap<K, V, Hash, Eq, Alloc>>
    : AssociativeCodec<std::unordered_multimap<K, V, Hash, Eq, Alloc>, false, K, V> {};
template <class K, class Cmp, class Alloc>
struct Codec<std::set<K, Cmp, Alloc>> : AssociativeCodec<std::set<K, Cmp, Alloc>, true, K> {};
template <class K, class Cmp, class Alloc>
struct Codec<std::multiset<K, Cmp, Alloc>>
    : AssociativeCodec<std::multiset<K, Cmp, Alloc>, false, K> {};
template <class K, class Hash, class Eq, class Alloc>
struct Codec<std::unordered_set<K, Hash, Eq, Alloc>>
    : AssociativeCodec<std::unordered_set<K, Hash, Eq, Alloc>, true, K> {};
template <class K, class Hash, class Eq, class Alloc>
struct Codec<std::unordered_multiset<K, Hash, Eq, Alloc>>
    : AssociativeCodec<std::unordered_multiset<K, Hash, Eq, Alloc>, false, K> {};

/// The fewest bytes any value of `T` encodes to (at least 1): what decoding multiplies a
/// count by before it allocates.
/// @code
/// static_assert(pardo::detail::min_encoded_size<double>() == 8);
/// @endcode
template <class T>
consteval std::size_t min_encoded_size() {
  return Codec<std::remove_cv_t<T>>::min_size;
}

}  // namespace detail
}  // namespace pardo

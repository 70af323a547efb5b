#pragma once
/// @file
/// The wire format of the process backend: how values travel between a parent process and
/// its workers.
///
/// A value of type `T` is encoded as follows:
/// - `bool`: one byte, 0 or 1;
/// - other trivially copyable types (arithmetic, enums, your own plain structs): their bytes,
///   by memcpy, `sizeof(T)` of them;
/// - `std::basic_string` and `std::vector`: a u64 element count, then the elements (one block
///   for trivially copyable elements, one after the other otherwise; `std::vector<bool>` one
///   byte per element);
/// - `std::map`, `std::multimap`, `std::unordered_map`, `std::unordered_multimap`, `std::set`,
///   `std::multiset`, `std::unordered_set`, `std::unordered_multiset`: a u64 count, then
///   each key followed by its value;
/// - `std::optional`: one byte, 0 (empty) or 1, then the value if there is one;
/// - `std::variant`: the u32 index of the alternative, then the alternative;
/// - `std::array`, `std::pair`, `std::tuple`: by memcpy when the whole is trivially copyable
///   and every member goes by memcpy (so never with a `bool` inside), else member by member
///   in order (libstdc++'s pair and tuple are not trivially copyable: always the latter);
/// - any other class that cereal can serialize (a member or free `serialize`, or
///   `save`/`load`): what its cereal functions write, through `detail::CerealOutput`. Its
///   members use cereal's own binary layout (cereal/types/... for the standard types).
///
/// Numbers travel in host byte order, little-endian on every platform pardo runs on: both
/// ends are the same binary on the same machine, so nothing is converted.
///
/// Decoding never trusts its input. It reads nothing past the end, checks every count
/// against the bytes that are left before it allocates (so a count the bytes cannot back
/// allocates nothing), and rejects a bool, optional flag or variant index out of range, and
/// a repeated key in a map or set, each with a `SerializationError` saying what was wrong.
/// Fields of your own trivially copyable structs are copied as they come: a `bool` or
/// an enum without a fixed underlying type inside one is only as sound as the sender.
///
/// Types that cannot travel fail to compile with one message: raw pointers, member
/// pointers, `std::nullptr_t`, views (`std::string_view`, `std::span`,
/// `std::reference_wrapper`), and classes that are neither trivially copyable nor cereal
/// serializable. Every type must also be default constructible, since decoding fills in a
/// default value. A trivially copyable struct that holds a pointer is copied as it is:
/// the pointer means nothing in the other process.
/// @code
/// struct Sample {
///   int id;
///   std::string name;
///   std::vector<double> values;
///   template <class Archive>
///   void serialize(Archive& ar) { ar(id, name, values); }
/// };
/// std::string bytes;
/// pardo::wire::Writer out(bytes);
/// pardo::wire::encode(out, Sample{7, "seven", {1.0, 2.0}});
/// pardo::wire::Reader in(bytes);
/// Sample back = pardo::wire::decode<Sample>(in);
/// in.expect_end();
/// @endcode

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

namespace pardo {

/// Thrown when a value cannot be encoded or bytes cannot be decoded (truncated, oversized,
/// malformed). The message says what was wrong and where.
/// @code
/// try { auto v = pardo::wire::decode<std::vector<int>>(in); }
/// catch (const pardo::SerializationError& e) { std::cerr << e.what() << '\n'; }
/// @endcode
class SerializationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace wire {

/// Appends encoded bytes to a string the caller owns (and may reuse across messages).
/// @code
/// std::string bytes;
/// pardo::wire::Writer out(bytes);
/// pardo::wire::encode(out, 42);  // bytes.size() == 4
/// @endcode
class Writer {
 public:
  /// A writer that appends to `out`, which must outlive it.
  /// @code
  /// std::string bytes;
  /// pardo::wire::Writer out(bytes);
  /// @endcode
  explicit Writer(std::string& out) noexcept : out_(&out) {}

  /// Appends `n` bytes from `data`.
  /// @code
  /// const std::uint32_t tag = 7;
  /// out.write(&tag, sizeof tag);
  /// @endcode
  void write(const void* data, std::size_t n) {
    if (n != 0) out_->append(static_cast<const char*>(data), n);
  }

  /// The string written to, for its size or to roll back a failed encoding.
  /// @code
  /// const std::size_t mark = out.buffer().size();
  /// try { pardo::wire::encode(out, value); } catch (...) { out.buffer().resize(mark); }
  /// @endcode
  std::string& buffer() noexcept { return *out_; }

 private:
  std::string* out_;
};

/// A bounds-checked cursor over bytes the caller keeps alive; every read that would pass
/// the end throws SerializationError.
/// @code
/// pardo::wire::Reader in(frame.payload);
/// auto x = pardo::wire::decode<double>(in);
/// in.expect_end();
/// @endcode
class Reader {
 public:
  /// A reader at the start of `bytes`.
  /// @code
  /// pardo::wire::Reader in(std::string_view(bytes));
  /// @endcode
  explicit Reader(std::string_view bytes) noexcept
      : next_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  /// Copies the next `n` bytes into `data`; throws SerializationError
  /// ("truncated: need N bytes, M left") if fewer are left, reading nothing.
  /// @code
  /// std::uint32_t tag;
  /// in.read(&tag, sizeof tag);
  /// @endcode
  void read(void* data, std::size_t n) {
    require(n);
    if (n != 0) std::memcpy(data, next_, n);
    next_ += n;
  }

  /// The next `n` bytes, without copying; throws like `read`.
  /// @code
  /// std::string_view name = in.take(5);
  /// @endcode
  std::string_view take(std::size_t n) {
    require(n);
    const std::string_view bytes(next_, n);
    next_ += n;
    return bytes;
  }

  /// How many bytes are left.
  /// @code
  /// if (in.remaining() == 0) return;
  /// @endcode
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - next_); }

  /// Throws SerializationError naming the trailing bytes unless every byte was read: a
  /// message longer than its value is as malformed as a shorter one.
  /// @code
  /// auto v = pardo::wire::decode<int>(in);
  /// in.expect_end();
  /// @endcode
  void expect_end() const {
    if (remaining() != 0) {
      throw SerializationError(std::to_string(remaining()) +
                               (remaining() == 1 ? " trailing byte" : " trailing bytes") +
                               " after the value");
    }
  }

 private:
  void require(std::size_t n) const {
    if (n > remaining()) {
      throw SerializationError("truncated: need " + std::to_string(n) + " bytes, " +
                               std::to_string(remaining()) + " left");
    }
  }

  const char* next_;
  const char* end_;
};

}  // namespace wire
}  // namespace pardo

// The cereal archive pair needs Writer and Reader, and the codecs below need the archives.
#include "pardo/detail/cereal_archive.hpp"

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

/// Types that can travel between processes: encoded with `wire::encode` in one, decoded
/// with `wire::decode` in another (see the top of pardo/wire.hpp for the rules).
/// @code
/// static_assert(pardo::Serializable<std::map<std::string, std::vector<double>>>);
/// static_assert(!pardo::Serializable<int*>);
/// @endcode
template <class T>
concept Serializable = std::is_object_v<T> && detail::Codec<std::remove_cv_t<T>>::supported;

namespace wire {

#define PARDO_WIRE_UNSUPPORTED                                                           \
  "pardo: T cannot travel to another process: make it trivially copyable, or give it a " \
  "cereal serialize() (see pardo/wire.hpp)"

/// Appends the encoding of `value`. Throws SerializationError for a value that has no
/// encoding at run time (a variant valueless by exception, a cereal serialize() that wrote
/// nothing); `out` may then hold part of it, which the caller cuts off.
/// @code
/// std::string bytes;
/// pardo::wire::Writer out(bytes);
/// pardo::wire::encode(out, std::vector<std::string>{"a", "bc"});
/// @endcode
template <class T>
void encode(Writer& out, const T& value) {
  static_assert(Serializable<T>, PARDO_WIRE_UNSUPPORTED);
  if constexpr (Serializable<T>) detail::Codec<std::remove_cv_t<T>>::encode(out, value);
}

/// Decodes the next value into `value`, reusing its storage where it can. On
/// SerializationError `value` is left valid but unspecified.
/// @code
/// std::vector<double> scratch;
/// pardo::wire::decode_into(in, scratch);
/// @endcode
template <class T>
void decode_into(Reader& in, T& value) {
  static_assert(Serializable<T>, PARDO_WIRE_UNSUPPORTED);
  if constexpr (Serializable<T>) detail::Codec<std::remove_cv_t<T>>::decode(in, value);
}

/// Decodes the next value; throws SerializationError on truncated, oversized or malformed
/// bytes.
/// @code
/// auto table = pardo::wire::decode<std::map<std::string, int>>(in);
/// @endcode
template <class T>
T decode(Reader& in) {
  static_assert(Serializable<T>, PARDO_WIRE_UNSUPPORTED);
  if constexpr (Serializable<T>) {
    std::remove_cv_t<T> value{};
    detail::Codec<std::remove_cv_t<T>>::decode(in, value);
    return value;
  } else {
    // Only reached after the static_assert failed; keeps the compiler from adding errors.
    __builtin_unreachable();
  }
}

#undef PARDO_WIRE_UNSUPPORTED

}  // namespace wire
}  // namespace pardo

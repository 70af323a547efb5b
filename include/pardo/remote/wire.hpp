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

#include <memory>
#include <span>
#include <string_view>
#include <type_traits>

#include "pardo/core/detail/shared_blob.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/remote/detail/codec.hpp"
#include "pardo/remote/wire_io.hpp"

namespace pardo {

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

namespace detail {

template <class T>
std::shared_ptr<const void> decode_shared(std::span<const std::byte> bytes) {
  wire::Reader in(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  auto value = std::make_shared<const T>(wire::decode<T>(in));
  in.expect_end();
  return value;
}

}  // namespace detail
}  // namespace pardo

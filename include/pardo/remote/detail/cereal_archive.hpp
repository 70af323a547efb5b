#pragma once
// A cereal archive pair that writes into wire::Writer and reads from wire::Reader, so any
// class with a cereal serialize() (or save/load) can travel over pardo's wire. Modelled on
// cereal/archives/binary.hpp: values in host byte order, counts as u64.

#include <cereal/cereal.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

#include "pardo/core/errors.hpp"
#include "pardo/remote/wire_io.hpp"

namespace pardo::detail {

/// Saves a cereal-serializable value into a wire::Writer.
/// @code
/// pardo::detail::CerealOutput archive(out);
/// archive(sample);  // calls sample.serialize(archive)
/// @endcode
class CerealOutput final : public cereal::OutputArchive<CerealOutput> {
 public:
  /// An archive appending to `out`, which must outlive it.
  /// @code
  /// pardo::detail::CerealOutput archive(out);
  /// @endcode
  explicit CerealOutput(wire::Writer& out) : cereal::OutputArchive<CerealOutput>(this), out_(out) {}

  /// Appends `size` bytes from `data` (cereal's name for it).
  /// @code
  /// archive.saveBinary(&x, sizeof x);
  /// @endcode
  void saveBinary(const void* data, std::size_t size) { out_.write(data, size); }

 private:
  wire::Writer& out_;
};

/// Loads a cereal-serializable value from a wire::Reader. Every read is bounds-checked and
/// every count is checked against the bytes left before cereal allocates for it, so bad
/// bytes raise SerializationError (or cereal::Exception, which wire::decode turns into one).
/// @code
/// pardo::detail::CerealInput archive(in);
/// archive(sample);
/// @endcode
class CerealInput final : public cereal::InputArchive<CerealInput> {
 public:
  /// An archive reading from `in`, which must outlive it.
  /// @code
  /// pardo::detail::CerealInput archive(in);
  /// @endcode
  explicit CerealInput(wire::Reader& in) : cereal::InputArchive<CerealInput>(this), in_(in) {}

  /// Reads `size` bytes into `data`; throws SerializationError if fewer are left.
  /// @code
  /// archive.loadBinary(&x, sizeof x);
  /// @endcode
  void loadBinary(void* data, std::size_t size) { in_.read(data, size); }

  /// Throws SerializationError unless `count` elements of at least one byte each fit in
  /// what is left. cereal sizes its containers from counts before it reads the elements.
  /// @code
  /// archive.check_count(n);
  /// @endcode
  void check_count(std::uint64_t count) const {
    if (count > in_.remaining()) {
      throw SerializationError("container of " + std::to_string(count) +
                               " elements needs at least " + std::to_string(count) + " bytes, " +
                               std::to_string(in_.remaining()) + " left");
    }
  }

 private:
  wire::Reader& in_;
};

// Found by argument-dependent lookup from cereal's dispatch, as binary.hpp's are.

template <class T>
requires std::is_arithmetic_v<T>
void CEREAL_SAVE_FUNCTION_NAME(CerealOutput& archive, const T& value) {
  archive.saveBinary(std::addressof(value), sizeof value);
}

template <class T>
requires std::is_arithmetic_v<T>
void CEREAL_LOAD_FUNCTION_NAME(CerealInput& archive, T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    // Any byte but 0 or 1 in a bool is undefined behaviour, so it is checked first.
    unsigned char byte = 0;
    archive.loadBinary(&byte, 1);
    if (byte > 1) {
      throw SerializationError("bool byte " + std::to_string(byte) + " (expected 0 or 1)");
    }
    value = byte == 1;
  } else {
    archive.loadBinary(std::addressof(value), sizeof value);
  }
}

template <class Archive, class T>
requires std::is_same_v<Archive, CerealOutput> || std::is_same_v<Archive, CerealInput>
void CEREAL_SERIALIZE_FUNCTION_NAME(Archive& archive, cereal::NameValuePair<T>& pair) {
  archive(pair.value);
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CerealOutput& archive, const cereal::SizeTag<T>& tag) {
  archive(tag.size);
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(CerealInput& archive, cereal::SizeTag<T>& tag) {
  archive(tag.size);
  archive.check_count(static_cast<std::uint64_t>(tag.size));
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CerealOutput& archive, const cereal::BinaryData<T>& data) {
  archive.saveBinary(data.data, static_cast<std::size_t>(data.size));
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(CerealInput& archive, cereal::BinaryData<T>& data) {
  archive.loadBinary(data.data, static_cast<std::size_t>(data.size));
}

}  // namespace pardo::detail

CEREAL_REGISTER_ARCHIVE(pardo::detail::CerealOutput)
CEREAL_REGISTER_ARCHIVE(pardo::detail::CerealInput)
CEREAL_SETUP_ARCHIVE_TRAITS(pardo::detail::CerealInput, pardo::detail::CerealOutput)

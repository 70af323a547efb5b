#pragma once
/// @file
/// `pardo::wire::Writer` and `pardo::wire::Reader`: the byte buffers the wire format
/// (pardo/remote/wire.hpp) encodes into and decodes from.

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "pardo/core/errors.hpp"

namespace pardo {
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

#pragma once
// Frames: how the process backend cuts the byte stream of a socket into messages.
//
// A frame is a 24-byte header and a payload. The header, little-endian:
//   offset 0  u32 magic 0x4F445250 ("PRDO" in memory)
//   offset 4  u8  version (1)
//   offset 5  u8  kind (FrameKind)
//   offset 6  u16 flags
//   offset 8  u32 payload length
//   offset 12 u32 aux
//   offset 16 u64 id

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pardo/remote/wire.hpp"

namespace pardo::detail {

/// What a frame carries. The decoder rejects any other value.
/// @code
/// pardo::detail::begin_frame(out, pardo::detail::FrameKind::task, task_id);
/// @endcode
enum class FrameKind : std::uint8_t { hello = 1, task = 2, result = 3, exit = 4 };

/// The first four bytes of every frame, "PRDO" in memory.
/// @code
/// static_assert(pardo::detail::frame_magic == 0x4F445250);
/// @endcode
inline constexpr std::uint32_t frame_magic = 0x4F445250;
/// The only header version this build reads and writes.
/// @code
/// static_assert(pardo::detail::frame_version == 1);
/// @endcode
inline constexpr std::uint8_t frame_version = 1;
/// The size of a frame header in bytes.
/// @code
/// std::string_view payload = std::string_view(bytes).substr(pardo::detail::frame_header_size);
/// @endcode
inline constexpr std::size_t frame_header_size = 24;
/// The largest payload a frame may carry unless told otherwise: 1 GiB.
/// @code
/// pardo::detail::FrameDecoder decoder(pardo::detail::default_max_frame_payload);
/// @endcode
inline constexpr std::size_t default_max_frame_payload = std::size_t{1} << 30;

/// A decoded header: every field but the magic and version, which are fixed.
/// @code
/// if (view.header.kind == pardo::detail::FrameKind::result) finish(view.header.id);
/// @endcode
struct FrameHeader {
  FrameKind kind;        ///< what the payload is
  std::uint16_t flags;   ///< reserved for the pool's use, passed through unchecked
  std::uint32_t length;  ///< payload bytes after the header
  std::uint32_t aux;     ///< a small number for the pool's use, such as a count of values
  std::uint64_t id;      ///< which task (or message) the frame belongs to
};

/// A complete frame inside the decoder's buffer.
/// @code
/// pardo::wire::Reader in(view.payload);
/// @endcode
struct FrameView {
  FrameHeader header;        ///< the validated header
  std::string_view payload;  ///< `header.length` bytes, valid until the next prepare/commit
};

/// Appends a frame header with payload length 0 to `out` and returns its offset. Append
/// the payload (with wire::Writer, say), then call end_frame.
/// @code
/// std::string out;
/// const std::size_t at = pardo::detail::begin_frame(out, pardo::detail::FrameKind::task, 7);
/// pardo::wire::Writer w(out);
/// pardo::wire::encode(w, 42);
/// pardo::detail::end_frame(out, at);
/// @endcode
std::size_t begin_frame(std::string& out, FrameKind kind, std::uint64_t id, std::uint32_t aux = 0,
                        std::uint16_t flags = 0);

/// Sets the aux field and flags of the frame begun at `header_at`, once the payload tells
/// what they are (how many calls returned, whether one failed).
/// @code
/// pardo::detail::set_aux_and_flags(out, at, returned, flags);
/// @endcode
void set_aux_and_flags(std::string& out, std::size_t header_at, std::uint32_t aux,
                       std::uint16_t flags);

/// Writes the payload length of the frame begun at `header_at`: everything appended since.
/// If the payload is over `max_payload` (or 2^32 - 1 bytes), erases the partial frame from
/// `out` and throws SerializationError naming both sizes; `out` is then as it was before
/// begin_frame. Throws std::invalid_argument if no header fits at `header_at`.
/// @code
/// pardo::detail::end_frame(out, at);
/// @endcode
void end_frame(std::string& out, std::size_t header_at,
               std::size_t max_payload = default_max_frame_payload);

/// The one whole frame that `bytes` holds, as a message-based transport (MPI) delivers it.
/// Throws SerializationError if the header is invalid or its length is not the rest.
FrameView parse_frame(std::string_view bytes, std::size_t max_payload = default_max_frame_payload);

/// Cuts a byte stream (a socket) into frames, without an allocation per frame: the bytes
/// are read straight into its buffer and frames are handed out as views into it.
///
/// Each header is validated (magic, version, kind, length <= max_payload) as soon as its 24
/// bytes have arrived, before any room is reserved for its payload, so a corrupt or hostile
/// peer cannot make it allocate. A bad header throws SerializationError naming the field;
/// the stream cannot be resynchronised after that, so close the connection.
/// @code
/// pardo::detail::FrameDecoder decoder;
/// for (;;) {
///   std::span<char> space = decoder.prepare();
///   const ssize_t n = ::read(fd, space.data(), space.size());
///   if (n <= 0) break;
///   decoder.commit(static_cast<std::size_t>(n));
///   while (auto frame = decoder.next()) handle(*frame);
/// }
/// @endcode
class FrameDecoder {
 public:
  /// A decoder that accepts payloads up to `max_payload` bytes (and never above 2^32 - 1).
  /// @code
  /// pardo::detail::FrameDecoder decoder(std::size_t{64} << 20);
  /// @endcode
  explicit FrameDecoder(std::size_t max_payload = default_max_frame_payload);

  /// Writable space at the end of the buffer, at least `at_least` bytes, or room for the
  /// rest of a frame whose header has arrived if that is more. Moves the unconsumed bytes
  /// to the front, or grows the buffer, only when the space at the end is too small.
  /// Invalidates earlier views. Throws SerializationError if a complete header is bad.
  /// @code
  /// std::span<char> space = decoder.prepare(4096);
  /// @endcode
  std::span<char> prepare(std::size_t at_least = 64 * 1024);

  /// Marks `n` bytes written into the last prepare()'s span as received. Throws
  /// std::out_of_range if `n` is more than that span holds.
  /// @code
  /// decoder.commit(static_cast<std::size_t>(n));
  /// @endcode
  void commit(std::size_t n);

  /// The next complete frame, or nullopt until more bytes arrive. Throws SerializationError
  /// naming the bad field if the next header is invalid. The view stays valid until the
  /// next prepare() or commit().
  /// @code
  /// while (auto frame = decoder.next()) handle(*frame);
  /// @endcode
  std::optional<FrameView> next();

  /// Bytes received but not yet returned as frames.
  /// @code
  /// if (decoder.buffered() != 0) report_truncated_stream();
  /// @endcode
  std::size_t buffered() const noexcept { return end_ - begin_; }

  /// The size of the buffer, for tests and diagnostics.
  /// @code
  /// assert(decoder.capacity() >= decoder.buffered());
  /// @endcode
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::size_t max_payload_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;  // first byte not yet returned as a frame
  std::size_t end_ = 0;    // one past the last byte received
};

}  // namespace pardo::detail

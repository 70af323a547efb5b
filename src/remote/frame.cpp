#include "remote/frame.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace pardo::detail {
namespace {

constexpr std::size_t magic_at = 0;
constexpr std::size_t version_at = 4;
constexpr std::size_t kind_at = 5;
constexpr std::size_t flags_at = 6;
constexpr std::size_t length_at = 8;
constexpr std::size_t aux_at = 12;
constexpr std::size_t id_at = 16;
constexpr std::size_t max_length = std::numeric_limits<std::uint32_t>::max();

// Byte by byte, so the header is little-endian on any host; compilers turn these loops into
// a single load or store on little-endian machines.
template <class U>
U load_le(const char* at) {
  U value = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    const auto byte = static_cast<U>(static_cast<unsigned char>(at[i]));
    value = static_cast<U>(value | byte << (8 * i));
  }
  return value;
}

template <class U>
void store_le(char* at, U value) {
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    at[i] = static_cast<char>(static_cast<unsigned char>(value >> (8 * i)));
  }
}

std::string hex32(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(value));
  return text;
}

FrameHeader parse_header(const char* at, std::size_t max_payload) {
  const auto magic = load_le<std::uint32_t>(at + magic_at);
  if (magic != frame_magic) {
    throw SerializationError("bad frame magic " + hex32(magic) + " (expected " +
                             hex32(frame_magic) + ", \"PRDO\")");
  }
  const auto version = static_cast<unsigned char>(at[version_at]);
  if (version != frame_version) {
    throw SerializationError("unsupported frame version " + std::to_string(version) +
                             " (expected " + std::to_string(frame_version) + ")");
  }
  const auto kind = static_cast<unsigned char>(at[kind_at]);
  if (kind < static_cast<unsigned char>(FrameKind::hello) ||
      kind > static_cast<unsigned char>(FrameKind::exit)) {
    throw SerializationError("unknown frame kind " + std::to_string(kind));
  }
  const auto length = load_le<std::uint32_t>(at + length_at);
  if (length > max_payload) {
    throw SerializationError("frame payload length " + std::to_string(length) +
                             " exceeds the limit of " + std::to_string(max_payload) + " bytes");
  }
  return FrameHeader{static_cast<FrameKind>(kind), load_le<std::uint16_t>(at + flags_at), length,
                     load_le<std::uint32_t>(at + aux_at), load_le<std::uint64_t>(at + id_at)};
}

void require_header(const std::string& out, std::size_t header_at, const char* caller) {
  if (header_at > out.size() || out.size() - header_at < frame_header_size) {
    throw std::invalid_argument(std::string(caller) + ": no frame header at offset " +
                                std::to_string(header_at) + " of a " + std::to_string(out.size()) +
                                "-byte buffer");
  }
}

}  // namespace

std::size_t begin_frame(std::string& out, FrameKind kind, std::uint64_t id, std::uint32_t aux,
                        std::uint16_t flags) {
  const std::size_t at = out.size();
  out.resize(at + frame_header_size);
  char* header = out.data() + at;
  store_le(header + magic_at, frame_magic);
  header[version_at] = static_cast<char>(frame_version);
  header[kind_at] = static_cast<char>(kind);
  store_le(header + flags_at, flags);
  store_le(header + length_at, std::uint32_t{0});
  store_le(header + aux_at, aux);
  store_le(header + id_at, id);
  return at;
}

void set_aux_and_flags(std::string& out, std::size_t header_at, std::uint32_t aux,
                       std::uint16_t flags) {
  require_header(out, header_at, "set_aux_and_flags");
  char* header = out.data() + header_at;
  store_le(header + flags_at, flags);
  store_le(header + aux_at, aux);
}

void end_frame(std::string& out, std::size_t header_at, std::size_t max_payload) {
  require_header(out, header_at, "end_frame");
  const std::size_t payload = out.size() - header_at - frame_header_size;
  const std::size_t limit = std::min(max_payload, max_length);
  if (payload > limit) {
    out.resize(header_at);
    throw SerializationError("frame payload of " + std::to_string(payload) +
                             " bytes exceeds the limit of " + std::to_string(limit) + " bytes");
  }
  store_le(out.data() + header_at + length_at, static_cast<std::uint32_t>(payload));
}

FrameView parse_frame(std::string_view bytes, std::size_t max_payload) {
  if (bytes.size() < frame_header_size) {
    throw SerializationError("frame of " + std::to_string(bytes.size()) +
                             " bytes is shorter than its header");
  }
  const FrameHeader header = parse_header(bytes.data(), max_payload);
  if (bytes.size() - frame_header_size != header.length) {
    throw SerializationError("frame header says " + std::to_string(header.length) +
                             " payload bytes, the message has " +
                             std::to_string(bytes.size() - frame_header_size));
  }
  return FrameView{header, bytes.substr(frame_header_size)};
}

FrameDecoder::FrameDecoder(std::size_t max_payload)
    : max_payload_(std::min(max_payload, max_length)) {}

std::span<char> FrameDecoder::prepare(std::size_t at_least) {
  // Keeps the size arithmetic below far from overflow.
  if (at_least > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("FrameDecoder::prepare: " + std::to_string(at_least) +
                            " bytes at once is too much");
  }
  const std::size_t live = end_ - begin_;
  std::size_t want = at_least;
  if (live == 0) {
    begin_ = end_ = 0;
    // Give back the room a large frame needed once it has been handled.
    if (capacity_ > std::max(4 * at_least, std::size_t{1} << 20)) {
      buffer_.reset();
      capacity_ = 0;
    }
  } else if (live >= frame_header_size) {
    // Validated before anything is reserved for it; then room for the whole frame at once.
    const FrameHeader header = parse_header(buffer_.get() + begin_, max_payload_);
    const std::size_t total = frame_header_size + header.length;
    if (total > live) want = std::max(want, total - live);
  }
  if (capacity_ - end_ < want) {
    if (live + want <= capacity_) {
      std::memmove(buffer_.get(), buffer_.get() + begin_, live);
    } else {
      const std::size_t grown = std::max(2 * capacity_, live + want);
      auto bigger = std::make_unique_for_overwrite<char[]>(grown);
      if (live != 0) std::memcpy(bigger.get(), buffer_.get() + begin_, live);
      buffer_ = std::move(bigger);
      capacity_ = grown;
    }
    begin_ = 0;
    end_ = live;
  }
  return {buffer_.get() + end_, capacity_ - end_};
}

void FrameDecoder::commit(std::size_t n) {
  if (n > capacity_ - end_) {
    throw std::out_of_range("FrameDecoder::commit: " + std::to_string(n) +
                            " bytes committed but only " + std::to_string(capacity_ - end_) +
                            " were prepared");
  }
  end_ += n;
}

std::optional<FrameView> FrameDecoder::next() {
  const std::size_t live = end_ - begin_;
  if (live < frame_header_size) return std::nullopt;
  const char* at = buffer_.get() + begin_;
  const FrameHeader header = parse_header(at, max_payload_);
  const std::size_t total = frame_header_size + header.length;
  if (live < total) return std::nullopt;
  begin_ += total;
  return FrameView{header, std::string_view(at + frame_header_size, header.length)};
}

}  // namespace pardo::detail

// Frames: begin_frame/end_frame and the incremental FrameDecoder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <ostream>
#include <pardo/remote/wire.hpp>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include "remote/frame.hpp"

namespace {

using pardo::SerializationError;
using pardo::detail::begin_frame;
using pardo::detail::end_frame;
using pardo::detail::FrameDecoder;
using pardo::detail::FrameKind;
using pardo::detail::FrameView;

/// A frame copied out of the decoder, whose views do not outlive the next prepare().
struct Received {
  FrameKind kind;
  std::uint16_t flags;
  std::uint32_t aux;
  std::uint64_t id;
  std::string payload;
  bool operator==(const Received&) const = default;
  friend void PrintTo(const Received& f, std::ostream* os) {
    *os << "{kind " << static_cast<int>(f.kind) << ", flags " << f.flags << ", aux " << f.aux
        << ", id " << f.id << ", " << f.payload.size() << "-byte payload}";
  }
};

Received copy(const FrameView& view) {
  EXPECT_EQ(view.header.length, view.payload.size());
  return {view.header.kind, view.header.flags, view.header.aux, view.header.id,
          std::string(view.payload)};
}

void append_frame(std::string& out, const Received& frame) {
  const std::size_t at = begin_frame(out, frame.kind, frame.id, frame.aux, frame.flags);
  out += frame.payload;
  end_frame(out, at);
}

std::string stream_of(const std::vector<Received>& frames) {
  std::string out;
  for (const Received& f : frames) append_frame(out, f);
  return out;
}

const std::vector<Received> sample_frames{
    {FrameKind::hello, 0, 0, 0, "hello"},
    {FrameKind::task, 3, 2, 0x1122334455667788, std::string(300, 't')},
    {FrameKind::result, 0, 1, 7, ""},
    {FrameKind::task, 0xFFFF, 0xFFFFFFFF, ~std::uint64_t{0}, std::string("\0\x01\x02", 3)},
    {FrameKind::exit, 0, 0, 9, "bye"}};

/// Feeds `bytes` in pieces of the given sizes (cycling through them), collecting every frame
/// as soon as it is complete.
std::vector<Received> feed(FrameDecoder& decoder, std::string_view bytes,
                           const std::vector<std::size_t>& pieces, std::size_t at_least) {
  std::vector<Received> frames;
  for (std::size_t offset = 0, k = 0; offset < bytes.size(); ++k) {
    const std::span<char> space = decoder.prepare(at_least);
    EXPECT_GE(space.size(), at_least);
    const std::size_t n =
        std::min({pieces[k % pieces.size()], space.size(), bytes.size() - offset});
    std::memcpy(space.data(), bytes.data() + offset, n);
    decoder.commit(n);
    offset += n;
    while (auto f = decoder.next()) frames.push_back(copy(*f));
  }
  return frames;
}

std::string header_only(FrameKind kind, std::uint32_t length) {
  std::string out;
  begin_frame(out, kind, 1);
  std::memcpy(out.data() + 8, &length, 4);
  return out;
}

/// The message of the SerializationError that next() throws on `bytes`, or "" if none.
std::string next_error(std::string_view bytes, std::size_t max_payload = 1 << 20) {
  FrameDecoder decoder(max_payload);
  const std::span<char> space = decoder.prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  decoder.commit(bytes.size());
  try {
    while (decoder.next()) {
    }
  } catch (const SerializationError& e) {
    return e.what();
  }
  return "";
}

TEST(FrameEncode, HeaderLayoutIsLittleEndian) {
  std::string out = "xy";
  const std::size_t at =
      begin_frame(out, FrameKind::result, 0x0102030405060708, 0xA0B0C0D0, 0x1234);
  EXPECT_EQ(at, 2u);
  ASSERT_EQ(out.size(), 2 + pardo::detail::frame_header_size);
  out += "abc";
  end_frame(out, at);
  const std::string expected = std::string("xy") + "PRDO" + '\x01' + '\x03' + "\x34\x12" +
                               std::string("\x03\x00\x00\x00", 4) + "\xD0\xC0\xB0\xA0" +
                               "\x08\x07\x06\x05\x04\x03\x02\x01" + "abc";
  EXPECT_EQ(out, expected);
}

TEST(FrameEncode, PayloadWrittenWithTheWireWriter) {
  std::string out;
  const std::size_t at = begin_frame(out, FrameKind::task, 42, 2);
  pardo::wire::Writer writer(out);
  pardo::wire::encode(writer, std::vector<std::string>{"a", "bc"});
  pardo::wire::encode(writer, 3.5);
  end_frame(out, at);

  FrameDecoder decoder;
  const std::span<char> space = decoder.prepare();
  std::memcpy(space.data(), out.data(), out.size());
  decoder.commit(out.size());
  const std::optional<FrameView> frame = decoder.next();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->header.kind, FrameKind::task);
  EXPECT_EQ(frame->header.id, 42u);
  EXPECT_EQ(frame->header.aux, 2u);
  EXPECT_EQ(frame->header.flags, 0u);
  EXPECT_EQ(frame->header.length, out.size() - pardo::detail::frame_header_size);
  pardo::wire::Reader in(frame->payload);
  EXPECT_EQ(pardo::wire::decode<std::vector<std::string>>(in),
            (std::vector<std::string>{"a", "bc"}));
  EXPECT_EQ(pardo::wire::decode<double>(in), 3.5);
  in.expect_end();
  EXPECT_FALSE(decoder.next());
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(FrameEncode, EndFrameOverTheLimitLeavesTheBufferAsItWas) {
  std::string out = "earlier frames";
  const std::size_t at = begin_frame(out, FrameKind::result, 5);
  out += std::string(11, 'p');
  try {
    end_frame(out, at, 10);
    FAIL() << "an 11-byte payload passed a 10-byte limit";
  } catch (const SerializationError& e) {
    EXPECT_STREQ(e.what(), "frame payload of 11 bytes exceeds the limit of 10 bytes");
  }
  EXPECT_EQ(out, "earlier frames");

  const std::size_t again = begin_frame(out, FrameKind::result, 5);
  out += std::string(10, 'p');
  EXPECT_NO_THROW(end_frame(out, again, 10));  // exactly at the limit
  EXPECT_EQ(out.size(), 14 + 24 + 10u);
}

TEST(FrameEncode, EndFrameWithoutAHeaderThrows) {
  std::string out(10, 'x');
  EXPECT_THROW(end_frame(out, 0), std::invalid_argument);
  EXPECT_THROW(end_frame(out, 11), std::invalid_argument);
  EXPECT_EQ(out, std::string(10, 'x'));
}

TEST(FrameDecoder, AllAtOnce) {
  const std::string bytes = stream_of(sample_frames);
  FrameDecoder decoder;
  EXPECT_EQ(feed(decoder, bytes, {bytes.size()}, bytes.size()), sample_frames);
  EXPECT_EQ(decoder.buffered(), 0u);
  EXPECT_FALSE(decoder.next());
}

TEST(FrameDecoder, ByteByByte) {
  const std::string bytes = stream_of(sample_frames);
  FrameDecoder decoder;
  std::vector<std::size_t> ends;  // where each frame's last byte is
  for (const Received& f : sample_frames) {
    ends.push_back((ends.empty() ? 0 : ends.back()) + pardo::detail::frame_header_size +
                   f.payload.size());
  }
  std::vector<Received> frames;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const std::span<char> space = decoder.prepare(1);
    ASSERT_GE(space.size(), 1u);
    space[0] = bytes[i];
    decoder.commit(1);
    while (auto f = decoder.next()) frames.push_back(copy(*f));
    // Each frame is handed out as soon as its last byte arrives, and not before.
    const auto complete =
        static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), i + 1) - ends.begin());
    ASSERT_EQ(frames.size(), complete) << "after byte " << i;
    ASSERT_EQ(decoder.buffered(), i + 1 - (complete == 0 ? 0 : ends[complete - 1]));
  }
  EXPECT_EQ(frames, sample_frames);
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(FrameDecoder, RandomSplitsYieldTheSameFrames) {
  std::vector<Received> frames;
  for (int i = 0; i < 200; ++i) {
    const Received& f = sample_frames[static_cast<std::size_t>(i) % sample_frames.size()];
    frames.push_back({f.kind, f.flags, f.aux, f.id + static_cast<std::uint64_t>(i), f.payload});
  }
  const std::string bytes = stream_of(frames);
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> piece(1, 700);
    std::vector<std::size_t> pieces(100);
    for (std::size_t& p : pieces) p = piece(rng);
    const std::size_t at_least = std::uniform_int_distribution<std::size_t>(1, 1024)(rng);
    FrameDecoder decoder;
    EXPECT_EQ(feed(decoder, bytes, pieces, at_least), frames) << "seed " << seed;
    EXPECT_EQ(decoder.buffered(), 0u);
  }
}

TEST(FrameDecoder, ViewsStayValidUntilTheNextPrepare) {
  const std::string bytes = stream_of(sample_frames);
  FrameDecoder decoder;
  const std::span<char> space = decoder.prepare(bytes.size());
  std::memcpy(space.data(), bytes.data(), bytes.size());
  decoder.commit(bytes.size());
  std::vector<FrameView> views;
  while (auto f = decoder.next()) views.push_back(*f);
  ASSERT_EQ(views.size(), sample_frames.size());
  for (std::size_t i = 0; i < views.size(); ++i) EXPECT_EQ(copy(views[i]), sample_frames[i]);
}

TEST(FrameDecoder, ManySmallFramesReuseASmallBuffer) {
  std::vector<Received> frames;
  for (std::uint64_t i = 0; i < 20000; ++i)
    frames.push_back({FrameKind::result, 0, 1, i, "payload"});
  const std::string bytes = stream_of(frames);
  FrameDecoder decoder;
  EXPECT_EQ(feed(decoder, bytes, {100}, 256), frames);
  // The consumed bytes are moved out of the way instead of growing the buffer.
  EXPECT_LE(decoder.capacity(), 512u);
}

TEST(FrameDecoder, ReservesRoomForALargeFrameOnceAndGivesItBack) {
  const Received big{FrameKind::task, 0, 0, 1, std::string(3 << 20, 'b')};
  const std::string bytes = stream_of({big});
  FrameDecoder decoder;
  std::span<char> space = decoder.prepare(64);
  std::memcpy(space.data(), bytes.data(), 24);
  decoder.commit(24);
  EXPECT_FALSE(decoder.next());
  // The header is in: one prepare makes room for the whole payload.
  space = decoder.prepare(64);
  ASSERT_GE(space.size(), big.payload.size());
  std::memcpy(space.data(), bytes.data() + 24, big.payload.size());
  decoder.commit(big.payload.size());
  const std::optional<FrameView> frame = decoder.next();
  ASSERT_TRUE(frame);
  EXPECT_EQ(copy(*frame), big);
  EXPECT_GE(decoder.capacity(), bytes.size());
  (void)decoder.prepare(64 * 1024);
  EXPECT_EQ(decoder.capacity(), 64 * 1024u);
}

TEST(FrameDecoder, RejectsABadMagic) {
  std::string bytes = stream_of({sample_frames[0]});
  bytes[0] = 'Q';
  EXPECT_EQ(next_error(bytes), "bad frame magic 0x4F445251 (expected 0x4F445250, \"PRDO\")");
}

TEST(FrameDecoder, RejectsAnUnknownVersion) {
  std::string bytes = stream_of({sample_frames[0]});
  bytes[4] = 2;
  EXPECT_EQ(next_error(bytes), "unsupported frame version 2 (expected 1)");
}

TEST(FrameDecoder, RejectsAnUnknownKind) {
  std::string bytes = stream_of({sample_frames[0]});
  for (const int kind : {0, 5, 255}) {
    bytes[5] = static_cast<char>(kind);
    EXPECT_EQ(next_error(bytes), "unknown frame kind " + std::to_string(kind));
  }
  for (const int kind : {1, 2, 3, 4}) {
    bytes[5] = static_cast<char>(kind);
    EXPECT_EQ(next_error(bytes), "");
  }
}

TEST(FrameDecoder, ValidatesAHeaderAsSoonAsItArrives) {
  std::string bytes = header_only(FrameKind::task, 10);
  bytes[0] = 'X';
  // 23 bytes are not a header yet; the 24th makes one, and it is rejected although none
  // of its payload has arrived.
  EXPECT_EQ(next_error(std::string_view(bytes).substr(0, 23)), "");
  EXPECT_EQ(next_error(bytes), "bad frame magic 0x4F445258 (expected 0x4F445250, \"PRDO\")");
}

TEST(FrameDecoder, RejectsAnOversizedLengthWithoutGrowing) {
  FrameDecoder decoder(1024);
  const std::string ok = header_only(FrameKind::task, 1024);
  EXPECT_EQ(next_error(ok, 1024), "");
  const std::string bytes = header_only(FrameKind::task, 1025);
  std::span<char> space = decoder.prepare(64);
  const std::size_t capacity = decoder.capacity();
  EXPECT_EQ(capacity, 64u);
  std::memcpy(space.data(), bytes.data(), bytes.size());
  decoder.commit(bytes.size());
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      (void)decoder.next();
      FAIL() << "an oversized length was accepted";
    } catch (const SerializationError& e) {
      EXPECT_STREQ(e.what(), "frame payload length 1025 exceeds the limit of 1024 bytes");
    }
    // prepare() validates the header too, before it would reserve room for the payload.
    EXPECT_THROW((void)decoder.prepare(64), SerializationError);
    EXPECT_EQ(decoder.capacity(), capacity);
    EXPECT_EQ(decoder.buffered(), 24u);
  }
  // The default limit: 1 GiB.
  EXPECT_EQ(next_error(header_only(FrameKind::result, 0xFFFFFFFF),
                       pardo::detail::default_max_frame_payload),
            "frame payload length 4294967295 exceeds the limit of 1073741824 bytes");
}

TEST(FrameDecoder, CommitBeyondThePreparedSpaceThrows) {
  FrameDecoder decoder;
  const std::span<char> space = decoder.prepare(16);
  EXPECT_THROW(decoder.commit(space.size() + 1), std::out_of_range);
  EXPECT_NO_THROW(decoder.commit(space.size()));
  EXPECT_EQ(decoder.buffered(), space.size());
}

}  // namespace

// libFuzzer target for what a worker or parent reads off a socket: the input is fed to a
// FrameDecoder in two pieces, and each frame's payload is decoded as several types. Bad
// bytes must end in SerializationError, never in a crash, undefined behaviour, a leak or a
// huge allocation. What decodes must encode again to bytes that decode to the same bytes.
//
// With PARDO_FUZZ_WRITE_SEEDS=<dir> in the environment, the binary writes its seed corpus
// (valid frames of every type) into <dir> and exits; tests/fuzz/run.sh does that first.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <pardo/remote/wire.hpp>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>
#include "remote/frame.hpp"

namespace {

/// Exercises the cereal path: cereal's containers, optional, variant and bool checks.
struct Record {
  std::int32_t x = 0;
  std::string name;
  std::vector<double> values;
  std::optional<std::string> note;
  std::variant<std::int32_t, std::string> tag;
  std::map<std::string, std::vector<bool>> flags;
  std::unordered_map<std::int32_t, std::string> labels;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(x, name, values, note, tag, flags, labels);
  }
};

using Strings = std::vector<std::string>;
using Table = std::map<std::string, std::vector<double>>;
using Mixed = std::tuple<int, std::optional<std::string>, std::vector<std::uint64_t>>;
using Choice = std::variant<std::monostate, std::int64_t, std::string, std::vector<bool>>;

template <class T>
std::string encode(const T& value) {
  std::string bytes;
  pardo::wire::Writer out(bytes);
  pardo::wire::encode(out, value);
  return bytes;
}

/// Decodes `payload` as T. If it decodes, its encoding must decode again, to a value that
/// encodes to the same bytes (bytes, not values: NaN != NaN). Record is exempt from the
/// byte comparison, since an unordered_map's iteration order may change on re-insertion.
template <class T>
void try_decode(std::string_view payload) {
  std::string again;
  try {
    pardo::wire::Reader in(payload);
    const T value = pardo::wire::decode<T>(in);
    in.expect_end();
    again = encode(value);
  } catch (const pardo::SerializationError&) {
    return;
  }
  pardo::wire::Reader in(again);
  const T copy = pardo::wire::decode<T>(in);
  in.expect_end();
  if (!std::is_same_v<T, Record> && encode(copy) != again) std::abort();
}

void decode_payload(std::string_view payload) {
  try_decode<Strings>(payload);
  try_decode<Table>(payload);
  try_decode<Mixed>(payload);
  try_decode<Choice>(payload);
  try_decode<Record>(payload);
}

/// Feeds `bytes` through prepare/commit in pieces of at most `piece` bytes.
bool feed(pardo::detail::FrameDecoder& decoder, std::string_view bytes, std::size_t piece) {
  try {
    while (!bytes.empty()) {
      const std::span<char> space = decoder.prepare(piece);
      const std::size_t n = std::min({piece, space.size(), bytes.size()});
      std::memcpy(space.data(), bytes.data(), n);
      decoder.commit(n);
      bytes.remove_prefix(n);
      while (auto frame = decoder.next()) decode_payload(frame->payload);
    }
  } catch (const pardo::SerializationError&) {
    return false;  // a bad header: the connection would be closed here
  }
  return true;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    std::perror(path.c_str());
    std::exit(1);
  }
  std::fclose(f);
}

template <class T>
void append_frame(std::string& out, pardo::detail::FrameKind kind, std::uint64_t id,
                  const T& value) {
  const std::size_t at = pardo::detail::begin_frame(out, kind, id);
  pardo::wire::Writer writer(out);
  pardo::wire::encode(writer, value);
  pardo::detail::end_frame(out, at);
}

void write_seeds(const std::string& dir) {
  using pardo::detail::FrameKind;
  Record record;
  record.x = 7;
  record.name = "seed";
  record.values = {1.5, -2.0};
  record.note = "note";
  record.tag = std::string("tag");
  record.flags = {{"f", {true, false}}};
  record.labels = {{1, "one"}};

  std::string all;
  append_frame(all, FrameKind::task, 1, Strings{"a", "", "bcd"});
  append_frame(all, FrameKind::result, 2, Table{{"k", {1.0, 2.0}}, {"", {}}});
  append_frame(all, FrameKind::task, 3, Mixed{-1, "opt", {1, 2, 3}});
  append_frame(all, FrameKind::task, 4, Mixed{0, std::nullopt, {}});
  append_frame(all, FrameKind::result, 5, Choice{std::string("choice")});
  append_frame(all, FrameKind::result, 6, Choice{std::vector<bool>{true, false}});
  append_frame(all, FrameKind::task, 7, record);
  write_file(dir + "/all_types", all);

  std::string one;
  append_frame(one, FrameKind::hello, 0, Strings{"hello"});
  write_file(dir + "/hello", one);
  std::string rec;
  append_frame(rec, FrameKind::exit, 9, record);
  write_file(dir + "/record", rec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("PARDO_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first byte picks where the stream splits, and how large the reads are.
  const std::size_t split = size == 0 ? 0 : std::size_t{data[0]} * size / 256;
  const std::size_t piece = size == 0 ? 1 : std::size_t{data[size - 1]} % 97 + 1;
  pardo::detail::FrameDecoder decoder(std::size_t{1} << 16);
  if (feed(decoder, bytes.substr(0, split), piece)) feed(decoder, bytes.substr(split), 4096);
  return 0;
}

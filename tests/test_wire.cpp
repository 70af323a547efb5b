// The wire format: round trips, exact layouts, and every way bad bytes are rejected.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <pardo/remote/wire.hpp>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace {

using pardo::Serializable;
using pardo::SerializationError;
using pardo::wire::Reader;
using pardo::wire::Writer;

/// A class that travels through cereal: strings, vectors and the other standard types.
struct Sample {
  int x = 0;
  std::string name;
  std::vector<double> values;
  std::optional<std::string> note;
  std::variant<int, std::string> tag;
  std::map<std::string, std::vector<bool>> flags;
  std::unordered_map<int, std::string> labels;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(x, name, values, note, tag, flags, labels);
  }
  bool operator==(const Sample&) const = default;
};

/// Split save/load, as cereal allows.
class Counter {
 public:
  Counter() = default;
  explicit Counter(std::string label, std::int64_t count)
      : label_(std::move(label)), count_(count) {}

  template <class Archive>
  void save(Archive& ar) const {
    ar(label_, count_);
  }
  template <class Archive>
  void load(Archive& ar) {
    ar(label_, count_);
  }
  bool operator==(const Counter&) const = default;

 private:
  std::string label_;
  std::int64_t count_ = 0;
};

/// A free serialize function.
struct Named {
  std::string first;
  std::string last;
  bool operator==(const Named&) const = default;
};
template <class Archive>
void serialize(Archive& ar, Named& n) {
  ar(n.first, n.last);
}

/// Trivially copyable: travels by memcpy, padding and all.
struct Plain {
  std::int32_t a;
  double b;
  char c;
  bool operator==(const Plain&) const = default;
};

/// Trivially copyable with a serialize(): memcpy still wins.
struct PlainWithSerialize {
  std::int32_t a;
  std::int32_t b;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(a, b);
  }
};

/// Not trivially copyable (a string), so its bool goes through cereal and is checked.
struct HasBool {
  bool on = false;
  std::string label;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(on, label);
  }
  bool operator==(const HasBool&) const = default;
};

/// Its serialize() writes nothing, which pardo refuses at encoding time.
struct WritesNothing {
  std::string unused;
  template <class Archive>
  void serialize(Archive&) {}
};

/// Copying throws, which leaves a variant holding it valueless.
struct ThrowsOnCopy {
  ThrowsOnCopy() = default;
  ThrowsOnCopy(const ThrowsOnCopy&) { throw std::runtime_error("no copies"); }
  ThrowsOnCopy& operator=(const ThrowsOnCopy&) = default;
  int value = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(value);
  }
};

struct NotSerializable {
  std::string text;
};

struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};

enum class Colour : std::uint8_t { red = 1, green = 2 };

template <class T>
std::string encoded(const T& value) {
  std::string bytes;
  Writer out(bytes);
  pardo::wire::encode(out, value);
  return bytes;
}

template <class T>
T round_trip(const T& value) {
  const std::string bytes = encoded(value);
  Reader in(bytes);
  T back = pardo::wire::decode<T>(in);
  in.expect_end();
  return back;
}

/// The message of the SerializationError that decoding `bytes` as T throws, or "" if none.
template <class T>
std::string decode_error(std::string_view bytes) {
  Reader in(bytes);
  try {
    (void)pardo::wire::decode<T>(in);
  } catch (const SerializationError& e) {
    return e.what();
  }
  return "";
}

std::string u64(std::uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }
std::string u32(std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }

/// An allocator that records the largest request, to show decoding allocates nothing for
/// a count the bytes cannot back.
struct AllocationLog {
  static inline std::size_t largest = 0;
};
template <class T>
struct LoggingAllocator {
  using value_type = T;
  LoggingAllocator() = default;
  template <class U>
  LoggingAllocator(const LoggingAllocator<U>&) noexcept {}  // implicit: containers rebind
  T* allocate(std::size_t n) {
    AllocationLog::largest = std::max(AllocationLog::largest, n * sizeof(T));
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept { std::allocator<T>{}.deallocate(p, n); }
  template <class U>
  bool operator==(const LoggingAllocator<U>&) const noexcept {
    return true;
  }
};

// ---- What may travel, checked at compile time --------------------------------------------

static_assert(Serializable<int>);
static_assert(Serializable<bool>);
static_assert(Serializable<double>);
static_assert(Serializable<Colour>);
static_assert(Serializable<std::byte>);
static_assert(Serializable<Plain>);
static_assert(Serializable<Sample>);
static_assert(Serializable<Counter>);
static_assert(Serializable<Named>);
static_assert(Serializable<const std::string>);
static_assert(Serializable<std::u32string>);
static_assert(Serializable<std::vector<bool>>);
static_assert(Serializable<std::map<std::string, std::vector<std::optional<double>>>>);
static_assert(Serializable<std::unordered_map<int, Sample>>);
static_assert(Serializable<std::set<std::string>>);
static_assert(
    Serializable<std::tuple<int, std::optional<std::string>, std::vector<std::uint64_t>>>);
static_assert(Serializable<std::variant<std::monostate, int, std::string>>);
static_assert(Serializable<std::array<std::string, 3>>);
static_assert(Serializable<std::pair<std::string, Plain>>);

static_assert(!Serializable<int*>);
static_assert(!Serializable<const char*>);
static_assert(!Serializable<std::nullptr_t>);
static_assert(!Serializable<int Plain::*>);
static_assert(!Serializable<void (*)()>);
static_assert(!Serializable<std::string_view>);
static_assert(!Serializable<std::span<int>>);
static_assert(!Serializable<std::reference_wrapper<int>>);
static_assert(!Serializable<std::vector<int*>>);
static_assert(!Serializable<std::array<int*, 2>>);
static_assert(!Serializable<std::pair<int, int*>>);
static_assert(!Serializable<std::optional<void*>>);
static_assert(!Serializable<std::map<std::string, int*>>);
static_assert(!Serializable<std::variant<int, std::string_view>>);
static_assert(!Serializable<std::unique_ptr<int>>);
static_assert(!Serializable<NotSerializable>);
static_assert(!Serializable<std::vector<NotSerializable>>);
static_assert(!Serializable<NoDefault>);
static_assert(!Serializable<int&>);
static_assert(!Serializable<int[3]>);
static_assert(!Serializable<void>);

static_assert(pardo::detail::min_encoded_size<std::uint16_t>() == 2);
static_assert(pardo::detail::min_encoded_size<Plain>() == sizeof(Plain));
static_assert(pardo::detail::min_encoded_size<bool>() == 1);
static_assert(pardo::detail::min_encoded_size<std::string>() == 8);
static_assert(pardo::detail::min_encoded_size<std::optional<Plain>>() == 1);
static_assert(pardo::detail::min_encoded_size<std::variant<std::string, char>>() == 5);
static_assert(pardo::detail::min_encoded_size<std::pair<bool, std::string>>() == 9);
static_assert(pardo::detail::min_encoded_size<std::tuple<>>() == 1);
static_assert(pardo::detail::min_encoded_size<std::array<std::string, 0>>() == 1);
static_assert(pardo::detail::min_encoded_size<Sample>() == 1);

// ---- Reader and Writer ------------------------------------------------------------------

TEST(WireReader, ReadTakeAndRemaining) {
  const std::string bytes = "\x01\x02\x03\x04hello";
  Reader in(bytes);
  EXPECT_EQ(in.remaining(), 9u);
  std::uint32_t word = 0;
  in.read(&word, sizeof word);
  EXPECT_EQ(word, 0x04030201u);
  const std::string_view hello = in.take(5);
  EXPECT_EQ(hello, "hello");
  EXPECT_EQ(hello.data(), bytes.data() + 4);  // a view into the input, not a copy
  EXPECT_EQ(in.remaining(), 0u);
  EXPECT_NO_THROW(in.expect_end());
  EXPECT_EQ(in.take(0), "");
}

TEST(WireReader, ReadingPastTheEndThrowsAndConsumesNothing) {
  const std::string bytes = "abc";
  Reader in(bytes);
  char buffer[8] = {};
  try {
    in.read(buffer, 5);
    FAIL() << "read past the end";
  } catch (const SerializationError& e) {
    EXPECT_STREQ(e.what(), "truncated: need 5 bytes, 3 left");
  }
  EXPECT_EQ(in.remaining(), 3u);
  try {
    (void)in.take(4);
    FAIL() << "take past the end";
  } catch (const SerializationError& e) {
    EXPECT_STREQ(e.what(), "truncated: need 4 bytes, 3 left");
  }
  EXPECT_EQ(in.take(3), "abc");
}

TEST(WireReader, ExpectEndNamesTheTrailingBytes) {
  std::string bytes = encoded(std::int32_t{5}) + "xyz";
  Reader in(bytes);
  EXPECT_EQ(pardo::wire::decode<std::int32_t>(in), 5);
  try {
    in.expect_end();
    FAIL() << "trailing bytes accepted";
  } catch (const SerializationError& e) {
    EXPECT_STREQ(e.what(), "3 trailing bytes after the value");
  }
  bytes.resize(5);
  Reader one(bytes);
  (void)pardo::wire::decode<std::int32_t>(one);
  EXPECT_THROW(
      {
        try {
          one.expect_end();
        } catch (const SerializationError& e) {
          EXPECT_STREQ(e.what(), "1 trailing byte after the value");
          throw;
        }
      },
      SerializationError);
}

TEST(WireWriter, AppendsToTheCallersString) {
  std::string bytes = "head";
  Writer out(bytes);
  out.write("ab", 2);
  out.write(nullptr, 0);
  pardo::wire::encode(out, std::uint8_t{7});
  EXPECT_EQ(&out.buffer(), &bytes);
  EXPECT_EQ(bytes, std::string("headab\x07"));
}

// ---- Exact layouts ----------------------------------------------------------------------

TEST(WireLayout, Scalars) {
  EXPECT_EQ(encoded(std::int32_t{0x01020304}), std::string("\x04\x03\x02\x01", 4));
  EXPECT_EQ(encoded(std::uint64_t{1}), std::string("\x01\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(encoded(true), std::string("\x01", 1));
  EXPECT_EQ(encoded(false), std::string("\x00", 1));
  EXPECT_EQ(encoded(Colour::green), std::string("\x02", 1));
  const double x = 1.5;
  EXPECT_EQ(encoded(x), std::string(reinterpret_cast<const char*>(&x), sizeof x));
}

TEST(WireLayout, StringsAndVectors) {
  EXPECT_EQ(encoded(std::string("ab")), u64(2) + "ab");
  EXPECT_EQ(encoded(std::string()), u64(0));
  EXPECT_EQ(encoded(std::vector<std::uint16_t>{1, 2}), u64(2) + std::string("\x01\x00\x02\x00", 4));
  EXPECT_EQ(encoded(std::vector<bool>{true, false, true}), u64(3) + std::string("\x01\x00\x01", 3));
  EXPECT_EQ(encoded(std::vector<std::string>{"a", ""}), u64(2) + u64(1) + "a" + u64(0));
}

TEST(WireLayout, OptionalVariantPairTupleMap) {
  EXPECT_EQ(encoded(std::optional<std::uint8_t>()), std::string("\x00", 1));
  EXPECT_EQ(encoded(std::optional<std::uint8_t>(7)), std::string("\x01\x07", 2));
  using V = std::variant<std::uint8_t, std::string>;
  EXPECT_EQ(encoded(V(std::uint8_t{9})), u32(0) + "\x09");
  EXPECT_EQ(encoded(V(std::string("x"))), u32(1) + u64(1) + "x");
  // Members one after the other, with no padding between them.
  EXPECT_EQ(encoded(std::pair<std::uint8_t, std::uint16_t>{1, 2}), std::string("\x01\x02\x00", 3));
  EXPECT_EQ(encoded(std::tuple<std::uint8_t, std::string>{3, "yz"}), "\x03" + u64(2) + "yz");
  EXPECT_EQ(encoded(std::map<std::uint8_t, bool>{{2, false}, {1, true}}),
            u64(2) + std::string("\x01\x01\x02\x00", 4));
  EXPECT_EQ(encoded(std::set<std::uint8_t>{5, 4}), u64(2) + "\x04\x05");
}

TEST(WireLayout, TriviallyCopyableTypesGoByMemcpy) {
  const Plain p{-3, 2.5, 'q'};
  const std::string bytes = encoded(p);
  ASSERT_EQ(bytes.size(), sizeof(Plain));
  EXPECT_EQ(std::memcmp(bytes.data(), &p, sizeof p), 0);
  EXPECT_EQ(encoded(PlainWithSerialize{1, 2}).size(), sizeof(PlainWithSerialize));
  EXPECT_EQ(encoded(std::array<std::int32_t, 4>{1, 2, 3, 4}).size(), 16u);
  EXPECT_EQ(encoded(std::vector<Plain>(5, p)).size(), 8 + 5 * sizeof(Plain));
  // Arrays of bool are checked byte by byte, so they go element-wise.
  EXPECT_EQ(encoded(std::array<bool, 3>{true, false, true}), std::string("\x01\x00\x01", 3));
}

TEST(WireLayout, CerealClassesUseTheirSerializeFunction) {
  // cereal writes each member in order: i32, then a u64 length and the bytes.
  EXPECT_EQ(encoded(Named{"ab", "c"}), u64(2) + "ab" + u64(1) + "c");
  EXPECT_EQ(encoded(Counter("n", 5)), u64(1) + "n" + u64(5));
  EXPECT_EQ(encoded(HasBool{true, "l"}), "\x01" + u64(1) + "l");
}

// ---- Round trips ------------------------------------------------------------------------

TEST(WireRoundTrip, Scalars) {
  EXPECT_EQ(round_trip(std::int8_t{-128}), -128);
  EXPECT_EQ(round_trip(std::uint16_t{65535}), 65535);
  EXPECT_EQ(round_trip(std::int64_t{std::numeric_limits<std::int64_t>::min()}),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(round_trip(std::uint64_t{0xDEADBEEFCAFEF00D}), 0xDEADBEEFCAFEF00Du);
  EXPECT_EQ(round_trip(3.25f), 3.25f);
  EXPECT_EQ(round_trip(std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::signbit(round_trip(-0.0)));
  EXPECT_TRUE(std::isnan(round_trip(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(round_trip(1.0L / 3), 1.0L / 3);
  EXPECT_EQ(round_trip('z'), 'z');
  EXPECT_EQ(round_trip(true), true);
  EXPECT_EQ(round_trip(false), false);
  EXPECT_EQ(round_trip(Colour::red), Colour::red);
  EXPECT_EQ(round_trip(std::byte{0xAB}), std::byte{0xAB});
}

TEST(WireRoundTrip, Strings) {
  EXPECT_EQ(round_trip(std::string()), "");
  const std::string with_nul("a\0b\0", 4);
  EXPECT_EQ(round_trip(with_nul), with_nul);
  const std::string big(1 << 20, 'x');
  EXPECT_EQ(round_trip(big), big);
  EXPECT_EQ(round_trip(std::u32string(U"π≈3.14")), U"π≈3.14");
}

TEST(WireRoundTrip, Vectors) {
  EXPECT_EQ(round_trip(std::vector<int>{}), std::vector<int>{});
  EXPECT_EQ(round_trip(std::vector<int>{1, -2, 3}), (std::vector<int>{1, -2, 3}));
  EXPECT_EQ(round_trip(std::vector<bool>{true, false, false, true, true}),
            (std::vector<bool>{true, false, false, true, true}));
  EXPECT_EQ(round_trip(std::vector<std::string>{"", "one", "two"}),
            (std::vector<std::string>{"", "one", "two"}));
  const std::vector<std::vector<int>> nested{{}, {1}, {2, 3}};
  EXPECT_EQ(round_trip(nested), nested);
  const std::vector<Plain> plains{{1, 1.5, 'a'}, {2, 2.5, 'b'}};
  EXPECT_EQ(round_trip(plains), plains);
  const std::vector<Named> names{{"Ada", "Lovelace"}, {"Alan", "Turing"}};
  EXPECT_EQ(round_trip(names), names);
}

TEST(WireRoundTrip, MapsAndSets) {
  const std::map<std::string, std::vector<std::optional<double>>> nested{
      {"a", {1.0, std::nullopt, -2.5}}, {"", {}}, {"b", {std::nullopt}}};
  EXPECT_EQ(round_trip(nested), nested);
  const std::unordered_map<int, std::string> hashed{{1, "one"}, {2, "two"}, {-7, ""}};
  EXPECT_EQ(round_trip(hashed), hashed);
  const std::set<std::string> names{"x", "y", "zz"};
  EXPECT_EQ(round_trip(names), names);
  const std::multimap<int, int> repeated{{1, 1}, {1, 2}, {0, 3}};
  EXPECT_EQ(round_trip(repeated), repeated);
  const std::multiset<char> letters{'a', 'a', 'b'};
  EXPECT_EQ(round_trip(letters), letters);
  const std::unordered_set<std::string> words{"p", "q"};
  EXPECT_EQ(round_trip(words), words);
  Sample one;
  one.x = 1;
  one.name = "s";
  const std::map<int, Sample> samples{{1, one}};
  EXPECT_EQ(round_trip(samples), samples);
}

TEST(WireRoundTrip, OptionalPairTupleArray) {
  EXPECT_EQ(round_trip(std::optional<std::string>()), std::nullopt);
  EXPECT_EQ(round_trip(std::optional<std::string>("here")), "here");
  EXPECT_EQ(round_trip(std::optional<std::vector<int>>(std::vector<int>{4})), std::vector<int>{4});
  EXPECT_EQ(round_trip(std::pair<std::string, int>{"k", 9}), (std::pair<std::string, int>{"k", 9}));
  using T = std::tuple<int, std::optional<std::string>, std::vector<std::uint64_t>>;
  EXPECT_EQ(round_trip(T{-1, "opt", {1, 2, 3}}), (T{-1, "opt", {1, 2, 3}}));
  EXPECT_EQ(round_trip(T{0, std::nullopt, {}}), (T{0, std::nullopt, {}}));
  EXPECT_EQ(round_trip(std::tuple<>{}), std::tuple<>{});
  EXPECT_EQ(round_trip(std::array<std::string, 3>{"a", "", "c"}),
            (std::array<std::string, 3>{"a", "", "c"}));
  EXPECT_EQ(round_trip(std::array<bool, 2>{false, true}), (std::array<bool, 2>{false, true}));
}

TEST(WireRoundTrip, VariantKeepsItsAlternative) {
  using V = std::variant<std::monostate, int, std::string, std::vector<double>>;
  for (const V& v : {V{}, V{42}, V{std::string("s")}, V{std::vector<double>{1.5}}}) {
    const V back = round_trip(v);
    EXPECT_EQ(back.index(), v.index());
    EXPECT_EQ(back, v);
  }
  // Two alternatives of one type: the index, not the type, decides.
  using Twin = std::variant<int, int>;
  EXPECT_EQ(round_trip(Twin(std::in_place_index<1>, 5)).index(), 1u);
}

TEST(WireRoundTrip, CerealClasses) {
  Sample s;
  s.x = -12;
  s.name = "sample";
  s.values = {0.5, 1e300, -0.0};
  s.note = "noted";
  s.tag = std::string("tagged");
  s.flags = {{"f", {true, false}}, {"g", {}}};
  s.labels = {{3, "three"}, {4, "four"}};
  EXPECT_EQ(round_trip(s), s);
  EXPECT_EQ(round_trip(Sample{}), Sample{});
  EXPECT_EQ(round_trip(Counter("hits", 1 << 20)), Counter("hits", 1 << 20));
  EXPECT_EQ(round_trip(Named{"x", "y"}), (Named{"x", "y"}));
}

TEST(WireRoundTrip, SeveralValuesInOneBufferAndDecodeInto) {
  std::string bytes;
  Writer out(bytes);
  pardo::wire::encode(out, 1);
  pardo::wire::encode(out, std::string("two"));
  pardo::wire::encode(out, std::vector<int>{3});
  Reader in(bytes);
  EXPECT_EQ(pardo::wire::decode<int>(in), 1);
  std::string two = "old contents that get replaced";
  pardo::wire::decode_into(in, two);
  EXPECT_EQ(two, "two");
  std::vector<int> three{9, 9, 9, 9};
  pardo::wire::decode_into(in, three);
  EXPECT_EQ(three, std::vector<int>{3});
  in.expect_end();
}

// ---- Rejections -------------------------------------------------------------------------

/// Decoding every proper prefix of a valid encoding must fail with SerializationError,
/// saying the bytes ran out or a count cannot fit; the whole encoding must decode.
template <class T>
void expect_every_prefix_rejected(const T& value) {
  const std::string bytes = encoded(value);
  ASSERT_GT(bytes.size(), 0u);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::string message = decode_error<T>(std::string_view(bytes).substr(0, n));
    const bool explained = message.starts_with("truncated: need ") ||
                           message.find(" needs at least ") != std::string::npos;
    EXPECT_TRUE(explained) << "prefix of " << n << " of " << bytes.size()
                           << " bytes: " << (message.empty() ? "accepted" : message);
  }
  EXPECT_EQ(decode_error<T>(bytes), "");
}

TEST(WireReject, TruncatedInputAtEveryPrefixLength) {
  expect_every_prefix_rejected(std::map<std::string, std::vector<std::optional<double>>>{
      {"a", {1.0, std::nullopt}}, {"bc", {}}});
  expect_every_prefix_rejected(
      std::tuple<int, std::optional<std::string>, std::vector<std::uint64_t>>{7, "s", {1, 2}});
  expect_every_prefix_rejected(std::variant<int, std::string>(std::string("var")));
  expect_every_prefix_rejected(std::vector<bool>{true, false, true});
  expect_every_prefix_rejected(Plain{1, 2.0, 'c'});
  Sample s;
  s.x = 1;
  s.name = "n";
  s.values = {2.0};
  s.note = "o";
  s.tag = std::string("t");
  s.flags = {{"k", {true}}};
  s.labels = {{1, "l"}};
  expect_every_prefix_rejected(s);
}

TEST(WireReject, OversizedCountsFailBeforeAllocating) {
  const std::uint64_t huge = std::uint64_t{1} << 60;
  EXPECT_EQ(decode_error<std::vector<std::int32_t>>(u64(huge)),
            "vector of 1152921504606846976 elements needs at least 4611686018427387904 "
            "bytes, 0 left");
  EXPECT_EQ(decode_error<std::vector<std::string>>(u64(huge) + "abcd"),
            "vector of 1152921504606846976 elements needs at least 9223372036854775808 "
            "bytes, 4 left");
  // count * element size overflows 64 bits.
  EXPECT_EQ(decode_error<std::vector<std::uint64_t>>(u64(~std::uint64_t{0})),
            "vector of 18446744073709551615 elements needs at least 2^64 bytes, 0 left");
  EXPECT_EQ(decode_error<std::string>(u64(10) + "short"),
            "string of 10 characters needs at least 10 bytes, 5 left");
  EXPECT_EQ((decode_error<std::map<std::int32_t, double>>(u64(2) + std::string(23, '\0'))),
            "map of 2 entries needs at least 24 bytes, 23 left");
  EXPECT_EQ(decode_error<std::set<std::string>>(u64(huge)),
            "set of 1152921504606846976 entries needs at least 9223372036854775808 bytes, 0 left");
  // An inner count is checked against what is left at that point.
  EXPECT_EQ(decode_error<std::vector<std::vector<char>>>(u64(1) + u64(huge)),
            "vector of 1152921504606846976 elements needs at least 1152921504606846976 bytes, "
            "0 left");
  // Inside a cereal class, cereal's containers are bounded the same way.
  EXPECT_EQ(decode_error<Named>(u64(huge)),
            "container of 1152921504606846976 elements needs at least 1152921504606846976 "
            "bytes, 0 left");

  AllocationLog::largest = 0;
  using LoggedVector = std::vector<double, LoggingAllocator<double>>;
  EXPECT_NE(decode_error<LoggedVector>(u64(huge) + std::string(64, '\0')), "");
  using LoggedString = std::basic_string<char, std::char_traits<char>, LoggingAllocator<char>>;
  EXPECT_NE(decode_error<LoggedString>(u64(huge) + std::string(64, '\0')), "");
  using LoggedMap = std::map<int, int, std::less<>, LoggingAllocator<std::pair<const int, int>>>;
  EXPECT_NE(decode_error<LoggedMap>(u64(huge) + std::string(64, '\0')), "");
  EXPECT_EQ(AllocationLog::largest, 0u);
  // The same types do allocate for counts the bytes back.
  const std::string two = encoded(std::vector<double>{1, 2});
  Reader fits(two);
  EXPECT_EQ(pardo::wire::decode<LoggedVector>(fits).size(), 2u);
  EXPECT_EQ(AllocationLog::largest, 2 * sizeof(double));
}

TEST(WireReject, BadBoolOptionalAndVariantBytes) {
  EXPECT_EQ(decode_error<bool>(std::string("\x02", 1)), "bool byte 2 (expected 0 or 1)");
  EXPECT_EQ(decode_error<std::vector<bool>>(u64(2) + std::string("\x01\xff", 2)),
            "bool byte 255 (expected 0 or 1)");
  EXPECT_EQ((decode_error<std::array<bool, 1>>(std::string("\x07", 1))),
            "bool byte 7 (expected 0 or 1)");
  EXPECT_EQ(decode_error<std::optional<int>>(std::string("\x02\0\0\0\0", 5)),
            "optional flag byte 2 (expected 0 or 1)");
  using V = std::variant<int, std::string>;
  EXPECT_EQ(decode_error<V>(u32(2) + std::string(8, '\0')),
            "variant index 2 out of range (the variant has 2 alternatives)");
  EXPECT_EQ(decode_error<V>(u32(0xFFFFFFFF) + std::string(8, '\0')),
            "variant index 4294967295 out of range (the variant has 2 alternatives)");
  // The same checks inside a cereal class.
  EXPECT_EQ(decode_error<HasBool>("\x03" + u64(0)), "bool byte 3 (expected 0 or 1)");
  Sample s;
  s.tag = 5;
  std::string bytes = encoded(s);
  // Sample's layout: x, name, values, then note's flag (1 = empty in cereal), then tag's
  // i32 index.
  const std::size_t note_at = 4 + 8 + 8;
  ASSERT_EQ(bytes[note_at], '\x01');
  bytes[note_at] = '\x02';
  EXPECT_EQ(decode_error<Sample>(bytes), "bool byte 2 (expected 0 or 1)");
  bytes[note_at] = '\x01';
  bytes.replace(note_at + 1, 4, u32(7));
  EXPECT_EQ(decode_error<Sample>(bytes),
            "malformed cereal data: Invalid 'index' selector when deserializing std::variant");
  bytes.replace(note_at + 1, 4, u32(0xFFFFFFFF));
  EXPECT_EQ(decode_error<Sample>(bytes),
            "malformed cereal data: Error traversing variant during load");
}

TEST(WireReject, RepeatedKeysInUniqueContainers) {
  const std::string pairs = encoded(std::multimap<int, char>{{1, 'a'}, {1, 'b'}});
  EXPECT_EQ((decode_error<std::map<int, char>>(pairs)), "map entry 1 of 2 repeats an earlier key");
  EXPECT_EQ((decode_error<std::unordered_map<int, char>>(pairs)),
            "map entry 1 of 2 repeats an earlier key");
  EXPECT_EQ((decode_error<std::multimap<int, char>>(pairs)), "");
  const std::string keys = encoded(std::multiset<std::string>{"k", "k", "k"});
  EXPECT_EQ(decode_error<std::set<std::string>>(keys), "set entry 1 of 3 repeats an earlier key");
}

TEST(WireReject, ValuesThatCannotBeEncoded) {
  std::variant<int, ThrowsOnCopy> valueless;
  EXPECT_THROW(valueless = ThrowsOnCopy{}, std::runtime_error);
  ASSERT_TRUE(valueless.valueless_by_exception());
  std::string bytes;
  Writer out(bytes);
  try {
    pardo::wire::encode(out, valueless);
    FAIL() << "a valueless variant was encoded";
  } catch (const SerializationError& e) {
    EXPECT_STREQ(e.what(), "cannot encode a variant that is valueless by exception");
  }
  EXPECT_EQ(bytes, "");
  try {
    pardo::wire::encode(out, WritesNothing{});
    FAIL() << "an empty encoding was accepted";
  } catch (const SerializationError& e) {
    EXPECT_STREQ(e.what(),
                 "a cereal serialize() wrote no bytes: pardo needs at least one byte per value");
  }
}

}  // namespace

// read_npy: numpy .npy arrays (versions 1.0 to 3.0; float64, float32, int32, int64 of either
// byte order; 1-D and 2-D in C or Fortran order) as a Dataset, and clear refusals of the
// rest. The files are built byte by byte as numpy.lib.format writes them.

#include <gmock/gmock.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <pardo/stats/csv.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using pardo::stats::NaPolicy;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The preamble and header numpy writes: magic, version, header length (2 bytes for 1.0, 4
// after), the dict, spaces and a newline to a multiple of 64 bytes.
std::string npy_header(const std::string& descr, bool fortran, const std::string& shape,
                       int major = 1) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                     ", 'shape': " + shape + ", }";
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t preamble = 8 + length_bytes;
  dict.append(63 - (preamble + dict.size()) % 64, ' ');
  dict.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back('\0');
  for (std::size_t i = 0; i < length_bytes; ++i) {
    out.push_back(static_cast<char>((dict.size() >> (8 * i)) & 0xFFU));
  }
  return out + dict;
}

template <class T>
std::string npy_bytes(const std::vector<T>& values, bool big_endian = false) {
  std::string out;
  for (const T v : values) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    if (big_endian) std::reverse(bytes, bytes + sizeof(T));
    out.append(bytes, sizeof(T));
  }
  return out;
}

pardo::stats::Dataset read(const std::string& bytes, NaPolicy na = NaPolicy::error) {
  std::istringstream in(bytes);
  return pardo::stats::read_npy(in, "arr", na);
}

void expect_error(const std::string& bytes, const std::string& message) {
  EXPECT_THAT([&] { (void)read(bytes); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr(message)));
}

TEST(ReadNpy, ReadsAOneDimensionalFloat64Array) {
  const auto d = read(npy_header("<f8", false, "(3,)") + npy_bytes<double>({1.5, -2, 1e308}));
  EXPECT_EQ(d.name, "arr");
  EXPECT_THAT(d.columns, ElementsAre("x1"));
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(1.5, -2.0, 1e308)));
}

TEST(ReadNpy, ReadsTwoDimensionalArraysInCAndFortranOrder) {
  // [[1, 2, 3], [4, 5, 6]]: three columns of two rows.
  const auto c = read(npy_header("<f8", false, "(2, 3)") + npy_bytes<double>({1, 2, 3, 4, 5, 6}));
  EXPECT_THAT(c.columns, ElementsAre("x1", "x2", "x3"));
  EXPECT_THAT(c.data, ElementsAre(ElementsAre(1, 4), ElementsAre(2, 5), ElementsAre(3, 6)));
  const auto f = read(npy_header("<f8", true, "(2, 3)") + npy_bytes<double>({1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(f.data, c.data);
}

TEST(ReadNpy, ReadsEveryDtypeAndByteOrder) {
  const std::vector<std::vector<double>> want{{1, -2, 3}};
  EXPECT_EQ(read(npy_header("<f4", false, "(3,)") + npy_bytes<float>({1, -2, 3})).data, want);
  EXPECT_EQ(read(npy_header("<i4", false, "(3,)") + npy_bytes<std::int32_t>({1, -2, 3})).data,
            want);
  EXPECT_EQ(read(npy_header("<i8", false, "(3,)") + npy_bytes<std::int64_t>({1, -2, 3})).data,
            want);
  EXPECT_EQ(read(npy_header(">f8", false, "(3,)") + npy_bytes<double>({1, -2, 3}, true)).data,
            want);
  EXPECT_EQ(read(npy_header(">i4", false, "(3,)") + npy_bytes<std::int32_t>({1, -2, 3}, true)).data,
            want);
  EXPECT_EQ(read(npy_header(">f4", true, "(3, 1)") + npy_bytes<float>({1, -2, 3}, true)).data,
            want);
}

TEST(ReadNpy, ReadsFormatVersions2And3) {
  for (const int major : {2, 3}) {
    const auto d = read(npy_header("<f8", false, "(2, 1)", major) + npy_bytes<double>({0.25, 0.5}));
    EXPECT_THAT(d.data, ElementsAre(ElementsAre(0.25, 0.5))) << major;
  }
}

TEST(ReadNpy, NanIsAMissingValue) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string bytes =
      npy_header("<f8", false, "(3, 2)") + npy_bytes<double>({1, 2, 3, nan, 5, 6});
  expect_error(bytes, "read_npy: arr: row 2, column 2 ('x2'): missing value (NaN)");
  const auto d = read(bytes, NaPolicy::drop);
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(1, 5), ElementsAre(2, 6)));
  EXPECT_EQ(d.dropped_rows, 1u);
  expect_error(npy_header("<f4", false, "(1,)") + npy_bytes<float>({std::nanf("")}),
               "arr: row 1, column 1 ('x1'): missing value (NaN)");
  // Infinity is a number.
  EXPECT_TRUE(std::isinf(
      read(npy_header("<f8", false, "(1,)") + npy_bytes<double>({HUGE_VAL})).data[0][0]));
}

TEST(ReadNpy, RefusesWhatIsNotANumericTable) {
  expect_error("x,y\n1,2\n", "arr: not a .npy file (no \\x93NUMPY magic)");
  expect_error(npy_header("|O", false, "(2,)") + std::string(16, '\0'),
               "arr: an object array (dtype '|O') is not supported: float64, float32, int32 "
               "or int64");
  expect_error(npy_header("<c16", false, "(1,)") + std::string(16, '\0'),
               "arr: this dtype (dtype '<c16') is not supported");
  expect_error(npy_header("|b1", false, "(1,)") + std::string(1, '\0'), "dtype '|b1'");
  expect_error(npy_header("<U3", false, "(1,)") + std::string(12, '\0'), "dtype '<U3'");
  std::string structured = npy_header("<f8", false, "(1,)");
  structured.replace(structured.find("'<f8'"), 5, "[('a', '<f8')]");
  expect_error(structured + std::string(8, '\0'), "arr: a structured dtype");
  expect_error(npy_header("<f8", false, "(2, 2, 2)") + npy_bytes<double>(std::vector<double>(8)),
               "arr: a 3-D array; only 1-D (one column) and 2-D (columns) arrays are tables");
  expect_error(npy_header("<f8", false, "()") + npy_bytes<double>({1}), "arr: a 0-D array");
  expect_error(npy_header("<f8", false, "(0,)"), "arr: no rows");
  expect_error(npy_header("<f8", false, "(3, 0)"), "arr: no columns");
  expect_error(npy_header("<f8", false, "(3, 2)") + npy_bytes<double>({1, 2, 3, 4, 5}),
               "arr: truncated: the shape needs 3 x 2 values, the file holds 5");
  expect_error(npy_header("<f8", false, "(2,)") + npy_bytes<double>({1, 2, 3}),
               "arr: trailing bytes after the 2 values");
  expect_error(npy_header("<f8", false, "(2,)").substr(0, 30), "arr: truncated");
  std::string version = npy_header("<f8", false, "(1,)") + npy_bytes<double>({1});
  version[6] = 4;
  expect_error(version, "arr: .npy format version 4.x is not supported (1.0, 2.0 or 3.0)");
}

// Property: every prefix of a valid file, and the file with any one byte of its header
// changed, is read or refused with std::invalid_argument.
TEST(ReadNpy, DamagedFilesAreReadOrRefused) {
  const std::string good =
      npy_header("<f8", false, "(3, 2)") + npy_bytes<double>({1, 2, 3, 4, 5, 6});
  const std::size_t header = good.size() - 48;
  const auto read_or_refuse = [](const std::string& bytes) {
    try {
      const auto d = read(bytes, NaPolicy::drop);
      EXPECT_GT(d.rows(), 0u);
    } catch (const std::invalid_argument&) {
    }
  };
  for (std::size_t n = 0; n < good.size(); ++n) {
    EXPECT_THROW((void)read(good.substr(0, n)), std::invalid_argument) << n;
  }
  for (std::size_t i = 0; i < header; ++i) {
    for (const char c : {'\0', '\x7f', '\xff', '(', ')', ',', '\'', '9', '>', ' '}) {
      std::string bad = good;
      bad[i] = c;
      read_or_refuse(bad);
    }
  }
}

TEST(ReadNpy, ReadsAFileNamedAfterItsStem) {
  const std::string path = ::testing::TempDir() + "/pardo_read_npy_sample.npy";
  std::ofstream(path, std::ios::binary)
      << npy_header("<i8", false, "(2,)") + npy_bytes<std::int64_t>({7, 9});
  const auto d = pardo::stats::read_npy(path);
  EXPECT_EQ(d.name, "pardo_read_npy_sample");
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(7.0, 9.0)));
  std::filesystem::remove(path);
  EXPECT_THAT([&] { (void)pardo::stats::read_npy(path); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr(
                  "pardo_read_npy_sample.npy: cannot open the file: No such file or directory")));
  EXPECT_THAT([] { (void)pardo::stats::read_npy(::testing::TempDir()); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("is a directory")));
}

TEST(ReadNpy, RecognisesTheMagic) {
  EXPECT_TRUE(pardo::stats::is_npy_magic(npy_header("<f8", false, "(1,)")));
  EXPECT_FALSE(pardo::stats::is_npy_magic("x,y\n"));
  EXPECT_FALSE(pardo::stats::is_npy_magic("\x93NUM"));
}

}  // namespace

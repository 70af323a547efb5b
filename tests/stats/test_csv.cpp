// read_csv: numeric CSV as R, pandas and spreadsheets write it (quotes, BOM, CRLF, comments,
// comma, semicolon or tab, missing values) from a stream or a file, and errors that name the
// source, line and column.

#include <gmock/gmock.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <pardo/stats/csv.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

using pardo::stats::CsvDelimiter;
using pardo::stats::CsvHeader;
using pardo::stats::CsvOptions;
using pardo::stats::NaPolicy;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

pardo::stats::Dataset read(const std::string& text, CsvOptions options = {}) {
  std::istringstream in(text);
  return pardo::stats::read_csv(in, "src", options);
}

void expect_error(const std::string& text, const std::string& message, CsvOptions options = {}) {
  EXPECT_THAT([&] { (void)read(text, options); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr(message)))
      << text;
}

TEST(ReadCsv, DetectsAHeader) {
  std::istringstream in("a, b\n1,2\n\n+3, -4.5\r\n");
  const auto d = pardo::stats::read_csv(in, "src");
  EXPECT_EQ(d.name, "src");
  EXPECT_THAT(d.columns, ElementsAre("a", "b"));
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(1.0, 3.0), ElementsAre(2.0, -4.5)));
  EXPECT_EQ(d.dropped_rows, 0u);
}

TEST(ReadCsv, NamesTheColumnsOfAHeaderlessInput) {
  const auto d = read("1,2,3\n4,5,6\n");
  EXPECT_THAT(d.columns, ElementsAre("x1", "x2", "x3"));
  EXPECT_EQ(d.rows(), 2u);
  EXPECT_THAT(d.data[2], ElementsAre(3.0, 6.0));
}

TEST(ReadCsv, ARequiredHeaderMayLookLikeNumbers) {
  const auto d = read("1,2\n3,4\n", {.header = CsvHeader::required});
  EXPECT_THAT(d.columns, ElementsAre("1", "2"));
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(3.0), ElementsAre(4.0)));
}

TEST(ReadCsv, ReadsQuotedFields) {
  // Quoted numbers, delimiters, doubled quotes and a line break inside quotes.
  const auto d = read("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n\"1\", \"2.5\" ,3\n");
  EXPECT_THAT(d.columns, ElementsAre("a,b", "say \"hi\"", "two\nlines"));
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(1.0), ElementsAre(2.5), ElementsAre(3.0)));
}

TEST(ReadCsv, SkipsTheRowNameColumnOfRWriteCsv) {
  // write.csv(data.frame(x = c(1.5, 2), y = c(3, NA))) with its row names.
  const auto d = read("\"\",\"x\",\"y\"\r\n\"1\",1.5,3\r\n\"2\",2,NA\r\n", {.na = NaPolicy::drop});
  EXPECT_THAT(d.columns, ElementsAre("x", "y"));
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(1.5), ElementsAre(3.0)));
  EXPECT_EQ(d.dropped_rows, 1u);
  // pandas' to_csv writes its index under an empty, unquoted name.
  EXPECT_THAT(read(",x\n0,1\n1,2\n").columns, ElementsAre("x"));
  // Row names that are not numbers are never read.
  EXPECT_THAT(read("\"\",\"x\"\n\"alice\",1\n\"bob\",2\n").data, ElementsAre(ElementsAre(1, 2)));
}

TEST(ReadCsv, SkipsABomCommentsAndBlankLinesWithCrlf) {
  const auto d = read("\xEF\xBB\xBF# units: cm\r\n\r\nh,w\r\n  \r\n170,65\r\n# mid\r\n180,80\r\n");
  EXPECT_THAT(d.columns, ElementsAre("h", "w"));
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(170, 180), ElementsAre(65, 80)));
}

TEST(ReadCsv, RefusesUtf16) { expect_error(std::string("\xFF\xFEx\0\n\0", 6), "src: UTF-16 text"); }

TEST(ReadCsv, DetectsTheDelimiter) {
  EXPECT_THAT(read("a;b\n1.5;2\n").data, ElementsAre(ElementsAre(1.5), ElementsAre(2.0)));
  EXPECT_THAT(read("a\tb\n1.5\t2\n").data, ElementsAre(ElementsAre(1.5), ElementsAre(2.0)));
  EXPECT_THAT(read("a, b\n1,\t2\n").columns, ElementsAre("a", "b"));
  // Delimiters inside quotes do not count.
  EXPECT_THAT(read("\"a;1\",b\n1,2\n").columns, ElementsAre("a;1", "b"));
  EXPECT_THAT(read("# a;b,c\nx\n1\n").columns, ElementsAre("x"));
  // A tab file whose names hold spaces; tabs are blanks in a comma file.
  EXPECT_THAT(read("first name\tage\n1\t2\n").columns, ElementsAre("first name", "age"));
  expect_error("a,b;c\n1,2\n",
               "src:1: ambiguous delimiter: the first line has both ',' and ';' outside quotes");
  expect_error("# note\n1,5;2,5\n", "src:2: ambiguous delimiter");
}

TEST(ReadCsv, TakesAGivenDelimiter) {
  const auto d = read("a,b;c\n1;2\n", {.delimiter = CsvDelimiter::semicolon});
  EXPECT_THAT(d.columns, ElementsAre("a,b", "c"));
  EXPECT_THAT(read("a b\tc\n1\t2\n", {.delimiter = CsvDelimiter::tab}).columns,
              ElementsAre("a b", "c"));
  EXPECT_THAT(read("a;b\n1\n", {.delimiter = CsvDelimiter::comma}).columns, ElementsAre("a;b"));
}

TEST(ReadCsv, NamesADecimalComma) {
  expect_error("a;b\n1,5;2\n",
               "src:2:1: field 1 ('a') '1,5' is not a number (a decimal comma? numbers take '.')");
}

TEST(ReadCsv, MissingValuesAreAnErrorByDefault) {
  expect_error("y,x\n1,2\n3,NA\n", "read_csv: src:3:2: missing value 'NA' in column 'x'");
  expect_error("y,x\n1,\n", "src:2:2: missing value (an empty field) in column 'x'");
  expect_error("y,x\n1,2\n\"\",2\n", "src:3:1: missing value (an empty field) in column 'y'");
  for (const std::string token : {"nan", "NaN", "-nan", "NAN", "N/A", "n/a", "#N/A", "NULL", "null",
                                  "None", "<NA>", "\"NA\""}) {
    expect_error("y\n1\n" + token + "\n", "src:3:1: missing value");
  }
}

TEST(ReadCsv, DropsRowsWithMissingValues) {
  const auto d = read("y,x\n1,2\nNA,3\n4,\n\"\",5\n6,nan\n7,8\n", {.na = NaPolicy::drop});
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(1.0, 7.0), ElementsAre(2.0, 8.0)));
  EXPECT_EQ(d.dropped_rows, 4u);
  // A single-column file as pandas writes NaN: "" alone on its line.
  const auto one = read("v\n1\n\"\"\n3\n", {.na = NaPolicy::drop});
  EXPECT_THAT(one.data, ElementsAre(ElementsAre(1.0, 3.0)));
  expect_error("y\nNA\n", "src: no rows left after dropping 1 with missing values",
               {.na = NaPolicy::drop});
  // The header is still detected when the first row has missing values.
  EXPECT_THAT(read("1,NA\n3,4\n", {.na = NaPolicy::drop}).columns, ElementsAre("x1", "x2"));
}

TEST(ReadCsv, InfinityAndHugeValuesAreNumbers) {
  const double inf = std::numeric_limits<double>::infinity();
  const auto d = read("x\ninf\n-inf\nInfinity\n1e308\n-1e308\n");
  EXPECT_THAT(d.data[0], ElementsAre(inf, -inf, inf, 1e308, -1e308));
  expect_error("x\n1\n1e999\n", "src:3:1: field 1 ('x') '1e999' is beyond a double's range");
}

TEST(ReadCsv, ErrorsNameTheSourceLineAndColumn) {
  expect_error("y,x\n1,2\n3,oops\n", "read_csv: src:3:2: field 2 ('x') 'oops' is not a number");
  expect_error("y,x\n1,2\n3,4,5\n", "src:3:3: 3 fields where the header has 2");
  expect_error("1,2\n3\n", "src:2:2: 1 fields where the first row has 2");
  expect_error("a,,b\n1,2,3\n", "src:1:2: an empty column name in the header");
  expect_error("\n \n# only a comment\n", "src: empty: no header and no rows");
  expect_error("y,x\n", "src: no rows after the header");
  expect_error("1,2\n", "src: no rows after the header", {.header = CsvHeader::required});
  // Lines count from the top, comments, blank lines and quoted line breaks included.
  expect_error("# c\n\n\"y\nname\",x\n1,2\n3,x\n", "src:6:2: field 2 ('x') 'x' is not a number");
  expect_error("y,x\n1,\"2\n3,4\n", "src:2:2: a quoted field is not closed before the end");
  expect_error("y,x\n1,\"2\"3\n", "src:2:2: text after the closing quote of a field");
}

TEST(ReadCsv, ReadsAFileNamedAfterItsStem) {
  const std::string path = ::testing::TempDir() + "/pardo_read_csv_site.csv";
  std::ofstream(path) << "y;x\n1;2\n";
  const auto d = pardo::stats::read_csv(path);
  EXPECT_EQ(d.name, "pardo_read_csv_site");
  EXPECT_THAT(d.columns, ElementsAre("y", "x"));
  std::ofstream(path) << "y,x\n1,NA\n2,3\n";
  EXPECT_THAT(pardo::stats::read_csv(path, CsvOptions{.na = NaPolicy::drop}).data,
              ElementsAre(ElementsAre(2.0), ElementsAre(3.0)));
  EXPECT_THAT([&] { (void)pardo::stats::read_csv(path); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("pardo_read_csv_site.csv:2:2: missing value 'NA' in column 'x'")));
  std::filesystem::remove(path);
  EXPECT_THAT([&] { (void)pardo::stats::read_csv(path); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr(
                  "pardo_read_csv_site.csv: cannot open the file: No such file or directory")));
}

TEST(ReadCsv, SaysADirectoryIsADirectory) {
  EXPECT_THAT(
      [] { (void)pardo::stats::read_csv(::testing::TempDir()); },
      ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr(": is a directory, not a file")));
}

TEST(ReadCsv, GivesTheReasonAFileCannotBeRead) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  const std::string path = ::testing::TempDir() + "/pardo_read_csv_locked.csv";
  std::ofstream(path) << "x\n1\n";
  ::chmod(path.c_str(), 0);
  EXPECT_THAT([&] { (void)pardo::stats::read_csv(path); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("pardo_read_csv_locked.csv: cannot open the file: Permission denied")));
  std::filesystem::remove(path);
}

// Property: a random table, written with quoted names, CRLF or LF, a BOM or not, comments,
// and each delimiter, reads back exactly (shortest round-trip decimal text).
std::string number_text(double v) {
  std::array<char, 32> buffer{};
  const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v).ptr;
  return {buffer.data(), end};
}

TEST(ReadCsv, RandomTablesRoundTrip) {
  std::mt19937_64 rng(20261204);
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_int_distribution<std::size_t> size(1, 6);
  std::uniform_real_distribution<double> mantissa(-1, 1);
  std::uniform_int_distribution<int> exponent(-300, 300);
  const std::array<std::pair<char, CsvDelimiter>, 3> delimiters{
      {{',', CsvDelimiter::comma}, {';', CsvDelimiter::semicolon}, {'\t', CsvDelimiter::tab}}};
  for (int trial = 0; trial < 300; ++trial) {
    const auto [delimiter, kind] = delimiters[static_cast<std::size_t>(trial) % 3];
    const std::string eol = coin(rng) != 0 ? "\r\n" : "\n";
    const std::size_t width = size(rng);
    const std::size_t rows = size(rng) * 7;
    std::vector<std::string> names;
    std::vector<std::vector<double>> data(width);
    std::string text = coin(rng) != 0 ? "\xEF\xBB\xBF" : "";
    if (coin(rng) != 0) text += "# written by the test" + eol;
    for (std::size_t c = 0; c < width; ++c) {
      // Names with the delimiter, quotes and spaces, quoted as RFC 4180 says.
      names.push_back("col " + std::to_string(c) + delimiter + "\"q\"");
      text += (c > 0 ? std::string(1, delimiter) : "") + "\"col " + std::to_string(c) + delimiter +
              "\"\"q\"\"\"";
    }
    text += eol;
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t c = 0; c < width; ++c) {
        const double v = std::ldexp(mantissa(rng), exponent(rng));
        data[c].push_back(v);
        const std::string field = number_text(v);
        if (c > 0) text += delimiter;
        text += coin(rng) != 0 ? "\"" + field + "\"" : field;
      }
      text += eol;
    }
    for (const CsvDelimiter given : {CsvDelimiter::detect, kind}) {
      const auto d = read(text, {.delimiter = given});
      ASSERT_EQ(d.columns, names) << text;
      ASSERT_EQ(d.data, data) << text;
    }
  }
}

// Property: any text, however broken, is read or refused with std::invalid_argument.
TEST(ReadCsv, ArbitraryTextIsReadOrRefused) {
  constexpr std::string_view alphabet = ",;\t\"\n\r# 1.5eNA-x\xEF\xBB\xBF";
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  for (int trial = 0; trial < 5000; ++trial) {
    std::string text;
    for (std::size_t i = length(rng); i > 0; --i) text.push_back(alphabet[pick(rng)]);
    for (const NaPolicy na : {NaPolicy::error, NaPolicy::drop}) {
      try {
        const auto d = read(text, {.na = na});
        ASSERT_GT(d.rows(), 0u) << text;
        for (const auto& column : d.data) ASSERT_EQ(column.size(), d.rows()) << text;
      } catch (const std::invalid_argument&) {
      }
    }
  }
}

TEST(ReadCsv, Reads200000Rows) {
  // The speed is bench/stats/bench_input's: here, that a large table reads whole and exact.
  std::string text = "a,b,c\n";
  for (int i = 0; i < 200000; ++i) {
    text += std::to_string(i) + ",0." + std::to_string(i % 997) + ",-1.25e-3\n";
  }
  const auto d = read(text);
  ASSERT_EQ(d.rows(), 200000u);
  EXPECT_EQ(d.data[0].back(), 199999.0);
  EXPECT_EQ(d.data[1][1000], 0.3);
  EXPECT_EQ(d.data[2][123456], -1.25e-3);
}

}  // namespace

// read_csv: numeric CSV from a stream or a file, a header detected or required, and errors
// that name the source, line and field.

#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <pardo/stats/csv.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

using pardo::stats::CsvHeader;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

pardo::stats::Dataset read(const std::string& text, CsvHeader header = CsvHeader::detect) {
  std::istringstream in(text);
  return pardo::stats::read_csv(in, "src", header);
}

void expect_error(const std::string& text, const std::string& message,
                  CsvHeader header = CsvHeader::detect) {
  EXPECT_THAT([&] { (void)read(text, header); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr(message)))
      << text;
}

TEST(ReadCsv, DetectsAHeader) {
  const auto d = read("a, b\n1,2\n\n+3, -4.5\r\n");
  EXPECT_EQ(d.name, "src");
  EXPECT_THAT(d.columns, ElementsAre("a", "b"));
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(1.0, 3.0), ElementsAre(2.0, -4.5)));
}

TEST(ReadCsv, NamesTheColumnsOfAHeaderlessInput) {
  const auto d = read("1,2,3\n4,5,6\n");
  EXPECT_THAT(d.columns, ElementsAre("x1", "x2", "x3"));
  EXPECT_EQ(d.rows(), 2u);
  EXPECT_THAT(d.data[2], ElementsAre(3.0, 6.0));
}

TEST(ReadCsv, ARequiredHeaderMayLookLikeNumbers) {
  const auto d = read("1,2\n3,4\n", CsvHeader::required);
  EXPECT_THAT(d.columns, ElementsAre("1", "2"));
  EXPECT_THAT(d.data, ElementsAre(ElementsAre(3.0), ElementsAre(4.0)));
}

TEST(ReadCsv, ErrorsNameTheSourceLineAndField) {
  expect_error("y,x\n1,2\n3,oops\n", "read_csv: src:3: field 2 ('x') 'oops' is not a number");
  expect_error("y,x\n1,2\n3,4,5\n", "src:3: 3 fields where the header has 2");
  expect_error("1,2\n3\n", "src:2: 1 fields where the first row has 2");
  expect_error("1,,2\n", "src:1: an empty column name in the header");
  expect_error("y,x\n1,\n", "src:2: field 2 ('x') '' is not a number");
  expect_error("\n \n", "src: empty: no header and no rows");
  expect_error("y,x\n", "src: no rows after the header");
  expect_error("1,2\n", "src: no rows after the header", CsvHeader::required);
}

TEST(ReadCsv, ReadsAFileNamedAfterItsStem) {
  const std::string path = ::testing::TempDir() + "/pardo_read_csv_site.csv";
  std::ofstream(path) << "y,x\n1,2\n";
  const auto d = pardo::stats::read_csv(path);
  EXPECT_EQ(d.name, "pardo_read_csv_site");
  EXPECT_THAT(d.columns, ElementsAre("y", "x"));
  std::filesystem::remove(path);
  EXPECT_THAT([&] { (void)pardo::stats::read_csv(path); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("pardo_read_csv_site.csv: cannot open the file")));
}

}  // namespace

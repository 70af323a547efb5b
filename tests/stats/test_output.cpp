// write_csv, write_npy and write_table: what they write reads back, through pardo's own
// readers, to the same doubles; numpy's header layout; refusals and the system's reasons.
#include <gmock/gmock.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <pardo/stats/csv.hpp>
#include <pardo/stats/output.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using pardo::stats::NumberTable;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Values whose shortest round-trip form is long, tiny, huge, negative or integral.
NumberTable awkward() {
  return {.names = {"a", "b"},
          .values = {0.1, -2.5, 1.0 / 3.0, 1e308, 4.9406564584124654e-320, -0.0, 123456789.0,
                     2.2250738585072014e-308}};
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The data set read back holds the table's values, column by column, bit for bit.
void expect_values(const pardo::stats::Dataset& d, const NumberTable& t) {
  ASSERT_EQ(d.columns.size(), t.names.size());
  ASSERT_EQ(d.rows(), t.rows());
  for (std::size_t c = 0; c < t.names.size(); ++c) {
    for (std::size_t r = 0; r < t.rows(); ++r) {
      EXPECT_EQ(d.data[c][r], t.values[r * t.names.size() + c]) << "row " << r << " column " << c;
    }
  }
}

TEST(WriteCsv, ReadsBackToTheSameDoubles) {
  const NumberTable t = awkward();
  std::stringstream s;
  pardo::stats::write_csv(s, t);
  const auto d = pardo::stats::read_csv(s, "written", pardo::stats::CsvHeader::required);
  EXPECT_THAT(d.columns, ElementsAre("a", "b"));
  expect_values(d, t);
}

TEST(WriteCsv, QuotesNamesThatNeedIt) {
  std::stringstream s;
  pardo::stats::write_csv(s, {.names = {"plain", "a,b", "say \"hi\""}, .values = {1, 2, 3}});
  EXPECT_EQ(s.str(), "plain,\"a,b\",\"say \"\"hi\"\"\"\n1,2,3\n");
}

TEST(WriteCsv, WritesNonFiniteValuesByName) {
  const double inf = std::numeric_limits<double>::infinity();
  std::stringstream s;
  pardo::stats::write_csv(s, {.names = {"x"}, .values = {inf, -inf}});
  EXPECT_EQ(s.str(), "x\ninf\n-inf\n");
}

TEST(WriteCsv, RefusesATableWithoutColumnsOrWithAPartialRow) {
  std::stringstream s;
  EXPECT_THROW(pardo::stats::write_csv(s, {.names = {}, .values = {1}}), std::invalid_argument);
  try {
    pardo::stats::write_csv(s, {.names = {"a", "b"}, .values = {1, 2, 3}});
    FAIL() << "a partial row was written";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("3 values are not whole rows of 2 columns"));
  }
}

TEST(WriteNpy, HasNumpysHeaderAndReadsBack) {
  const NumberTable t = awkward();
  std::stringstream s;
  pardo::stats::write_npy(s, t);
  const std::string bytes = s.str();
  ASSERT_GE(bytes.size(), 10U);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header =
      static_cast<unsigned char>(bytes[8]) + 256U * static_cast<unsigned char>(bytes[9]);
  EXPECT_EQ((10 + header) % 64, 0U);
  EXPECT_EQ(bytes[10 + header - 1], '\n');
  EXPECT_THAT(bytes.substr(10, header),
              HasSubstr("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }"));
  EXPECT_EQ(bytes.size(), 10 + header + 8 * sizeof(double));
  std::stringstream in(bytes);
  const auto d = pardo::stats::read_npy(in, "written");
  expect_values(d, t);
}

TEST(WriteNpy, OneColumnIsAOneDimensionalArray) {
  std::stringstream s;
  pardo::stats::write_npy(s, {.names = {"x"}, .values = {1, 2, 3}});
  EXPECT_THAT(s.str(), HasSubstr("'shape': (3,), }"));
  std::stringstream in(s.str());
  EXPECT_THAT(pardo::stats::read_npy(in, "x").data.at(0), ElementsAre(1.0, 2.0, 3.0));
}

class WriteTable : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pardo_output_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(WriteTable, ChoosesTheFormatByTheExtension) {
  const NumberTable t{.names = {"x", "y"}, .values = {1, 2, 3, 4}};
  const std::string csv = (dir_ / "t.csv").string();
  const std::string npy = (dir_ / "t.NPY").string();
  pardo::stats::write_table(csv, t);
  pardo::stats::write_table(npy, t);
  EXPECT_EQ(read_all(csv), "x,y\n1,2\n3,4\n");
  EXPECT_EQ(read_all(npy).substr(0, 6), "\x93NUMPY");
  EXPECT_TRUE(pardo::stats::is_npy_path(npy));
  EXPECT_FALSE(pardo::stats::is_npy_path(csv));
}

TEST_F(WriteTable, NamesTheFileAndTheReasonItCannotBeCreated) {
  const std::string path = (dir_ / "missing" / "t.csv").string();
  try {
    pardo::stats::write_table(path, {.names = {"x"}, .values = {1}});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot create " + path + ": No such file or directory"));
  }
}

TEST_F(WriteTable, SaysTheDiskIsFull) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  const NumberTable big{.names = {"x"}, .values = std::vector<double>(1 << 16, 0.5)};
  try {
    pardo::stats::write_table("/dev/full", big);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot write /dev/full: No space left on device"));
  }
}

}  // namespace

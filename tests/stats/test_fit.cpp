// fit_many: OLS and logistic regression on many data sets, against statsmodels, with
// per-data-set failures and the same bits on every backend.

#include <gmock/gmock.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <pardo/stats/fit.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "stats_support.hpp"

namespace {

using pardo::stats::FitModel;
using ::testing::HasSubstr;

const std::string data_dir = PARDO_TEST_DATA_DIR "/fit";

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double rel) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], rel * std::abs(want[i])) << "coefficient " << i;
  }
}

// Expected values from statsmodels 0.13 on tests/stats/data/fit/ols/site_a.csv:
//   d = np.genfromtxt(path, delimiter=',', names=True)
//   r = sm.OLS(d['y'], sm.add_constant(np.column_stack([d['x1'], d['x2'], d['x3']]))).fit()
//   r.params, r.bse, r.rsquared
TEST(FitMany, OlsAgreesWithStatsmodels) {
  pardo::SerialExecutor serial;
  const auto table = pardo::stats::fit_many(
      serial, {pardo::stats::read_dataset(data_dir + "/ols/site_a.csv")}, {.response = "y"});
  ASSERT_EQ(table.rows.size(), 1u);
  const auto& row = table.rows[0];
  EXPECT_EQ(row.error, "");
  EXPECT_EQ(row.name, "site_a");
  EXPECT_THAT(row.terms, ::testing::ElementsAre("const", "x1", "x2", "x3"));
  EXPECT_EQ(row.n, 40u);
  expect_close(row.estimates,
               {1.4769125850639993, 1.9176545120187944, -0.8051068825980887, 0.18780728898736235},
               1e-10);
  expect_close(row.std_errors,
               {0.14111310443796796, 0.16035405742044948, 0.12786076598081314, 0.130203311890291},
               1e-10);
  EXPECT_NEAR(row.r_squared, 0.8448002784884209, 1e-12);
  EXPECT_TRUE(row.converged);
}

// statsmodels: sm.OLS(d['y'], np.column_stack([d['x1'], d['x2']])).fit() on ols/site_b.csv
// (no constant: the uncentred R^2).
TEST(FitMany, OlsWithoutInterceptAndChosenPredictors) {
  pardo::SerialExecutor serial;
  const auto table =
      pardo::stats::fit_many(serial, {pardo::stats::read_dataset(data_dir + "/ols/site_b.csv")},
                             {.response = "y", .predictors = {"x1", "x2"}, .intercept = false});
  const auto& row = table.rows.at(0);
  EXPECT_THAT(row.terms, ::testing::ElementsAre("x1", "x2"));
  expect_close(row.estimates, {1.7579085908532808, -0.8380278557806305}, 1e-10);
  expect_close(row.std_errors, {0.2391303644569714, 0.2393600000976438}, 1e-10);
  EXPECT_NEAR(row.r_squared, 0.5795282173788914, 1e-12);
}

// statsmodels: sm.Logit(d['y'], sm.add_constant(np.column_stack([d['dose'], d['age']])))
//   .fit(disp=0, tol=1e-12) on logistic/trial_1.csv: params, bse, llf (6 Newton iterations)
TEST(FitMany, LogisticAgreesWithStatsmodels) {
  pardo::SerialExecutor serial;
  const auto table = pardo::stats::fit_many(
      serial, {pardo::stats::read_dataset(data_dir + "/logistic/trial_1.csv")},
      {.model = FitModel::logistic});
  const auto& row = table.rows.at(0);
  EXPECT_EQ(row.error, "");
  EXPECT_THAT(row.terms, ::testing::ElementsAre("const", "dose", "age"));
  expect_close(row.estimates, {-0.31563069874318656, 1.016725359703248, -0.4160838081269126}, 1e-8);
  expect_close(row.std_errors, {0.18773924754414276, 0.22372830175136263, 0.18443470682713992},
               1e-8);
  EXPECT_NEAR(row.log_likelihood, -86.34679388998342, 1e-9);
  EXPECT_TRUE(row.converged);
  EXPECT_GE(row.iterations, 4u);
  EXPECT_LE(row.iterations, 10u);
}

TEST(FitMany, AFailedDataSetReportsOnItsOwnRow) {
  pardo::ThreadPool pool(2);
  const auto datasets = pardo::stats::read_datasets(data_dir + "/bad");
  ASSERT_EQ(datasets.size(), 4u);  // sorted by file name
  const auto logit = pardo::stats::fit_many(pool, datasets, {.model = FitModel::logistic});
  ASSERT_EQ(logit.rows.size(), 4u);
  EXPECT_EQ(logit.rows[0].name, "collinear");
  EXPECT_THAT(logit.rows[0].error, HasSubstr("rank 2 < 3 coefficients"));
  EXPECT_THAT(logit.rows[0].error, HasSubstr("const, x1, x2 are collinear"));
  EXPECT_EQ(logit.rows[1].name, "good");
  EXPECT_EQ(logit.rows[1].error, "");
  EXPECT_EQ(logit.rows[1].estimates.size(), 3u);
  EXPECT_THAT(logit.rows[2].error, HasSubstr("perfect separation"));
  EXPECT_TRUE(logit.rows[2].estimates.empty());
  EXPECT_THAT(logit.rows[3].error, HasSubstr("2 rows are too few for 3 coefficients"));
  EXPECT_EQ(logit.failed, 3u);
  EXPECT_TRUE(logit.run.complete);
  // The same files under OLS: the separated one fits, the collinear one does not.
  const auto ols = pardo::stats::fit_many(pool, datasets, {});
  EXPECT_EQ(ols.failed, 2u);
  EXPECT_EQ(ols.rows[2].error, "");
}

TEST(FitMany, BadColumnsAndResponsesAreRowErrors) {
  pardo::SerialExecutor serial;
  const pardo::stats::Dataset d{
      .name = "d", .columns = {"y", "x"}, .data = {{0, 1, 2, 1}, {0.1, 0.5, 0.2, 0.9}}};
  const auto missing = pardo::stats::fit_many(serial, {d}, {.response = "z"});
  EXPECT_THAT(missing.rows[0].error, HasSubstr("no response column 'z' (the columns are y, x)"));
  const auto logit = pardo::stats::fit_many(serial, {d}, {.model = FitModel::logistic});
  EXPECT_THAT(logit.rows[0].error, HasSubstr("must be 0 or 1 for a logistic model; row 3 is 2"));
  pardo::stats::Dataset nan = d;
  nan.data[1][2] = std::nan("");
  EXPECT_THAT(pardo::stats::fit_many(serial, {nan}, {}).rows[0].error,
              HasSubstr("column 'x' row 3 is nan"));
}

// Issue 15: a fit whose numbers overflow used to print inf with "0 failed".
TEST(FitMany, ANonFiniteFitIsAFailureWithAReason) {
  const pardo::stats::Dataset good{
      .name = "good", .columns = {"y", "x"}, .data = {{1.0, 2.1, 2.9, 4.2}, {1, 2, 3, 4}}};
  // The residuals near 1e308 square to infinity.
  const pardo::stats::Dataset huge{.name = "huge",
                                   .columns = {"y", "x"},
                                   .data = {{1e308, -1e308, 1.5e308, -1.2e308}, {1, 2, 3, 4}}};
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    return pardo::stats::fit_many(executor, {good, huge}, {});
  });
  for (const auto& [name, table] : results) {
    ASSERT_EQ(table.rows.size(), 2u) << name;
    EXPECT_EQ(table.failed, 1u) << name;
    EXPECT_EQ(table.rows[0].error, "") << name;
    const auto& row = table.rows[1];
    EXPECT_THAT(row.error, HasSubstr("is inf: the data are too large (or too ill-conditioned) for "
                                     "double precision"))
        << name;
    EXPECT_TRUE(row.estimates.empty()) << name;
    EXPECT_FALSE(row.converged) << name;
    EXPECT_EQ(row.error, results.front().second.rows[1].error) << name;
  }
  // A slope of about 1.1e310, through the origin, where the same y on x 1e160 times larger fits.
  const pardo::stats::Dataset steep{.name = "steep",
                                    .columns = {"y", "x"},
                                    .data = {{1e150, 2e150, 3e150, 4.5e150}, {1, 2, 3, 4}}};
  pardo::stats::Dataset scaled = steep;
  for (double& x : scaled.data[1]) x *= 1e-160;
  pardo::SerialExecutor serial;
  const auto logit = pardo::stats::fit_many(
      serial,
      {pardo::stats::Dataset{.name = "big x",
                             .columns = {"y", "x"},
                             .data = {{0, 1, 0, 1, 1, 0}, {-1e308, 1e308, 1e307, -1e307, 3, 1}}}},
      {.model = FitModel::logistic});
  EXPECT_EQ(logit.failed, 1u);
  const auto through_origin = pardo::stats::fit_many(serial, {steep, scaled}, {.intercept = false});
  EXPECT_EQ(through_origin.failed, 1u);
  EXPECT_EQ(through_origin.rows[0].error, "");
  EXPECT_THAT(through_origin.rows[1].error, HasSubstr("the estimate of 'x' is inf"));
  EXPECT_FALSE(logit.rows[0].error.empty());
}

TEST(FitMany, SameBitsOnEveryBackend) {
  auto datasets = pardo::stats::generate_datasets(
      {.count = 12, .rows = 80, .coefficients = {-0.3, 0.8, -0.5}, .model = FitModel::logistic});
  datasets.push_back(pardo::stats::read_dataset(data_dir + "/bad/separated.csv"));
  const auto results = pardo::test::on_every_backend([&](auto& executor) {
    return pardo::stats::fit_many(executor, datasets, {.model = FitModel::logistic});
  });
  const auto& reference = results.front().second;
  ASSERT_EQ(reference.rows.size(), 13u);
  EXPECT_EQ(reference.failed, 1u);
  for (const auto& [name, table] : results) {
    ASSERT_EQ(table.rows.size(), reference.rows.size()) << name;
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
      const auto& a = table.rows[i];
      const auto& b = reference.rows[i];
      EXPECT_EQ(a.name, b.name) << name;
      EXPECT_EQ(a.error, b.error) << name;
      ASSERT_EQ(a.estimates.size(), b.estimates.size()) << name;
      for (std::size_t j = 0; j < a.estimates.size(); ++j) {
        EXPECT_EQ(pardo::test::bits(a.estimates[j]), pardo::test::bits(b.estimates[j])) << name;
        EXPECT_EQ(pardo::test::bits(a.std_errors[j]), pardo::test::bits(b.std_errors[j])) << name;
      }
      EXPECT_EQ(pardo::test::bits(a.log_likelihood), pardo::test::bits(b.log_likelihood));
    }
  }
}

// 300 simulated data sets: (b - 1) / se of the OLS slope is Student t with n - 2 degrees of
// freedom, so the interval b -+ t_0.975 se covers the true slope in 95% of the data sets,
// within 4 binomial standard errors (4 sqrt(0.95 0.05 / 300) = 0.05).
TEST(FitMany, OlsStandardErrorsHaveTheirNominalCoverage) {
  pardo::ThreadPool pool(2);
  const auto datasets = pardo::stats::generate_datasets(
      {.count = 300, .rows = 30, .coefficients = {2.0, 1.0}, .noise_sd = 0.5, .seed = 3});
  const auto table = pardo::stats::fit_many(pool, datasets, {});
  constexpr double t975 = 2.0484071417952445;  // scipy.stats.t.ppf(0.975, 28)
  int covered = 0;
  for (const auto& row : table.rows)
    covered += std::abs(row.estimates[1] - 1.0) < t975 * row.std_errors[1];
  EXPECT_NEAR(covered / 300.0, 0.95, 4 * std::sqrt(0.95 * 0.05 / 300));
}

TEST(GenerateDatasets, DatasetIDependsOnlyOnSeedAndI) {
  const auto few = pardo::stats::generate_datasets({.count = 2, .rows = 5, .seed = 8});
  const auto many = pardo::stats::generate_datasets({.count = 5, .rows = 5, .seed = 8});
  EXPECT_EQ(few[1].data, many[1].data);
  EXPECT_EQ(many[4].name, "dataset4");
  EXPECT_THAT(many[0].columns, ::testing::ElementsAre("y", "x1"));
  EXPECT_THAT([] { (void)pardo::stats::generate_datasets({.count = 0}); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("count is 0")));
}

TEST(ReadDatasets, ErrorsNameTheFileAndLine) {
  const std::string dir = ::testing::TempDir() + "/pardo_fit_read";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir + "/b.csv") << "y,x\n1,2\n3,oops\n";
    std::ofstream(dir + "/a.csv") << "y,x\n1,2\n3,4,5\n";
  }
  EXPECT_THAT([&] { (void)pardo::stats::read_dataset(dir + "/b.csv"); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("b.csv:3:2: field 2 ('x') 'oops' is not a number")));
  EXPECT_THAT([&] { (void)pardo::stats::read_datasets(dir); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("a.csv:3:3: 3 fields where the header has 2")));
  EXPECT_THAT([&] { (void)pardo::stats::read_datasets(dir + "/none"); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("is not a directory")));
  std::filesystem::remove_all(dir);
}

TEST(ReadDatasets, DatasetFilesAreTheCsvFilesSortedByName) {
  const std::string dir = ::testing::TempDir() + "/pardo_fit_files";
  std::filesystem::create_directories(dir + "/sub.csv");
  for (const char* name : {"site10.csv", "notes.txt", "site02.csv", "Site1.csv"}) {
    std::ofstream(dir + "/" + name) << "y,x\n1,2\n";
  }
  const std::vector<std::string> files = pardo::stats::dataset_files(dir);
  ASSERT_EQ(files.size(), 3u) << "a .txt file and a directory named .csv are not data sets";
  EXPECT_EQ(std::filesystem::path(files[0]).filename(), "Site1.csv");
  EXPECT_EQ(std::filesystem::path(files[1]).filename(), "site02.csv");
  EXPECT_EQ(std::filesystem::path(files[2]).filename(), "site10.csv");
  const auto datasets = pardo::stats::read_datasets(dir);
  ASSERT_EQ(datasets.size(), 3u);
  EXPECT_EQ(datasets[1].name, "site02");
  std::filesystem::remove_all(dir + "/sub.csv");
  for (const char* name : {"site10.csv", "site02.csv", "Site1.csv"}) {
    std::filesystem::remove(dir + "/" + name);
  }
  EXPECT_THAT([&] { (void)pardo::stats::dataset_files(dir); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("no .csv files in")));
  std::filesystem::remove_all(dir);
}

TEST(FitMany, RejectsBadOptions) {
  pardo::SerialExecutor serial;
  EXPECT_THAT([&] { (void)pardo::stats::fit_many(serial, {}, {.tolerance = 0}); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  HasSubstr("fit_many: tolerance 0 must be positive")));
  EXPECT_THAT([&] { (void)pardo::stats::fit_many(serial, {}, {.response = ""}); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("response name is empty")));
}

}  // namespace

namespace {

// A row as fit_one leaves it: 13 rows, two terms, so OLS has 11 degrees of freedom.
pardo::stats::FitRow two_terms() {
  pardo::stats::FitRow row;
  row.name = "d";
  row.terms = {"const", "x"};
  row.estimates = {2.0, -30.0};
  row.std_errors = {1.0, 1.0};
  row.n = 13;
  return row;
}

TEST(Coefficients, OlsUsesStudentsTWithNMinusPDegreesOfFreedom) {
  const auto c = pardo::stats::coefficients(two_terms(), pardo::stats::FitModel::ols);
  ASSERT_EQ(c.size(), 2U);
  EXPECT_EQ(c[0].term, "const");
  EXPECT_DOUBLE_EQ(c[0].statistic, 2.0);
  // scipy.stats: 2 * t.sf(2, 11), t.ppf(0.975, 11), 2 * t.sf(30, 11).
  EXPECT_NEAR(c[0].p_value, 0.07080395506803452, 1e-12);
  EXPECT_NEAR(c[0].low, 2.0 - 2.200985160082949, 1e-10);
  EXPECT_NEAR(c[0].high, 2.0 + 2.200985160082949, 1e-10);
  EXPECT_DOUBLE_EQ(c[0].level, 0.95);
  EXPECT_DOUBLE_EQ(c[1].statistic, -30.0);
  EXPECT_NEAR(c[1].p_value / 6.6669312213650595e-12, 1.0, 1e-6);
}

TEST(Coefficients, LogisticUsesTheNormalAndKeepsTinyPValues) {
  const auto c = pardo::stats::coefficients(two_terms(), pardo::stats::FitModel::logistic, 0.9);
  ASSERT_EQ(c.size(), 2U);
  // scipy.stats: 2 * norm.sf(2), norm.ppf(0.95), 2 * norm.sf(30).
  EXPECT_NEAR(c[0].p_value, 0.04550026389635839, 1e-14);
  EXPECT_NEAR(c[0].high - c[0].estimate, 1.6448536269514722, 1e-12);
  EXPECT_NEAR(c[1].p_value / 9.813427854295816e-198, 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(c[1].level, 0.9);
}

TEST(Coefficients, AFailedRowHasNoneAndABadLevelIsNamed) {
  pardo::stats::FitRow failed = two_terms();
  failed.error = "collinear";
  EXPECT_TRUE(pardo::stats::coefficients(failed, pardo::stats::FitModel::ols).empty());
  for (const double level : {0.0, 1.0, std::nan("")}) {
    try {
      static_cast<void>(
          pardo::stats::coefficients(two_terms(), pardo::stats::FitModel::ols, level));
      FAIL() << level;
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("level"));
    }
  }
}

}  // namespace

// The two-sample t-test and its analytic power, against scipy and statsmodels.

#include <gmock/gmock.h>

#include <cmath>
#include <limits>
#include <pardo/stats/t_test.hpp>
#include <stdexcept>
#include <vector>

namespace {

using pardo::stats::Alternative;
using pardo::stats::t_test;
using pardo::stats::t_test_power;

const std::vector<double> x{1.2, 0.4, 2.2, 3.1, -0.5, 1.7, 0.9};
const std::vector<double> y{2.5, 1.9, 3.3, 0.8, 2.8, 3.6};

// Expected values from scipy 1.10:
//   scipy.stats.ttest_ind(x, y, equal_var=ev, alternative=alt) -> statistic, pvalue
struct Case {
  bool equal_var;
  Alternative alternative;
  double statistic;
  double p_value;
};
constexpr Case cases[] = {
    {true, Alternative::two_sided, -1.9347676013410338, 0.07914261242027323},
    {true, Alternative::less, -1.9347676013410338, 0.03957130621013662},
    {true, Alternative::greater, -1.9347676013410338, 0.9604286937898634},
    {false, Alternative::two_sided, -1.9592998055134088, 0.07591235354612409},
    {false, Alternative::less, -1.9592998055134088, 0.037956176773062046},
    {false, Alternative::greater, -1.9592998055134088, 0.9620438232269379},
};

TEST(TTest, AgreesWithScipyTtestInd) {
  for (const Case& c : cases) {
    const auto r = t_test(x, y, {.equal_var = c.equal_var, .alternative = c.alternative});
    EXPECT_NEAR(r.statistic, c.statistic, 1e-13) << c.equal_var;
    EXPECT_NEAR(r.p_value, c.p_value, 1e-12 * c.p_value) << c.equal_var;
  }
  EXPECT_EQ(t_test(x, y).df, 11.0);
  // Welch-Satterthwaite, numpy: (v1 + v2)**2 / (v1**2 / 6 + v2**2 / 5), vi = var(ddof=1) / n
  EXPECT_NEAR(t_test(x, y, {.equal_var = false}).df, 10.996916899202619, 1e-12);
}

TEST(TTest, ConstantSamplesGiveNanLikeScipy) {
  const std::vector<double> c{2, 2, 2};
  EXPECT_TRUE(std::isnan(t_test(c, c).p_value));
}

TEST(TTest, RejectsTooFewOrNonFiniteValues) {
  const std::vector<double> one{1.0};
  EXPECT_THAT([&] { (void)t_test(one, y); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  ::testing::HasSubstr("t_test: x has 1 value; at least 2 needed")));
  const std::vector<double> bad{1.0, std::nan("")};
  EXPECT_THAT([&] { (void)t_test(x, bad); },
              ::testing::ThrowsMessage<std::invalid_argument>(::testing::HasSubstr("y[1] is nan")));
}

// Expected values from statsmodels 0.13:
//   TTestIndPower().power(effect_size=d, nobs1=n1, alpha=a, ratio=n2/n1, alternative=alt)
// and for the first, scipy.stats.nct: nct.sf(c, 126, nc) + nct.cdf(-c, 126, nc) with
// c = t.ppf(0.975, 126), nc = 0.5 * sqrt(32), the same 0.8014595579287103.
TEST(TTestPower, AgreesWithStatsmodelsTTestIndPower) {
  EXPECT_NEAR(t_test_power(0.5, 64, 64, 0.05), 0.8014595579287103, 1e-10);
  EXPECT_NEAR(t_test_power(0.5, 63, 63, 0.05), 0.7951683381304626, 1e-10);
  EXPECT_NEAR(t_test_power(0.3, 40, 60, 0.01, Alternative::greater), 0.190276399592878, 1e-10);
  EXPECT_NEAR(t_test_power(-0.4, 25, 50, 0.05, Alternative::less), 0.4892229941825421, 1e-10);
  EXPECT_NEAR(t_test_power(0.8, 10, 10, 0.1), 0.530763956378446, 1e-10);
}

TEST(TTestPower, RejectsBadArgumentsByName) {
  using ::testing::HasSubstr;
  using ::testing::ThrowsMessage;
  EXPECT_THAT([] { (void)t_test_power(std::nan(""), 10, 10); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("effect nan is not finite")));
  EXPECT_THAT([] { (void)t_test_power(0.5, 1, 10); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("n1")));
  EXPECT_THAT([] { (void)t_test_power(0.5, 10, 10, 1.5); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("alpha 1.5 is outside (0, 1)")));
}

}  // namespace

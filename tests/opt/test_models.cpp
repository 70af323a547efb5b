#include <gtest/gtest.h>

#include <cmath>
#include <pardo/opt.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace pardo::opt;

TEST(Models, ReachTheirKnownMinimumAtTheirArgmin) {
  for (const models::Model& m : models::all()) {
    for (std::size_t d : {std::size_t{2}, std::size_t{4}, std::size_t{10}}) {
      if (m.fixed_dim != 0 && d != m.fixed_dim) continue;
      const std::vector<double> x = m.argmin(d);
      ASSERT_EQ(x.size(), d) << m.name;
      EXPECT_NEAR(m.function(x), m.minimum, 1e-9 * std::max(1.0, std::abs(m.minimum)))
          << m.name << " at d = " << d;
      for (double v : x) EXPECT_TRUE(v >= m.low && v <= m.high) << m.name;
    }
  }
}

TEST(Models, AreAboveTheirMinimumAwayFromIt) {
  for (const models::Model& m : models::all()) {
    const std::size_t d = m.fixed_dim != 0 ? m.fixed_dim : 4;
    std::vector<double> x = m.argmin(d);
    for (double& v : x) v = std::min(v + 0.3 * (m.high - m.low) / 2, m.high);
    EXPECT_GT(m.function(x), m.minimum + 1e-6) << m.name;
  }
}

TEST(Models, KnownValues) {
  EXPECT_DOUBLE_EQ(models::sphere(std::vector<double>{3, 4}), 25);
  EXPECT_DOUBLE_EQ(models::rosenbrock(std::vector<double>{0, 0}), 1);
  EXPECT_DOUBLE_EQ(models::rastrigin(std::vector<double>{1, 0}), 1);
  EXPECT_NEAR(models::peaks(std::vector<double>{0, 0}), 0.98101184312384, 1e-12);
  EXPECT_DOUBLE_EQ(models::step(std::vector<double>{0.5, -0.5}), 11);
  EXPECT_DOUBLE_EQ(models::zimmermann(std::vector<double>{0, 0}), 9);
}

TEST(Models, FindNamesTheUnknownModelAndListsTheOthers) {
  EXPECT_EQ(models::find("ackley").function, &models::ackley);
  try {
    models::find("banana");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'banana'"), std::string::npos) << what;
    EXPECT_NE(what.find("rosenbrock"), std::string::npos) << what;
  }
}

TEST(Models, FixedDimensionModelsRejectOtherSizes) {
  EXPECT_THROW(models::peaks(std::vector<double>{0, 0, 0}), std::invalid_argument);
  EXPECT_THROW(models::zimmermann(std::vector<double>{0}), std::invalid_argument);
  EXPECT_THROW(models::rosenbrock(std::vector<double>{0}), std::invalid_argument);
}

}  // namespace

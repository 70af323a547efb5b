// Scaling laws: speed-ups from measured times, and Amdahl's and Gustafson's serial fractions
// recovered from times that follow them, exactly, with noise, and timed on a real pool.

#include <gmock/gmock.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <pardo/core/scaling.hpp>
#include <pardo/thread_pool.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

using pardo::scaling::Mode;
using pardo::scaling::Point;

std::vector<Point> amdahl_times(double f, double t1, const std::vector<std::size_t>& workers) {
  std::vector<Point> points;
  for (const std::size_t p : workers) {
    const double t = t1 / pardo::scaling::amdahl(f, static_cast<double>(p));
    points.push_back({p, t, t, t});
  }
  return points;
}

// A synthetic workload with a known serial fraction: 20 ms on the calling thread, then eight
// 10 ms tasks on the pool. Sleeping needs no CPU, so the law holds at 4 workers on 2 cores:
// T(p) = 20 + 80 / p ms for p dividing 8, a serial fraction of 20 / 100.
double synthetic_run_seconds(std::size_t workers) {
  using namespace std::chrono_literals;
  pardo::ThreadPool pool(workers);
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(20ms);
  std::vector<pardo::Future<void>> tasks;
  for (int i = 0; i < 8; ++i) {
    tasks.push_back(pool.submit([] { std::this_thread::sleep_for(10ms); }));
  }
  for (auto& task : tasks) {
    task.get();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(Scaling, AmdahlRecoversTheSerialFractionOfATimedWorkload) {
  std::vector<Point> points;
  for (const std::size_t p : {1U, 2U, 4U}) {
    std::vector<double> runs;
    for (int r = 0; r < 3; ++r) {
      runs.push_back(synthetic_run_seconds(p));
    }
    std::sort(runs.begin(), runs.end());
    points.push_back({p, runs[1], runs.front(), runs.back()});
  }
  const auto fit = pardo::scaling::fit_amdahl(points);
  // Sleeps overshoot by a fraction of a millisecond on an idle machine, a few on a loaded one.
  EXPECT_NEAR(fit.serial_fraction, 0.2, 0.05);
  EXPECT_NEAR(pardo::scaling::speedups(points, Mode::strong)[2], 2.5, 0.3);
}

TEST(Scaling, StrongSpeedupsAreAgainstTheFewestWorkers) {
  const std::vector<Point> points{{4, 2.5}, {1, 8.0}, {2, 4.0}};
  EXPECT_THAT(pardo::scaling::speedups(points, Mode::strong),
              ::testing::ElementsAre(::testing::DoubleEq(3.2), 1.0, 2.0));
  // A study from 2 workers reads 2 workers as a speed-up of 2.
  const std::vector<Point> from_two{{2, 4.0}, {4, 2.5}};
  EXPECT_THAT(pardo::scaling::speedups(from_two, Mode::strong),
              ::testing::ElementsAre(2.0, ::testing::DoubleEq(3.2)));
}

TEST(Scaling, WeakSpeedupsScaleByTheGrownWork) {
  // The problem doubled with the workers and took 10% longer: scaled speed-up 2 / 1.1.
  const std::vector<Point> points{{1, 1.0}, {2, 1.1}};
  EXPECT_THAT(pardo::scaling::speedups(points, Mode::weak),
              ::testing::ElementsAre(1.0, ::testing::DoubleNear(2 / 1.1, 1e-12)));
}

TEST(Scaling, AmdahlRecoversTheSerialFractionOfExactTimes) {
  for (const double f : {0.0, 0.01, 0.1, 0.5, 1.0}) {
    const auto fit = pardo::scaling::fit_amdahl(amdahl_times(f, 8.0, {1, 2, 4, 8, 16}));
    EXPECT_NEAR(fit.serial_fraction, f, 1e-12) << f;
    EXPECT_NEAR(fit.rms_error, 0.0, 1e-9) << f;
  }
}

TEST(Scaling, AmdahlOnNoisyTimesIsCloseAndSaysHowClose) {
  auto points = amdahl_times(0.05, 10.0, {1, 2, 4, 8});
  const double noise[] = {1.0, 1.03, 0.98, 1.04};
  for (std::size_t i = 0; i < points.size(); ++i) points[i].seconds *= noise[i];
  const auto fit = pardo::scaling::fit_amdahl(points);
  EXPECT_NEAR(fit.serial_fraction, 0.05, 0.02);
  EXPECT_GT(fit.rms_error, 0.01);
  EXPECT_LT(fit.rms_error, 0.5);
}

TEST(Scaling, SuperlinearSpeedupsFitASerialFractionOfZero) {
  const std::vector<Point> points{{1, 8.0}, {2, 3.8}, {4, 1.9}};
  EXPECT_EQ(pardo::scaling::fit_amdahl(points).serial_fraction, 0.0);
}

TEST(Scaling, GustafsonRecoversTheSerialFractionOfWeakScaling) {
  for (const double f : {0.0, 0.2, 0.7}) {
    std::vector<Point> points;
    for (const std::size_t p : {1U, 2U, 4U, 8U}) {
      // Scaled speed-up p T1 / Tp = p - f (p - 1).
      const double t =
          3.0 * static_cast<double>(p) / pardo::scaling::gustafson(f, static_cast<double>(p));
      points.push_back({p, t, t, t});
    }
    const auto fit = pardo::scaling::fit_gustafson(points);
    EXPECT_NEAR(fit.serial_fraction, f, 1e-12) << f;
    EXPECT_NEAR(fit.rms_error, 0.0, 1e-9) << f;
  }
}

TEST(Scaling, OnePointHasNothingToFit) {
  const std::vector<Point> one{{4, 2.0}};
  EXPECT_EQ(pardo::scaling::fit_amdahl(one).serial_fraction, 0.0);
  EXPECT_EQ(pardo::scaling::fit_gustafson(one).serial_fraction, 0.0);
}

TEST(Scaling, BadPointsAreRefusedNamingTheValue) {
  const auto refused = [](std::vector<Point> points, const char* what) {
    try {
      pardo::scaling::fit_amdahl(points);
      ADD_FAILURE() << "no exception for " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr(what));
    }
  };
  refused({}, "no points");
  refused({{0, 1.0}}, "0 workers");
  refused({{2, 1.0}, {2, 1.5}}, "2 workers measured twice");
  refused({{1, 1.0}, {2, -1.0}}, "at 2 workers is not a positive finite number");
  refused({{1, std::numeric_limits<double>::quiet_NaN()}}, "at 1 workers");
  refused({{1, std::numeric_limits<double>::infinity()}}, "at 1 workers");
}

}  // namespace

// The Mandelbrot workload: known escape counts, the same counts on every SIMD level, executor,
// worker count, schedule and tile size, stops, progress, and bad input named.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <pardo/image/mandelbrot.hpp>
#include <pardo/pardo.hpp>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "../support.hpp"

namespace pardo::test {
namespace {

using image::MandelbrotOptions;
using image::MandelbrotResult;

// One pixel centred on c = x + y i exactly: a cell of width 1 around it.
std::uint32_t count_at(double x, double y, std::uint32_t max_iterations) {
  SerialExecutor serial;
  const MandelbrotOptions options{.width = 1,
                                  .height = 1,
                                  .max_iterations = max_iterations,
                                  .region = {x - 0.5, x + 0.5, y - 0.5, y + 0.5}};
  return image::mandelbrot(serial, options).counts.at(0);
}

TEST(Mandelbrot, CountsStepsWhileTheSquaredModulusIsAtMostFour) {
  EXPECT_EQ(count_at(0, 0, 500), 500U);   // z stays 0: in the set
  EXPECT_EQ(count_at(-2, 0, 500), 500U);  // z = 2 forever: |z|^2 = 4 is not past 4
  EXPECT_EQ(count_at(1, 0, 500), 3U);     // 0, 1, 2, 5: stops before squaring 5
  EXPECT_EQ(count_at(0.5, 0, 500), 5U);   // 0, .5, .75, 1.0625, 1.6289, 3.1533
  EXPECT_EQ(count_at(0, 1, 500), 500U);   // 0, i, -1 + i, -i, -1 + i, ...: a cycle
  EXPECT_EQ(count_at(0, 2, 500), 2U);     // 0, 2i, -4 + 2i
  EXPECT_EQ(count_at(1, 0, 2), 2U);       // at most max_iterations
}

// The seahorse valley at a width that leaves every vector kernel a tail of scalar pixels.
MandelbrotOptions seahorse() {
  return {.width = 173,
          .height = 61,
          .max_iterations = 2000,
          .region = {-0.8, -0.7, 0.05, 0.15},
          .tile_rows = 3,
          .tile_columns = 50};
}

TEST(Mandelbrot, EverySimdLevelGivesTheScalarCounts) {
  SerialExecutor serial;
  MandelbrotOptions options = seahorse();
  options.simd = random::SimdLevel::scalar;
  const MandelbrotResult scalar = image::mandelbrot(serial, options);
  EXPECT_EQ(scalar.simd, "scalar");
  // Both pixels in the set and pixels that escape at many different steps.
  EXPECT_GT(scalar.inside, 100U);
  EXPECT_LT(scalar.inside, scalar.counts.size());
  EXPECT_GT(std::set<std::uint32_t>(scalar.counts.begin(), scalar.counts.end()).size(), 200U);
  for (const auto level : {random::SimdLevel::avx2, random::SimdLevel::avx512}) {
    if (!random::supported(level)) continue;
    options.simd = level;
    const MandelbrotResult r = image::mandelbrot(serial, options);
    EXPECT_EQ(r.simd, random::to_string(level));
    EXPECT_EQ(r.counts, scalar.counts) << random::to_string(level);
    EXPECT_EQ(r.iterations, scalar.iterations);
  }
}

class MandelbrotOnEveryExecutor : public OnEveryExecutor {};

TEST_P(MandelbrotOnEveryExecutor, EveryScheduleAndTileSizeGivesTheSameImage) {
  SerialExecutor serial;
  const MandelbrotResult reference = image::mandelbrot(serial, seahorse());
  ASSERT_TRUE(reference.run.complete);
  with_executor([&](auto& ex) {
    for (const Schedule schedule : {Schedule::static_blocks, Schedule::round_robin,
                                    Schedule::dynamic, Schedule::guided, Schedule::automatic}) {
      for (const std::size_t rows : {std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
        MandelbrotOptions options = seahorse();
        options.schedule = schedule;
        options.tile_rows = rows;
        options.tile_columns = rows == 7 ? 16 : 0;
        options.chunksize = rows == 1 ? 3 : 0;
        const MandelbrotResult r = image::mandelbrot(ex, options);
        EXPECT_EQ(r.counts, reference.counts) << to_string(schedule) << " rows " << rows;
        EXPECT_EQ(r.iterations, reference.iterations);
        EXPECT_EQ(r.inside, reference.inside);
        EXPECT_TRUE(r.run.complete);
        EXPECT_EQ(r.run.blocks_done, image::tile_count(options));
        EXPECT_EQ(r.run.blocks_total, image::tile_count(options));
        EXPECT_EQ(r.run.workers, ex.size());
      }
    }
  });
}

TEST_P(MandelbrotOnEveryExecutor, ProgressCountsTilesToTheirTotal) {
  with_executor([&](auto& ex) {
    Progress progress;
    const MandelbrotOptions options = seahorse();
    const MandelbrotResult r = image::mandelbrot(ex, options, {.progress = &progress});
    const Progress::Snapshot s = progress.snapshot();
    EXPECT_EQ(s.phase, "drawing");
    EXPECT_EQ(s.unit, "tiles");
    EXPECT_EQ(s.total, r.tiles);
    EXPECT_EQ(s.done, r.tiles);
  });
}

TEST_P(MandelbrotOnEveryExecutor, AStopBeforeTheRunDrawsNothing) {
  with_executor([&](auto& ex) {
    std::stop_source stop;
    stop.request_stop();
    const MandelbrotResult r = image::mandelbrot(ex, seahorse(), {.stop = stop.get_token()});
    EXPECT_FALSE(r.run.complete);
    EXPECT_EQ(r.run.blocks_done, 0U);
    EXPECT_EQ(r.iterations, 0U);
    EXPECT_EQ(r.counts, std::vector<std::uint32_t>(173 * 61, 0));
  });
}

PARDO_ON_EVERY_EXECUTOR(MandelbrotOnEveryExecutor);

TEST(Mandelbrot, WorkerProcessesDrawTheSameImage) {
  SerialExecutor serial;
  const MandelbrotResult reference = image::mandelbrot(serial, seahorse());
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{5}}) {
    ProcessPool pool(workers);
    for (const std::size_t rows : {std::size_t{1}, std::size_t{7}, std::size_t{100}}) {
      MandelbrotOptions options = seahorse();
      options.tile_rows = rows;
      const MandelbrotResult r = image::mandelbrot(pool, options);
      EXPECT_EQ(r.counts, reference.counts) << workers << " workers, rows " << rows;
      EXPECT_TRUE(r.run.complete);
      EXPECT_EQ(r.run.blocks_done, image::tile_count(options));
      EXPECT_EQ(r.run.backend, "processes");
      EXPECT_EQ(r.run.workers, workers);
    }
  }
}

TEST(Mandelbrot, TilesCoverTheImageOnce) {
  const MandelbrotOptions options{.width = 100, .height = 10, .tile_rows = 4, .tile_columns = 30};
  EXPECT_EQ(image::tile_count(options), 4U * 3U);
  std::vector<int> covered(100 * 10, 0);
  for (std::uint64_t t = 0; t < image::tile_count(options); ++t) {
    const auto b = image::detail::tile_bounds(options, t);
    for (std::size_t j = b.row; j < b.row + b.rows; ++j) {
      for (std::size_t i = b.column; i < b.column + b.columns; ++i) ++covered[j * 100 + i];
    }
  }
  EXPECT_EQ(covered, std::vector<int>(100 * 10, 1));
}

TEST(Mandelbrot, ParsesRegions) {
  const auto r = image::parse_region("-2:1:-1.5:1.5");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->x0, -2.0);
  EXPECT_EQ(r->x1, 1.0);
  EXPECT_EQ(r->y0, -1.5);
  EXPECT_EQ(r->y1, 1.5);
  for (const char* bad : {"", "1:2:3", "1:2:3:4:5", "2:1:0:1", "0:1:1:1", "a:1:0:1", "0:1:0:inf",
                          "0:1:0:nan", "0 :1:0:1", "0:1:0:1e999"}) {
    EXPECT_FALSE(image::parse_region(bad)) << bad;
  }
}

void expect_rejected(const MandelbrotOptions& options, const std::string& words) {
  SerialExecutor serial;
  try {
    (void)image::mandelbrot(serial, options);
    ADD_FAILURE() << "accepted; expected: " << words;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(Mandelbrot, BadOptionsAreRejectedByName) {
  expect_rejected({.width = 0}, "width");
  expect_rejected({.height = 0}, "height");
  expect_rejected({.width = std::size_t{1} << 20, .height = std::size_t{1} << 13},
                  "too large (at most 2^32 pixels)");
  expect_rejected({.max_iterations = 0}, "max_iterations");
  expect_rejected({.region = {1, -1, 0, 1}}, "region x is [1, -1]");
  expect_rejected({.region = {0, 1, 0, 0}}, "region y is [0, 0]");
  expect_rejected({.region = {-1e308, 1e308, 0, 1}}, "finite width");
  expect_rejected({.region = {0, 1, 0, std::numeric_limits<double>::quiet_NaN()}}, "region y");
  expect_rejected({.tile_rows = 0}, "tile_rows");
  expect_rejected({.schedule = static_cast<Schedule>(42)}, "schedule");
}

TEST(Mandelbrot, HugeButFiniteRegionsEscapeAtOnce) {
  SerialExecutor serial;
  const MandelbrotResult r = image::mandelbrot(
      serial, {.width = 19, .height = 5, .region = {1e300, 1e307, -1e307, -1e300}});
  for (const std::uint32_t c : r.counts) EXPECT_EQ(c, 1U);
}

}  // namespace
}  // namespace pardo::test

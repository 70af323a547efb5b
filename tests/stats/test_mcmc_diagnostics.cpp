// split_rhat and ess_bulk: the published definitions (checked against a numpy transcription
// of ArviZ on fixed draws) and how they behave on chains whose properties are known.

#include <gmock/gmock.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <pardo/mcmc/diagnostics.hpp>
#include <pardo/random/distributions.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

struct ReferenceCase {
  std::string name;
  std::size_t chains = 0;
  double rhat = 0;
  double ess = 0;
  std::vector<double> draws;
};

// Written by tests/stats/mcmc_reference.py.
std::vector<ReferenceCase> read_reference() {
  std::ifstream in(PARDO_TEST_DATA_DIR "/mcmc_diagnostics.csv");
  std::vector<ReferenceCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    ReferenceCase c;
    std::getline(fields, c.name, ',');
    std::getline(fields, field, ',');
    c.chains = std::stoul(field);
    std::getline(fields, field, ',');
    c.rhat = std::stod(field);
    std::getline(fields, field, ',');
    c.ess = std::stod(field);
    while (std::getline(fields, field, ',')) c.draws.push_back(std::stod(field));
    cases.push_back(std::move(c));
  }
  return cases;
}

// AR(1) chains x_i = rho x_{i-1} + e_i started in their stationary law, chain after chain.
std::vector<double> ar1_chains(std::size_t chains, std::size_t n, double rho, std::uint64_t seed) {
  std::vector<double> x(chains * n);
  for (std::size_t c = 0; c < chains; ++c) {
    pardo::random::Stream s(seed, c);
    double previous = pardo::random::normal(s) / std::sqrt(1 - rho * rho);
    for (std::size_t i = 0; i < n; ++i) {
      x[c * n + i] = previous;
      previous = rho * previous + pardo::random::normal(s);
    }
  }
  return x;
}

TEST(McmcDiagnostics, MatchTheNumpyTranscriptionOfTheirDefinitions) {
  const auto cases = read_reference();
  ASSERT_EQ(cases.size(), 9u);
  for (const auto& c : cases) {
    // Both take autocovariances by FFT, with different transforms: rounding differs.
    EXPECT_NEAR(pardo::mcmc::split_rhat(c.draws, c.chains), c.rhat, 1e-12 * c.rhat) << c.name;
    EXPECT_NEAR(pardo::mcmc::ess_bulk(c.draws, c.chains), c.ess, 1e-9 * c.ess) << c.name;
  }
}

// Sokal's approximation: the relative sd of an autocorrelation time summed to lag M from
// N draws is sqrt(2 (2M + 1) / N). Tolerances are 4 of those, M a generous truncation lag.
double ess_tolerance(double ess, double truncation, double draws) {
  return 4 * ess * std::sqrt(2 * (2 * truncation + 1) / draws);
}

TEST(McmcDiagnostics, IndependentChainsHaveRhatNearOneAndEssNearTheirLength) {
  constexpr std::size_t chains = 4;
  constexpr std::size_t n = 10000;
  const auto x = ar1_chains(chains, n, 0.0, 11);
  // Split R-hat^2 - 1 is about (B/W - 1) / n, B/W ~ chi^2_{2m-1} / (2m - 1): sd sqrt(2/(2m-1)).
  const double rhat_sd = std::sqrt(2.0 / (2 * chains - 1)) / (2.0 * (n / 2));
  EXPECT_NEAR(pardo::mcmc::split_rhat(x, chains), 1.0, 4 * rhat_sd);
  const double size = chains * n;
  EXPECT_NEAR(pardo::mcmc::ess_bulk(x, chains), size, ess_tolerance(size, 5, size));
}

TEST(McmcDiagnostics, Ar1ChainsHaveEssOfNTimesOneMinusRhoOverOnePlusRho) {
  constexpr std::size_t chains = 4;
  constexpr std::size_t n = 50000;
  for (const double rho : {0.5, 0.9}) {
    const auto x = ar1_chains(chains, n, rho, 12);
    const double size = chains * n;
    const double expected = size * (1 - rho) / (1 + rho);
    const double tau = (1 + rho) / (1 - rho);
    EXPECT_NEAR(pardo::mcmc::ess_bulk(x, chains), expected, ess_tolerance(expected, 5 * tau, size))
        << "rho " << rho;
    EXPECT_LT(pardo::mcmc::split_rhat(x, chains), 1.01) << "rho " << rho;
  }
}

TEST(McmcDiagnostics, ChainsWithDifferentMeansHaveRhatFarAboveOne) {
  constexpr std::size_t chains = 4;
  constexpr std::size_t n = 1000;
  auto x = ar1_chains(chains, n, 0.0, 13);
  for (std::size_t i = 0; i < n; ++i) x[3 * n + i] += 3.0;
  EXPECT_GT(pardo::mcmc::split_rhat(x, chains), 1.3);
  // Within-chain drift is caught too: the split halves disagree.
  auto drifting = ar1_chains(1, 2000, 0.0, 14);
  for (std::size_t i = 0; i < drifting.size(); ++i) drifting[i] += 0.002 * static_cast<double>(i);
  EXPECT_GT(pardo::mcmc::split_rhat(drifting, 1), 1.3);
}

TEST(McmcDiagnostics, TheFoldedRhatSeesChainsThatDifferOnlyInScale) {
  constexpr std::size_t chains = 4;
  constexpr std::size_t n = 2000;
  auto x = ar1_chains(chains, n, 0.0, 15);
  for (std::size_t i = 0; i < n; ++i) x[3 * n + i] *= 4.0;
  EXPECT_GT(pardo::mcmc::split_rhat(x, chains), 1.1);
}

// Both diagnostics are functions of ranks (R-hat's folded half of distances to the median),
// so draws that are an exact increasing affine map of others give the same bits. Draws that
// differ in their low 32 bits alone are sorted on every byte; draws whose top halves tie in
// pairs are put in order by insertion.
TEST(McmcDiagnostics, DrawsThatDifferOnlyInTheirLowBitsAreOrderedExactly) {
  constexpr std::size_t chains = 4;
  constexpr std::size_t n = 1000;
  const auto z = ar1_chains(chains, n, 0.5, 16);
  std::vector<std::size_t> order(z.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return z[a] < z[b]; });
  std::vector<double> rank(z.size());
  for (std::size_t k = 0; k < order.size(); ++k) rank[order[k]] = static_cast<double>(k);
  // 1 + r 2^-40 with r < 2^12: one sign, exponent and top 20 bits of mantissa for every draw.
  std::vector<double> narrow(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) narrow[i] = 1 + rank[i] * 0x1p-40;
  EXPECT_EQ(pardo::mcmc::split_rhat(narrow, chains), pardo::mcmc::split_rhat(rank, chains));
  EXPECT_EQ(pardo::mcmc::ess_bulk(narrow, chains), pardo::mcmc::ess_bulk(rank, chains));
  std::vector<double> pairs(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) {
    pairs[i] = std::floor(rank[i] / 2) + std::fmod(rank[i], 2) * 0x1p-40;
  }
  EXPECT_EQ(pardo::mcmc::ess_bulk(pairs, chains), pardo::mcmc::ess_bulk(rank, chains));
  EXPECT_GT(pardo::mcmc::ess_bulk(rank, chains), 1000.0);
}

TEST(McmcDiagnostics, ConstantDrawsGiveNan) {
  const std::vector<double> x(40, 2.5);
  EXPECT_TRUE(std::isnan(pardo::mcmc::split_rhat(x, 4)));
  EXPECT_TRUE(std::isnan(pardo::mcmc::ess_bulk(x, 4)));
}

TEST(McmcDiagnostics, BadInputIsRejectedByName) {
  const std::vector<double> x(12, 1.0);
  EXPECT_THAT([&] { (void)pardo::mcmc::split_rhat(x, 0); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("split_rhat: chains is 0")));
  EXPECT_THAT([&] { (void)pardo::mcmc::ess_bulk(x, 5); },
              ThrowsMessage<std::invalid_argument>(
                  HasSubstr("ess_bulk: draws has 12 values, not a multiple of chains = 5")));
  EXPECT_THAT([&] { (void)pardo::mcmc::split_rhat(x, 4); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("each chain has 3 values")));
  std::vector<double> with_nan(8, 1.0);
  with_nan[5] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT([&] { (void)pardo::mcmc::ess_bulk(with_nan, 2); },
              ThrowsMessage<std::invalid_argument>(HasSubstr("draws[5] is nan")));
}

}  // namespace

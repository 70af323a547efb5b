// The deterministic reduction: the same bits as pardo::tree_reduce for any split of the data.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <pardo/random.hpp>
#include <string>
#include <vector>

#include "mpi_support.hpp"

namespace {

using pardo::mpi::testing::world;

/// Values of wildly different magnitudes, so that the order of additions shows in the bits.
std::vector<double> global_data(std::size_t n) {
  pardo::random::Stream stream(2026, 7);
  std::vector<double> v(n);
  for (double& x : v) {
    const double u = stream.next_double();
    x = (u - 0.5) * std::pow(10.0, std::floor(stream.next_double() * 12.0) - 6.0);
  }
  return v;
}

/// This rank's part of [0, n) when cut at `cuts` (size + 1 increasing positions).
std::span<const double> my_part(const std::vector<double>& all,
                                const std::vector<std::size_t>& cuts) {
  const auto r = static_cast<std::size_t>(world().rank());
  return std::span<const double>(all).subspan(cuts[r], cuts[r + 1] - cuts[r]);
}

std::uint64_t bits(double x) {
  std::uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

TEST(DeterministicReduce, SameBitsAsTheSerialTreeForEverySplit) {
  const auto& w = world();
  const auto ranks = static_cast<std::size_t>(w.size());
  for (const std::size_t n :
       {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}, std::size_t{4099}}) {
    const std::vector<double> all = global_data(n);
    const double serial = pardo::tree_reduce(std::span<const double>(all), std::plus<>{}, 0.0);
    // Even blocks, everything on the last rank, and uneven cuts.
    std::vector<std::vector<std::size_t>> splits(3, std::vector<std::size_t>(ranks + 1, 0));
    for (std::size_t r = 0; r <= ranks; ++r) {
      splits[0][r] = n * r / ranks;
      splits[1][r] = r == ranks ? n : 0;
      splits[2][r] = r == ranks ? n : std::min(n, (r * r * 37) % (n + 1));
    }
    std::sort(splits[2].begin(), splits[2].end());
    for (const auto& cuts : splits) {
      const double total = w.deterministic_allreduce(my_part(all, cuts), std::plus<>{}, 0.0);
      EXPECT_EQ(bits(total), bits(serial)) << "n=" << n;
      const std::optional<double> at_root =
          w.deterministic_reduce(my_part(all, cuts), std::plus<>{}, 0.0, w.size() - 1);
      EXPECT_EQ(at_root.has_value(), w.rank() == w.size() - 1);
      if (at_root) {
        EXPECT_EQ(bits(*at_root), bits(serial));
      }
    }
  }
}

TEST(DeterministicReduce, EncodedValuesKeepTheGlobalOrder) {
  const auto& w = world();
  std::vector<std::string> all;
  for (int i = 0; i < 26; ++i) all.emplace_back(1, static_cast<char>('a' + i));
  const auto ranks = static_cast<std::size_t>(w.size());
  const auto r = static_cast<std::size_t>(w.rank());
  const auto part = std::span<const std::string>(all).subspan(
      26 * r / ranks, 26 * (r + 1) / ranks - 26 * r / ranks);
  EXPECT_EQ(w.deterministic_allreduce(part, std::plus<>{}, std::string()),
            "abcdefghijklmnopqrstuvwxyz");
}

}  // namespace

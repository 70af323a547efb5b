// pardo::tree_reduce: one fixed tree over indices, whatever the split of the data.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <pardo/core/tree_reduce.hpp>
#include <pardo/random.hpp>
#include <string>
#include <vector>

namespace {

/// The tree by its definition: [lo, lo + 2^level) splits into halves; a right half past
/// the end is absent.
double by_definition(const std::vector<double>& x, std::size_t lo, unsigned level) {
  if (level == 0) return x[lo];
  const std::size_t half = std::size_t{1} << (level - 1);
  const double left = by_definition(x, lo, level - 1);
  if (lo + half >= x.size()) return left;
  return left + by_definition(x, lo + half, level - 1);
}

std::vector<double> spread(std::size_t n) {
  pardo::random::Stream stream(11, 3);
  std::vector<double> v(n);
  for (double& x : v)
    x = (stream.next_double() - 0.5) * std::pow(10.0, stream.next_double() * 16 - 8);
  return v;
}

std::uint64_t bits(double x) {
  std::uint64_t b = 0;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

TEST(TreeReduce, FollowsTheTreeOverIndices) {
  for (std::size_t n = 1; n <= 300; ++n) {
    const std::vector<double> x = spread(n);
    unsigned top = 0;
    while ((std::size_t{1} << top) < n) ++top;
    EXPECT_EQ(bits(pardo::tree_reduce(std::span<const double>(x), std::plus<>{}, 0.0)),
              bits(by_definition(x, 0, top)))
        << n;
  }
  EXPECT_EQ(pardo::tree_reduce(std::span<const double>(), std::plus<>{}, -1.0), -1.0);
}

TEST(TreeReduce, AlignedBlocksPushedInOrderGiveTheSameBits) {
  // What each rank of a deterministic reduction sends: the largest aligned blocks of its part.
  const std::vector<double> x = spread(1000);
  const double whole = pardo::tree_reduce(std::span<const double>(x), std::plus<>{}, 0.0);
  for (const std::size_t cut :
       {std::size_t{1}, std::size_t{333}, std::size_t{512}, std::size_t{999}}) {
    pardo::detail::TreeStack<double, std::plus<>> stack{std::plus<>{}};
    for (const auto& [begin, end] : {std::pair{std::size_t{0}, cut}, std::pair{cut, x.size()}}) {
      for (std::size_t at = begin; at < end;) {
        unsigned level = 0;
        while (at % (std::size_t{2} << level) == 0 && at + (std::size_t{2} << level) <= end)
          ++level;
        const std::size_t width = std::size_t{1} << level;
        stack.push(level, pardo::tree_reduce(std::span<const double>(x).subspan(at, width),
                                             std::plus<>{}, 0.0));
        at += width;
      }
    }
    EXPECT_EQ(bits(std::move(stack).finish(0.0)), bits(whole)) << "cut at " << cut;
  }
}

TEST(TreeReduce, KeepsTheOrderOfANonCommutativeOperation) {
  std::vector<std::string> letters;
  for (char c = 'a'; c <= 'z'; ++c) letters.emplace_back(1, c);
  EXPECT_EQ(pardo::tree_reduce(std::span<const std::string>(letters), std::plus<>{}, std::string()),
            "abcdefghijklmnopqrstuvwxyz");
}

}  // namespace

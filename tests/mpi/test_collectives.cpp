// Collectives: results on every rank count, rank order, checks that fail together.

#include <gtest/gtest.h>

#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "mpi_support.hpp"

namespace {

using pardo::mpi::testing::MessageLimit;
using pardo::mpi::testing::world;

struct Params {
  std::string name;
  std::vector<double> values;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, values);
  }
  bool operator==(const Params&) const = default;
};

TEST(Collectives, BcastValueVectorSpanAndEncodedObject) {
  const auto& w = world();
  const int root = w.size() - 1;
  const bool is_root = w.rank() == root;
  double x = is_root ? 3.25 : 0.0;
  std::vector<int> v = is_root ? std::vector<int>{4, 5, 6} : std::vector<int>{};
  std::vector<float> fixed(3, is_root ? 1.5f : 0.0f);
  Params p = is_root ? Params{"sweep", {0.1, 0.2}} : Params{};
  w.bcast(x, root);
  w.bcast(v, root);
  w.bcast(std::span<float>(fixed), root);
  w.bcast(p, root);
  EXPECT_EQ(x, 3.25);
  EXPECT_EQ(v, (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(fixed, std::vector<float>(3, 1.5f));
  EXPECT_EQ(p, (Params{"sweep", {0.1, 0.2}}));
}

TEST(Collectives, ScatterAndScattervDealRootsDataInRankOrder) {
  const auto& w = world();
  const auto n = static_cast<std::size_t>(w.size());
  std::vector<int> all(3 * n);
  std::iota(all.begin(), all.end(), 0);
  const std::vector<int> mine = w.scatter(w.rank() == 0 ? all : std::vector<int>{}, 0);
  const int r = w.rank();
  EXPECT_EQ(mine, (std::vector<int>{3 * r, 3 * r + 1, 3 * r + 2}));

  std::vector<std::size_t> counts(n);
  std::iota(counts.begin(), counts.end(), std::size_t{1});  // rank r gets r + 1
  std::vector<long> values(n * (n + 1) / 2);
  std::iota(values.begin(), values.end(), 100L);
  const std::vector<long> part = w.scatterv(values, counts, 0);
  const long first = 100 + r * (r + 1) / 2;
  std::vector<long> expected(static_cast<std::size_t>(r + 1));
  std::iota(expected.begin(), expected.end(), first);
  EXPECT_EQ(part, expected);
}

TEST(Collectives, ScatterOfAnIndivisibleArrayThrowsOnEveryRank) {
  const auto& w = world();
  const std::vector<int> all(static_cast<std::size_t>(w.size()) + 1, 1);
  try {
    (void)w.scatter(all, 0);
    if (w.size() > 1) ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "scatter: " + std::to_string(w.size() + 1) +
                                         " elements do not divide into " +
                                         std::to_string(w.size()) + " equal blocks");
  }
  const std::vector<std::size_t> wrong(static_cast<std::size_t>(w.size()) + 2, 0);
  EXPECT_THROW((void)w.scatterv(std::vector<int>{}, wrong, 0), std::invalid_argument);
}

TEST(Collectives, GatherValuesAndEncodedStringsInRankOrder) {
  const auto& w = world();
  const std::vector<int> ranks = w.gather(w.rank() * 2, 0);
  const std::vector<std::string> names = w.gather("rank " + std::to_string(w.rank()), 0);
  if (w.rank() == 0) {
    ASSERT_EQ(ranks.size(), static_cast<std::size_t>(w.size()));
    for (int r = 0; r < w.size(); ++r) {
      EXPECT_EQ(ranks[static_cast<std::size_t>(r)], 2 * r);
      EXPECT_EQ(names[static_cast<std::size_t>(r)], "rank " + std::to_string(r));
    }
  } else {
    EXPECT_TRUE(ranks.empty());
    EXPECT_TRUE(names.empty());
  }
  const std::vector<std::string> everywhere =
      w.allgather(std::string(static_cast<std::size_t>(w.rank()) + 1, 'a'));
  ASSERT_EQ(everywhere.size(), static_cast<std::size_t>(w.size()));
  EXPECT_EQ(everywhere.back(), std::string(static_cast<std::size_t>(w.size()), 'a'));
}

std::vector<double> ragged_block(int rank) {
  std::vector<double> v(static_cast<std::size_t>(rank) * 3 + 1);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = rank + 0.001 * static_cast<double>(i);
  return v;
}

std::vector<double> ragged_whole(int ranks) {
  std::vector<double> all;
  for (int r = 0; r < ranks; ++r) {
    const auto v = ragged_block(r);
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

TEST(Collectives, GathervAndAllgathervConcatenateRaggedBlocks) {
  const auto& w = world();
  const std::vector<double> root_view = w.gatherv(ragged_block(w.rank()), 0);
  EXPECT_EQ(root_view, w.rank() == 0 ? ragged_whole(w.size()) : std::vector<double>{});
  EXPECT_EQ(w.allgatherv(ragged_block(w.rank())), ragged_whole(w.size()));
}

TEST(Collectives, ReductionsBuiltInAndInRankOrder) {
  const auto& w = world();
  const int n = w.size();
  const long r = w.rank();
  EXPECT_EQ(w.allreduce(r + 1, std::plus<>{}), static_cast<long>(n) * (n + 1) / 2);
  EXPECT_EQ(w.allreduce(r, pardo::mpi::max{}), n - 1);
  EXPECT_EQ(w.allreduce(r, pardo::mpi::min{}), 0);
  EXPECT_EQ(w.allreduce(static_cast<unsigned>(1u << r), std::bit_or<>{}), (1u << n) - 1);
  const std::optional<double> product = w.reduce(2.0, std::multiplies<>{}, n - 1);
  EXPECT_EQ(product.has_value(), w.rank() == n - 1);
  if (product) {
    EXPECT_EQ(*product, static_cast<double>(1L << n));
  }
  // User operations on a native type, associative but not commutative: MPI applies them in
  // rank order, so "keep the left one" gives rank 0's value and "keep the right one" the last.
  const auto left = [](long a, long) { return a; };
  const auto right = [](long, long b) { return b; };
  EXPECT_EQ(w.allreduce(r + 100, left), 100);
  EXPECT_EQ(w.allreduce(r + 100, right), 100 + n - 1);
  // Encoded values are folded in rank order too.
  const std::string joined = w.allreduce(std::to_string(r), std::plus<>{});
  std::string order;
  for (int k = 0; k < n; ++k) order += std::to_string(k);
  EXPECT_EQ(joined, order);
}

TEST(Collectives, ElementwiseReduceAllreduceAndReduceScatter) {
  const auto& w = world();
  const auto n = static_cast<std::size_t>(w.size());
  std::vector<int> data(2 * n);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<int>(i) + w.rank();
  const int shift = static_cast<int>(n * (n - 1) / 2);
  std::vector<int> sums(2 * n);
  for (std::size_t i = 0; i < sums.size(); ++i) sums[i] = static_cast<int>(i * n) + shift;
  EXPECT_EQ(w.allreduce(data, std::plus<>{}), sums);
  EXPECT_EQ(w.reduce(data, std::plus<>{}, 0), w.rank() == 0 ? sums : std::vector<int>{});
  std::vector<int> in_place = data;
  w.allreduce_in_place(std::span<int>(in_place), std::plus<>{});
  EXPECT_EQ(in_place, sums);
  const auto r = static_cast<std::size_t>(w.rank());
  EXPECT_EQ(w.reduce_scatter(data, std::plus<>{}),
            (std::vector<int>{sums[2 * r], sums[2 * r + 1]}));
}

TEST(Collectives, AlltoallTransposesBlocks) {
  const auto& w = world();
  const auto n = static_cast<std::size_t>(w.size());
  std::vector<int> send(2 * n);
  for (std::size_t dest = 0; dest < n; ++dest) {
    send[2 * dest] = 100 * w.rank() + static_cast<int>(dest);
    send[2 * dest + 1] = -send[2 * dest];
  }
  const std::vector<int> got = w.alltoall(send);
  for (std::size_t from = 0; from < n; ++from) {
    EXPECT_EQ(got[2 * from], 100 * static_cast<int>(from) + w.rank());
    EXPECT_EQ(got[2 * from + 1], -got[2 * from]);
  }
}

TEST(Collectives, EverythingAboveTheMessageLimitIsSplitNotTruncated) {
  const auto& w = world();
  MessageLimit limit(3);
  const auto n = static_cast<std::size_t>(w.size());
  std::vector<double> big(10 * n);
  std::iota(big.begin(), big.end(), 0.0);
  std::vector<double> copy = w.rank() == 0 ? big : std::vector<double>(big.size());
  w.bcast(std::span<double>(copy), 0);
  EXPECT_EQ(copy, big);
  std::vector<double> twice(big.size());
  for (std::size_t i = 0; i < big.size(); ++i) twice[i] = big[i] * static_cast<double>(n);
  EXPECT_EQ(w.allreduce(big, std::plus<>{}), twice);
  const std::vector<double> mine = w.scatter(big, 0);
  EXPECT_EQ(mine,
            std::vector<double>(big.begin() + w.rank() * 10, big.begin() + w.rank() * 10 + 10));
  EXPECT_EQ(w.allgatherv(ragged_block(w.rank())), ragged_whole(w.size()));
  EXPECT_EQ(w.gatherv(ragged_block(w.rank()), 0),
            w.rank() == 0 ? ragged_whole(w.size()) : std::vector<double>{});
  std::vector<std::size_t> counts(n);
  for (std::size_t r = 0; r < n; ++r) counts[r] = ragged_block(static_cast<int>(r)).size();
  EXPECT_EQ(w.scatterv(ragged_whole(w.size()), counts, 0), ragged_block(w.rank()));
  const std::vector<double> back = w.alltoall(big);
  for (std::size_t from = 0; from < n; ++from) {
    for (std::size_t i = 0; i < 10; ++i) {
      ASSERT_EQ(back[from * 10 + i], big[static_cast<std::size_t>(w.rank()) * 10 + i]);
    }
  }
  const std::vector<double> part = w.reduce_scatter(big, std::plus<>{});
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(part[i], twice[static_cast<std::size_t>(w.rank()) * 10 + i]);
  }
  std::vector<int> grown = w.rank() == 0 ? std::vector<int>(17, 4) : std::vector<int>{};
  w.bcast(grown, 0);
  EXPECT_EQ(grown, std::vector<int>(17, 4));
}

TEST(Collectives, RootOutsideTheCommunicatorIsNamed) {
  const auto& w = world();
  try {
    double x = 0;
    w.bcast(x, w.size());
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "bcast: root " + std::to_string(w.size()) +
                                         " is outside [0, " + std::to_string(w.size()) + ")");
  }
  EXPECT_THROW((void)w.gather(1, -1), std::invalid_argument);
}

TEST(Collectives, CountsThatDisagreeThrowOnEveryRankInsteadOfHanging) {
  const auto& w = world();
  if (w.size() < 2) GTEST_SKIP() << "needs two ranks";
  const std::vector<double> mine(static_cast<std::size_t>(w.rank()) + 1, 1.0);
  try {
    (void)w.allreduce(mine, std::plus<>{});
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "allreduce: ranks disagree on the count: from 1 to " + std::to_string(w.size()) +
                  " elements (this rank: " + std::to_string(w.rank() + 1) + ")");
  }
  try {
    int x = 0;
    w.bcast(x, w.rank() == 0 ? 1 : 0);
    ADD_FAILURE() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bcast: ranks disagree on the root: from 0 to 1"),
              std::string::npos)
        << e.what();
  }
  // Still usable afterwards.
  EXPECT_EQ(w.allreduce(1, std::plus<>{}), w.size());
}

TEST(Collectives, UncheckedViewSkipsTheAgreementButComputesTheSame) {
  const auto& w = world();
  const pardo::mpi::Communicator fast = w.unchecked();
  EXPECT_EQ(fast.checks(), pardo::mpi::Checks::local);
  EXPECT_EQ(w.checks(), pardo::mpi::Checks::collective);
  EXPECT_EQ(fast.allreduce(std::vector<int>{1, 2}, std::plus<>{}),
            (std::vector<int>{w.size(), 2 * w.size()}));
  EXPECT_THROW((void)fast.reduce(1, std::plus<>{}, -3), std::invalid_argument);
}

TEST(Collectives, SplitAndDup) {
  const auto& w = world();
  const auto half = w.split(w.rank() % 2, -w.rank());
  ASSERT_TRUE(half.has_value());
  EXPECT_EQ(half->size(), (w.size() + 1 - w.rank() % 2) / 2);
  // Keys in reverse: the highest old rank becomes rank 0.
  const std::vector<int> olds = half->allgather(w.rank());
  EXPECT_TRUE(std::is_sorted(olds.rbegin(), olds.rend()));
  const auto only_zero = w.split(w.rank() == 0 ? 0 : pardo::mpi::undefined, 0);
  EXPECT_EQ(only_zero.has_value(), w.rank() == 0);
  const pardo::mpi::Communicator copy = w.dup();
  EXPECT_EQ(copy.size(), w.size());
  EXPECT_EQ(copy.allreduce(1, std::plus<>{}), w.size());
  EXPECT_THROW((void)w.split(-2, 0), std::invalid_argument);
}

}  // namespace

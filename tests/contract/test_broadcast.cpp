// broadcast and on_worker: a value placed once that every worker's tasks read through a
// pardo::Shared handle, and calls pinned to one worker.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

using Values = std::vector<double>;
using Table = std::map<std::string, std::vector<int>>;

double sum_of_block(Shared<Values> data, std::uint64_t first, std::uint64_t count) {
  const std::span<const double> all = data.span();
  const auto block = all.subspan(static_cast<std::size_t>(first), static_cast<std::size_t>(count));
  return std::accumulate(block.begin(), block.end(), 0.0);
}
PARDO_REMOTE(sum_of_block);

std::uint64_t size_of(Shared<Values> data) { return data->size(); }
PARDO_REMOTE(size_of);

// Where the worker's decoded value lies: the same address on every call of one worker.
std::uint64_t address_of(Shared<Values> data) {
  return reinterpret_cast<std::uintptr_t>(&data.get());
}
PARDO_REMOTE(address_of);

int lookup(Shared<Table> table, std::string key, std::uint64_t i) {
  return table->at(key).at(static_cast<std::size_t>(i));
}
PARDO_REMOTE(lookup);

// The process and thread a call ran on.
std::string where(std::size_t) {
  return std::to_string(::getpid()) + ":" +
         std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
}
PARDO_REMOTE(where);

PARDO_CONTRACT_SUITE(Broadcast);

Values ramp(std::size_t n) {
  Values v(n);
  std::iota(v.begin(), v.end(), 0.0);
  return v;
}

TYPED_TEST(Broadcast, TasksReadTheValueThroughTheHandle) {
  auto& ex = this->ex();
  const std::size_t n = 1 << 20;  // 8 MiB: a segment of its own on processes
  const Shared<Values> data = ex.broadcast(ramp(n));
  EXPECT_EQ(data->size(), n);
  EXPECT_EQ(data.span()[n - 1], static_cast<double>(n - 1));
  const std::uint64_t blocks = 16;
  std::vector<Future<double>> sums;
  for (std::uint64_t b = 0; b < blocks; ++b) {
    sums.push_back(ex.submit(sum_of_block, data, b * (n / blocks), n / blocks));
  }
  double total = 0;
  for (auto& s : sums) total += s.get();
  EXPECT_EQ(total, static_cast<double>(n) * static_cast<double>(n - 1) / 2);
}

TYPED_TEST(Broadcast, BroadcastValuesJoinsItsPartsOnTheWorkers) {
  if constexpr (TypeParam::remote) {
    auto& ex = this->ex();
    const Values x = ramp(100000);
    const Values none;
    const Values y(3, -1.5);
    const Shared<Values> xy = ex.template broadcast_values<double>({x, none, y});
    ASSERT_EQ(xy.span().size(), 100003u);
    EXPECT_EQ(xy.span()[99999], 99999.0);
    EXPECT_EQ(xy.span()[100002], -1.5);
    EXPECT_EQ(*xy, ex.broadcast([&] {
                       Values joined = x;
                       joined.insert(joined.end(), y.begin(), y.end());
                       return joined;
                     }())
                       .get());
    const double expected = 99999.0 * 100000.0 / 2 - 4.5;
    for (std::size_t w = 0; w < ex.size(); ++w) {
      EXPECT_EQ(ex.on_worker(w, size_of, xy).get(), 100003u) << "worker " << w;
      EXPECT_EQ(ex.on_worker(w, sum_of_block, xy, std::uint64_t{0}, std::uint64_t{100003}).get(),
                expected)
          << "worker " << w;
    }
    const Shared<Values> empty = ex.template broadcast_values<double>({});
    EXPECT_EQ(ex.submit(size_of, empty).get(), 0u);
  } else {
    GTEST_SKIP() << "broadcast_values is a worker pool's";
  }
}

TYPED_TEST(Broadcast, AnyValueThatTravelsCanBeBroadcast) {
  auto& ex = this->ex();
  const Shared<Table> table = ex.broadcast(Table{{"a", {1, 2, 3}}, {"b", {40, 50}}});
  EXPECT_EQ(ex.submit(lookup, table, std::string("a"), std::uint64_t{2}).get(), 3);
  EXPECT_EQ(ex.submit(lookup, table, std::string("b"), std::uint64_t{0}).get(), 40);
  expect_error<TypeParam, std::out_of_range>(
      [&] { ex.submit(lookup, table, std::string("b"), std::uint64_t{7}).get(); },
      "std::out_of_range", "vector::_M_range_check: __n (which is 7) >= this->size() (which is 2)");
}

TYPED_TEST(Broadcast, AHandleMayGoOnceItsTasksAreSubmitted) {
  auto& ex = this->ex();
  std::vector<Future<std::uint64_t>> sizes;
  for (std::size_t i = 1; i <= 8; ++i) {
    sizes.push_back(ex.submit(size_of, ex.broadcast(Values(i * 10000, 1.0))));
  }
  for (std::size_t i = 1; i <= 8; ++i) EXPECT_EQ(sizes[i - 1].get(), i * 10000);
}

TYPED_TEST(Broadcast, EachWorkerDecodesTheValueOnceAndKeepsIt) {
  auto& ex = this->ex();
  const Shared<Values> data = ex.broadcast(ramp(100000));
  for (std::size_t w = 0; w < ex.size(); ++w) {
    const std::uint64_t first = ex.on_worker(w, address_of, data).get();
    EXPECT_EQ(ex.on_worker(w, address_of, data).get(), first) << "worker " << w;
    if constexpr (!TypeParam::remote) {
      EXPECT_EQ(first, reinterpret_cast<std::uintptr_t>(&data.get()));
    }
  }
}

TYPED_TEST(Broadcast, EarlierValuesStayReadableAfterManyLaterOnes) {
  auto& ex = this->ex();
  std::vector<Shared<Values>> all;
  for (std::size_t i = 1; i <= 10; ++i) all.push_back(ex.broadcast(Values(i * 1000, 0.5)));
  for (std::size_t i = 10; i >= 1; --i) {
    EXPECT_EQ(ex.submit(sum_of_block, all[i - 1], std::uint64_t{0}, std::uint64_t{i * 1000}).get(),
              static_cast<double>(i) * 500.0);
  }
}

TYPED_TEST(Broadcast, OnWorkerRunsOnThatWorkerAlone) {
  auto& ex = this->ex();
  const std::vector<std::string> places = ex.on_each_worker(where);
  for (std::size_t w = 0; w < ex.size(); ++w) {
    EXPECT_EQ(ex.on_worker(w, where, w).get(), places[w]) << "worker " << w;
  }
  try {
    ex.on_worker(ex.size(), where, std::size_t{0});
    ADD_FAILURE() << "no exception for worker " << ex.size();
  } catch (const std::out_of_range& e) {
    EXPECT_EQ(std::string(e.what()), "on_worker: worker " + std::to_string(ex.size()) +
                                         " of a pool of " + std::to_string(ex.size()));
  }
}

TYPED_TEST(Broadcast, OnWorkerReportsTheTasksError) {
  auto& ex = this->ex();
  expect_error<TypeParam, std::runtime_error>(
      [&] { ex.on_worker(0, contract::fail_on_worker_0, std::size_t{0}).get(); },
      "std::runtime_error", "worker 0");
}

TYPED_TEST(Broadcast, NeitherRunsAfterShutdown) {
  auto& ex = this->ex();
  ex.shutdown();
  EXPECT_THROW(ex.broadcast(Values(10, 1.0)), ShutdownError);
  EXPECT_THROW(ex.on_worker(0, where, std::size_t{0}), ShutdownError);
}

}  // namespace
}  // namespace pardo::test

// push, pull, scatter and gather: named values each worker keeps between tasks, which tasks
// read and change with pardo::worker_value.
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

int plus_offset(int x) { return x + worker_value<int>("offset"); }
PARDO_REMOTE(plus_offset);

int count_up(std::size_t) { return ++worker_value<int>("count"); }
PARDO_REMOTE(count_up);

void double_rows(std::size_t) {
  for (int& x : worker_value<std::vector<int>>("rows")) x *= 2;
}
PARDO_REMOTE(double_rows);

void set_note(std::size_t w) { set_worker_value("note", "worker " + std::to_string(w)); }
PARDO_REMOTE(set_note);

std::string read_missing(std::size_t) { return worker_value<std::string>("no such value"); }
PARDO_REMOTE(read_missing);

double read_as_double(std::size_t) { return worker_value<double>("offset"); }
PARDO_REMOTE(read_as_double);

PARDO_CONTRACT_SUITE(WorkerState);

TYPED_TEST(WorkerState, PushPlacesTheValueOnEveryWorker) {
  auto& ex = this->ex();
  ex.push("offset", 10);
  std::vector<int> xs(100);
  std::iota(xs.begin(), xs.end(), 0);
  const std::vector<int> ys = ex.map(plus_offset, xs);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ys[static_cast<std::size_t>(i)], i + 10);
  EXPECT_EQ(ex.template pull<int>("offset"), std::vector<int>(ex.size(), 10));
  ex.push("offset", -1);  // replaces
  EXPECT_EQ(ex.submit(plus_offset, 1).get(), 0);
}

TYPED_TEST(WorkerState, EachWorkerKeepsItsOwnValueAcrossTasks) {
  auto& ex = this->ex();
  ex.push("count", 0);
  for (int round = 1; round <= 3; ++round) {
    for (std::size_t w = 0; w < ex.size(); ++w) {
      EXPECT_EQ(ex.on_worker(w, count_up, w).get(), round) << "worker " << w;
    }
  }
  EXPECT_EQ(ex.template pull<int>("count"), std::vector<int>(ex.size(), 3));
  ex.on_each_worker(set_note);
  for (std::size_t w = 0; w < ex.size(); ++w) {
    EXPECT_EQ(ex.template pull<std::string>(w, "note"), "worker " + std::to_string(w));
  }
}

TYPED_TEST(WorkerState, PushToOneWorkerLeavesTheOthers) {
  auto& ex = this->ex();
  const std::size_t last = ex.size() - 1;
  ex.push(last, "role", std::string("leader"));
  EXPECT_EQ(ex.template pull<std::string>(last, "role"), "leader");
  if (ex.size() > 1) {
    expect_error<TypeParam, std::out_of_range>(
        [&] { ex.template pull<std::string>(0, "role"); }, "std::out_of_range",
        "pardo::worker_value: this worker holds no value named \"role\"");
  }
  EXPECT_THROW(ex.push(ex.size(), "role", 1), std::out_of_range);
}

TYPED_TEST(WorkerState, ScatterSplitsInOrderAndGatherJoinsWhatTheTasksLeft) {
  auto& ex = this->ex();
  std::vector<int> rows(23);
  std::iota(rows.begin(), rows.end(), 0);
  ex.scatter("rows", rows);
  const auto parts = ex.template pull<std::vector<int>>("rows");
  ASSERT_EQ(parts.size(), ex.size());
  std::vector<int> joined;
  for (std::size_t w = 0; w < parts.size(); ++w) {
    const std::size_t expected = 23 / ex.size() + (w < 23 % ex.size() ? 1 : 0);
    EXPECT_EQ(parts[w].size(), expected) << "part " << w;
    joined.insert(joined.end(), parts[w].begin(), parts[w].end());
  }
  EXPECT_EQ(joined, rows);
  ex.on_each_worker(double_rows);
  std::vector<int> doubled;
  for (int x : rows) doubled.push_back(2 * x);
  EXPECT_EQ(ex.template gather<int>("rows"), doubled);
}

TYPED_TEST(WorkerState, AMissingValueOrAnotherTypeIsAnErrorNamingIt) {
  auto& ex = this->ex();
  expect_error<TypeParam, std::out_of_range>(
      [&] { ex.on_each_worker(read_missing); }, "std::out_of_range",
      "pardo::worker_value: this worker holds no value named \"no such value\"");
  ex.push("offset", 3);
  expect_error<TypeParam, std::invalid_argument>(
      [&] { ex.on_each_worker(read_as_double); }, "std::invalid_argument",
      "pardo::worker_value: \"offset\" holds a value of type int, not double");
  expect_error<TypeParam, std::invalid_argument>(
      [&] { ex.template pull<double>("offset"); }, "std::invalid_argument",
      "pardo::worker_value: \"offset\" holds a value of type int, not double");
}

}  // namespace
}  // namespace pardo::test

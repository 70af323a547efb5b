// size, backend and on_each_worker: one result per worker, by index.
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

using namespace contract;

PARDO_CONTRACT_SUITE(Workers);

TYPED_TEST(Workers, SizeIsTheWorkerCountAndBackendNamesTheKind) {
  auto& ex = this->ex();
  const auto& const_ex = ex;
  EXPECT_EQ(const_ex.size(), TypeParam::workers());
  EXPECT_EQ(const_ex.backend(), TypeParam::backend);
  static_assert(std::is_same_v<decltype(const_ex.backend()), std::string_view>);
}

TYPED_TEST(Workers, OnEachWorkerReturnsOneResultPerWorkerByIndex) {
  auto& ex = this->ex();
  std::vector<std::size_t> expected(TypeParam::workers());
  std::iota(expected.begin(), expected.end(), std::size_t{0});
  EXPECT_EQ(ex.on_each_worker(worker_id), expected);
  // Again: the workers serve any number of rounds.
  EXPECT_EQ(ex.on_each_worker(worker_id), expected);
}

TYPED_TEST(Workers, OnEachWorkerRethrows) {
  auto& ex = this->ex();
  expect_error<TypeParam, std::runtime_error>([&] { ex.on_each_worker(fail_on_worker_0); },
                                              "std::runtime_error", "worker 0");
  EXPECT_EQ(ex.on_each_worker(worker_id).size(), TypeParam::workers());
}

}  // namespace
}  // namespace pardo::test

// submit and its future: values, arguments, errors, callbacks, cancellation.
#include <atomic>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

using namespace contract;

PARDO_CONTRACT_SUITE(Submit);

TYPED_TEST(Submit, ReturnsTheValue) {
  auto& ex = this->ex();
  Future<double> f = ex.submit(square, 3.0);
  EXPECT_EQ(f.get(), 9.0);
  EXPECT_TRUE(f.done());
}

TYPED_TEST(Submit, ConvertsArgumentsToTheParameterTypes) {
  auto& ex = this->ex();
  EXPECT_EQ(ex.submit(square, 4).get(), 16.0);  // int -> double
  EXPECT_EQ(ex.submit(greet, "ada", 2).get(), "hello ada;hello ada;");
}

TYPED_TEST(Submit, CarriesContainersOptionalsAndClasses) {
  auto& ex = this->ex();
  const auto h =
      ex.submit(histogram, std::vector<std::string>{"a", "b", "a"}, std::optional<double>(2.0))
          .get();
  const std::map<std::string, std::vector<double>> expected{{"a", {0.0, 4.0}}, {"b", {2.0}}};
  EXPECT_EQ(h, expected);
  const Particle p = ex.submit(move_particle, Particle{"p", {1.0, 2.0}}, 0.5).get();
  EXPECT_EQ(p, (Particle{"p'", {1.5, 2.5}}));
  EXPECT_EQ(ex.submit(scaled, std::vector<double>{1.5, 2.5}).get(), (std::vector<double>{3, 5}));
}

TYPED_TEST(Submit, ManyFuturesEachGetTheirOwnValue) {
  auto& ex = this->ex();
  std::vector<Future<int>> futures;
  for (int i = 0; i < 5000; ++i) futures.push_back(ex.submit(plus_one, i));
  long sum = 0;
  for (int i = 0; i < 5000; ++i) {
    const int value = futures[static_cast<std::size_t>(i)].get();
    EXPECT_EQ(value, i + 1);
    sum += value;
  }
  EXPECT_EQ(sum, 5000L * 5001 / 2);
}

TYPED_TEST(Submit, ExceptionsArriveOnTheirFutureAndTheExecutorGoesOn) {
  auto& ex = this->ex();
  expect_error<TypeParam, std::invalid_argument>([&] { ex.submit(fail_with, 1).get(); },
                                                 "std::invalid_argument", "bad input 1");
  expect_error<TypeParam, std::out_of_range>([&] { ex.submit(fail_with, 2).get(); },
                                             "std::out_of_range", "index 2");
  // Not a std::exception: on a remote pool, only its type's name travels.
  expect_error<TypeParam, int>([&] { ex.submit(fail_with, 3).get(); }, "int", "");
  expect_error<TypeParam, std::runtime_error>([&] { ex.submit(fails_on_sevens, 6.0).get(); },
                                              "std::runtime_error", "bad input 6.000000");
  // The future holds the error: exception() returns it without throwing.
  auto failed = ex.submit(fail_with, 1);
  failed.wait();
  EXPECT_NE(failed.exception(), nullptr);
  EXPECT_EQ(ex.submit(fail_with, 7).get(), 7);
}

TYPED_TEST(Submit, VoidFunctionsCompleteTheirFuture) {
  auto& ex = this->ex();
  Future<void> f = ex.submit(sleep_ms, 1);
  f.get();
  EXPECT_TRUE(f.done());
  EXPECT_FALSE(f.cancelled());
}

TYPED_TEST(Submit, CallbacksAndThenWork) {
  auto& ex = this->ex();
  std::atomic<int> called{0};
  auto f = ex.submit(square, 5.0);
  f.add_done_callback([&](const Future<double>& g) {
    if (g.get() == 25.0) called.fetch_add(1);
  });
  auto g = f.then([](double x) { return x + 1; });
  EXPECT_EQ(g.get(), 26.0);
  EXPECT_TRUE(eventually([&] { return called.load() == 1; }));
}

TYPED_TEST(Submit, PendingTasksCanBeCancelled) {
  auto& ex = this->ex();
  // Hold every worker, then queue more than they can take.
  std::vector<Future<void>> busy;
  for (std::size_t w = 0; w < ex.size(); ++w) busy.push_back(ex.submit(sleep_ms, 300));
  std::vector<Future<double>> queued;
  for (int i = 0; i < 20; ++i) queued.push_back(ex.submit(square, i));
  if constexpr (TypeParam::runs_inline) {
    // Nothing is ever pending: the task ran inside submit.
    EXPECT_TRUE(queued.back().done());
    EXPECT_FALSE(queued.back().cancel());
    EXPECT_EQ(queued.back().get(), 19.0 * 19.0);
  } else {
    EXPECT_TRUE(queued.back().cancel());
    EXPECT_TRUE(queued.back().cancelled());
    EXPECT_THROW(queued.back().get(), CancelledError);
  }
  for (std::size_t i = 0; i + 1 < queued.size(); ++i) {
    EXPECT_EQ(queued[i].get(), static_cast<double>(i * i));
  }
}

}  // namespace
}  // namespace pardo::test

// then: continuations, with exceptions and cancellation passed along.
#include <stdexcept>
#include <string>

#include "support.hpp"

namespace pardo::test {
namespace {

class Then : public OnEveryExecutor {};

TEST_P(Then, ChainsValues) {
  with_executor([](auto& ex) {
    auto f = ex.submit([] { return 20; });
    auto g = f.then([](int x) { return x + 1; }).then([](int x) { return std::to_string(2 * x); });
    EXPECT_EQ(g.get(), "42");
  });
}

TEST_P(Then, ExceptionSkipsTheContinuationAndPropagates) {
  with_executor([](auto& ex) {
    bool ran = false;
    auto f = ex.submit([]() -> int { throw std::length_error("too long"); });
    auto g = f.then([&ran](int x) {
      ran = true;
      return x;
    });
    EXPECT_THROW(g.get(), std::length_error);
    EXPECT_FALSE(ran);
  });
}

TEST_P(Then, ContinuationExceptionLandsOnItsFuture) {
  with_executor([](auto& ex) {
    auto g =
        ex.submit([] { return 1; }).then([](int) -> double { throw std::domain_error("nope"); });
    EXPECT_THROW(g.get(), std::domain_error);
  });
}

TEST_P(Then, VoidToValueAndBack) {
  with_executor([](auto& ex) {
    int side = 0;
    auto f = ex.submit([&side] { side = 3; });
    auto g = f.then([&side] { return side * 2; });
    auto h = g.then([&side](int v) { side = v + 1; });
    h.get();
    EXPECT_EQ(side, 7);
  });
}

PARDO_ON_EVERY_EXECUTOR(Then);

TEST(ThenPromise, CancellingTheSourceCancelsTheContinuation) {
  Promise<int> p;
  bool ran = false;
  auto g = p.get_future().then([&ran](int x) {
    ran = true;
    return x;
  });
  EXPECT_TRUE(p.get_future().cancel());
  EXPECT_TRUE(g.cancelled());
  EXPECT_THROW(g.get(), CancelledError);
  EXPECT_FALSE(ran);
}

TEST(ThenPromise, CancelledContinuationNeverRuns) {
  Promise<int> p;
  bool ran = false;
  auto g = p.get_future().then([&ran](int x) {
    ran = true;
    return x;
  });
  EXPECT_TRUE(g.cancel());
  p.set_value(1);
  EXPECT_FALSE(ran);
  EXPECT_TRUE(g.cancelled());
}

TEST(ThenPromise, RunsInTheCompletingThread) {
  Promise<int> p;
  std::thread::id where;
  auto g = p.get_future().then([&where](int x) {
    where = std::this_thread::get_id();
    return x;
  });
  std::thread producer([&p] { p.set_value(1); });
  const auto producer_id = producer.get_id();
  producer.join();
  EXPECT_EQ(g.get(), 1);
  EXPECT_EQ(where, producer_id);
}

}  // namespace
}  // namespace pardo::test

// What only the in-process executors (pardo::Executor: SerialExecutor, ThreadPool) promise:
// results that need no default constructor, and maps that touch no worker at all. Lambdas
// and captures are tested beside each feature (test_submit.cpp and the others in tests/).
#include <ranges>
#include <vector>

#include "contract.hpp"

namespace pardo::test {
namespace {

template <class Kind>
class InProcess : public Contract<Kind> {
  static_assert(Executor<typename Kind::Type>);
};
TYPED_TEST_SUITE(InProcess, InProcessKinds);

TYPED_TEST(InProcess, MapAcceptsResultsWithoutADefaultConstructor) {
  struct NoDefault {
    explicit NoDefault(int v) : value(v) {}
    int value;
  };
  const auto ys = this->ex().map([](int x) { return NoDefault(x); }, std::views::iota(0, 100));
  ASSERT_EQ(ys.size(), 100u);
  EXPECT_EQ(ys[0].value, 0);
  EXPECT_EQ(ys[99].value, 99);
}

// Remote pools differ here: they check that the pool accepts work before looking at the
// input, so an empty map after shutdown throws ShutdownError there.
TYPED_TEST(InProcess, EmptyMapAfterShutdownTouchesNoWorker) {
  auto& ex = this->ex();
  ex.shutdown();
  const auto ys = ex.map([](int x) { return x; }, std::vector<int>{});
  EXPECT_TRUE(ys.empty());
}

}  // namespace
}  // namespace pardo::test

#include <gtest/gtest.h>
#include <pardo/pardo.hpp>

TEST(Smoke, SubmitGet) {
  pardo::ThreadPool pool(2);
  auto f = pool.submit([](int a, int b) { return a + b; }, 2, 3);
  EXPECT_EQ(f.get(), 5);
}

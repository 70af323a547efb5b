// The optimisers' tests' main: pardo::init first, because ProcessPool workers re-run it.
#include <gtest/gtest.h>

#include <pardo/remote/remote.hpp>

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

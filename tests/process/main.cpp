// The main of the programs that start ProcessPools (the process tests, the contract suite):
// pardo::init first, because workers re-run this program.
#include <gtest/gtest.h>

#include <pardo/remote/remote.hpp>

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

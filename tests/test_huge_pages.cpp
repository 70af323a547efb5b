// HugePageAllocator: the scratch buffers of the MCMC diagnostics. Small blocks come from
// operator new, large ones 2 MiB aligned; a vector that grows across the threshold frees
// each block the way it was allocated (ASan checks that), and absurd sizes throw.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <new>
#include <numeric>
#include <vector>

#include "core/huge_pages.hpp"

namespace pardo::test {
namespace {

using Allocator = detail::HugePageAllocator<double>;

TEST(HugePageAllocator, LargeBlocksAreAlignedToTwoMegabytes) {
  Allocator a;
  const std::size_t n = (3U << 20) / sizeof(double);
  double* p = a.allocate(n);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % (std::uintptr_t{2} << 20), 0u);
  p[0] = 1;
  p[n - 1] = 2;
  EXPECT_EQ(p[0] + p[n - 1], 3.0);
  a.deallocate(p, n);
}

TEST(HugePageAllocator, AVectorKeepsItsValuesWhileGrowingPastTheThreshold) {
  std::vector<double, Allocator> v;
  for (std::size_t i = 0; i < (4U << 20) / sizeof(double); ++i) v.push_back(static_cast<double>(i));
  const double expected = static_cast<double>(v.size()) * static_cast<double>(v.size() - 1) / 2;
  EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0.0), expected);
  v.resize(10);
  v.shrink_to_fit();
  EXPECT_EQ(v.back(), 9.0);
}

TEST(HugePageAllocator, AnAbsurdSizeThrowsBadArrayNewLength) {
  Allocator a;
  EXPECT_THROW(static_cast<void>(a.allocate(std::numeric_limits<std::size_t>::max() / 4)),
               std::bad_array_new_length);
}

}  // namespace
}  // namespace pardo::test

#pragma once
// What the Laplace tests (threads and MPI) share: "the same iterates, bit for bit".

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <pardo/pde/laplace.hpp>
#include <string>

namespace pardo::test {

inline std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

/// Same iteration count, residual, error and grid, to the bit.
inline void expect_identical(const pde::LaplaceResult& got, const pde::LaplaceResult& want,
                             const std::string& what) {
  EXPECT_EQ(got.iterations, want.iterations) << what;
  EXPECT_EQ(bits(got.residual), bits(want.residual)) << what;
  EXPECT_EQ(bits(got.max_error), bits(want.max_error)) << what;
  EXPECT_EQ(got.converged, want.converged) << what;
  ASSERT_EQ(got.grid.size(), want.grid.size()) << what;
  EXPECT_EQ(std::memcmp(got.grid.data(), want.grid.data(), got.grid.size() * sizeof(double)), 0)
      << what << ": the grids differ";
}

}  // namespace pardo::test

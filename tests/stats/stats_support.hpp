#pragma once
// Helpers for the statistics toolkit's tests: every backend in one call, bitwise equality.

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <pardo/pardo.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace pardo::test {

/// The backends a workload must agree on: serial, threads at 1, 2 and an oversubscribed 8,
/// worker processes at 1 and 3 (the machine has 2 cores).
template <class Body>
auto on_every_backend(Body&& body) {
  using R = std::invoke_result_t<Body&, SerialExecutor&>;
  std::vector<std::pair<std::string, R>> results;
  {
    SerialExecutor serial;
    results.emplace_back("serial", body(serial));
  }
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    ThreadPool pool(workers);
    results.emplace_back("threads" + std::to_string(workers), body(pool));
  }
  for (const std::size_t workers : {std::size_t{1}, std::size_t{3}}) {
    ProcessPool pool(workers);
    results.emplace_back("processes" + std::to_string(workers), body(pool));
  }
  return results;
}

/// The bits of a double, for EXPECT_EQ comparisons that must hold exactly.
inline std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

}  // namespace pardo::test

#pragma once
// Runs one solve on every backend the tests cover: serial, threads at 1, 2 and 8, worker
// processes at 1, 2 and 8.

#include <gtest/gtest.h>

#include <functional>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <pardo/process_pool.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace pardo::opt::test {

/// The message of the `Error` that `make()` throws, or "no exception"; another exception
/// type escapes and fails the test.
template <class Error = std::invalid_argument, class Make>
std::string message_of(Make make) {
  try {
    make();
  } catch (const Error& e) {
    return e.what();
  }
  return "no exception";
}

/// The result of `solve(executor)` on each backend, named.
template <class Solve>
std::vector<std::pair<std::string, Result>> on_every_backend(Solve solve) {
  std::vector<std::pair<std::string, Result>> out;
  {
    SerialExecutor serial;
    out.emplace_back("serial", solve(serial));
  }
  for (const std::size_t w : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    ThreadPool pool(w);
    out.emplace_back("threads" + std::to_string(w), solve(pool));
  }
  for (const std::size_t w : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    ProcessPool pool(w);
    out.emplace_back("processes" + std::to_string(w), solve(pool));
  }
  return out;
}

/// Every result equals the first, bit for bit: point, value, counts and history.
inline void expect_identical(const std::vector<std::pair<std::string, Result>>& results) {
  const Result& first = results.front().second;
  for (const auto& [name, r] : results) {
    EXPECT_EQ(r.x, first.x) << name;
    EXPECT_EQ(r.value, first.value) << name;
    EXPECT_EQ(r.evaluations, first.evaluations) << name;
    EXPECT_EQ(r.generations, first.generations) << name;
    EXPECT_EQ(r.history, first.history) << name;
    EXPECT_EQ(r.termination, first.termination) << name;
  }
}

}  // namespace pardo::opt::test

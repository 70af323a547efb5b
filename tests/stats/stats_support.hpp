#pragma once
// Helpers for the statistics toolkit's tests: every backend in one call, bitwise equality.

#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <cstdint>
#include <pardo/pardo.hpp>
#include <stop_token>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "../support.hpp"

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

/// The most seconds from a stop request to the run's end that a check of stop latency allows:
/// a chunk of work, with room for a loaded machine and a sanitizer's slowdown.
inline constexpr double stop_latency_bound = 1.5 * slow_build;

/// `run(token)` while another thread requests a stop on `token` 100 ms in: what `run`
/// returned, and the seconds from the request to its end.
template <class Run>
auto stopped_after_100ms(Run&& run) {
  std::stop_source stop;
  std::chrono::steady_clock::time_point requested;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    requested = std::chrono::steady_clock::now();
    stop.request_stop();
  });
  auto result = run(stop.get_token());
  const auto ended = std::chrono::steady_clock::now();
  stopper.join();
  return std::pair(std::move(result), std::chrono::duration<double>(ended - requested).count());
}

/// The bits of a double, for EXPECT_EQ comparisons that must hold exactly.
inline std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

}  // namespace pardo::test

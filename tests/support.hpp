#pragma once
// Shared test helpers: run a test on every executor, and a gate that holds tasks back.

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <pardo/pardo.hpp>
#include <string>
#include <system_error>
#include <vector>

extern char** environ;

namespace pardo::test {

using namespace std::chrono_literals;

/// An executor to build: workers == 0 means SerialExecutor.
struct ExecutorKind {
  const char* name;
  std::size_t workers;
};

/// Serial, then ThreadPool at 1, 2 and an oversubscribed 8 workers (the machine has 2 cores).
inline const std::vector<ExecutorKind> executor_kinds{
    {"serial", 0}, {"threads1", 1}, {"threads2", 2}, {"threads8", 8}};

/// ThreadPool alone at 1, 2 and 8 workers, for tests that need tasks to run concurrently
/// with the test's own thread.
inline const std::vector<std::size_t> pool_sizes{1, 2, 8};

class OnEveryExecutor : public ::testing::TestWithParam<ExecutorKind> {
 protected:
  /// Calls `body(executor)` with a fresh executor of this test's kind.
  template <class Body>
  void with_executor(Body&& body) {
    const ExecutorKind kind = GetParam();
    if (kind.workers == 0) {
      SerialExecutor executor;
      body(executor);
    } else {
      ThreadPool executor(kind.workers);
      body(executor);
    }
  }
};

class OnEveryPoolSize : public ::testing::TestWithParam<std::size_t> {};

/// Holds tasks until opened.
class Gate {
 public:
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

/// A task for `pool` that returns `value` once `gate` opens.
template <class Pool>
Future<int> submit_held(Pool& pool, Gate& gate, int value) {
  return pool.submit([&gate, value] {
    gate.wait();
    return value;
  });
}

/// 0, 1, ..., n - 1.
inline std::vector<int> iota_vector(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define PARDO_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define PARDO_TEST_SANITIZED 1
#endif
#endif

/// How many times a plain build's wall-clock bound a check allows in this build: sanitizers
/// make every memory access several times slower, and CI runs them two tests to a core. A
/// bound that says "soon, not at the end" (a stop seen within a chunk, not after minutes)
/// keeps its meaning at four times the plain figure.
#ifdef PARDO_TEST_SANITIZED
inline constexpr double slow_build = 4.0;
#else
inline constexpr double slow_build = 1.0;
#endif

/// Waits (polling) until `condition()` holds or a generous limit passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

/// Runs this test program again, for the disabled test `test` alone ("Suite.DISABLED_Name"),
/// with `env_entry` ("NAME=value") added to its environment, and returns its wait status. A
/// scenario that needs a process of its own (one that is killed, one whose exit writes a file)
/// is a disabled test run this way.
inline int run_disabled_test_in_child(const std::string& test, const std::string& env_entry) {
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  env.push_back(const_cast<char*>(env_entry.c_str()));
  env.push_back(nullptr);
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string filter = "--gtest_filter=" + test;
  std::string disabled = "--gtest_also_run_disabled_tests";
  char* argv[] = {self.data(), filter.data(), disabled.data(), nullptr};
  pid_t child = -1;
  if (const int rc = ::posix_spawn(&child, self.c_str(), nullptr, nullptr, argv, env.data())) {
    throw std::system_error(rc, std::generic_category(), "posix_spawn " + self);
  }
  int status = 0;
  if (::waitpid(child, &status, 0) != child) {
    throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  return status;
}

}  // namespace pardo::test

#define PARDO_ON_EVERY_EXECUTOR(Suite)                                      \
  INSTANTIATE_TEST_SUITE_P(                                                 \
      Executors, Suite, ::testing::ValuesIn(::pardo::test::executor_kinds), \
      [](const auto& param_info) { return std::string(param_info.param.name); })

#define PARDO_ON_EVERY_POOL_SIZE(Suite)                               \
  INSTANTIATE_TEST_SUITE_P(                                           \
      Workers, Suite, ::testing::ValuesIn(::pardo::test::pool_sizes), \
      [](const auto& param_info) { return "threads" + std::to_string(param_info.param); })

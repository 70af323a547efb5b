#pragma once
// Helpers for ProcessPool tests: pool sizes, a watchdog, and leak checks through /proc.

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <pardo/pardo.hpp>
#include <string>
#include <thread>
#include <vector>

#include "../support.hpp"

namespace pardo::test {

using namespace std::chrono_literals;

/// ProcessPool at 1, 2 and an oversubscribed 8 workers (the machine has 2 cores).
class OnEveryProcessCount : public ::testing::TestWithParam<std::size_t> {};

/// Aborts the test program with a message if a scenario outlives its limit, as CPython's
/// test_deadlock.py does, so that a hang fails at once with its name.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit)
      : name_(::testing::UnitTest::GetInstance()->current_test_info()->name()),
        thread_([this, limit] {
          std::unique_lock lock(mutex_);
          if (!cv_.wait_for(lock, limit, [this] { return done_; })) {
            std::fprintf(stderr, "watchdog: %s still running after %lld s: deadlock\n",
                         name_.c_str(), static_cast<long long>(limit.count()));
            std::abort();
          }
        }) {}
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::string name_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

/// The number of open file descriptors of this process.
inline std::size_t open_fds() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

/// Whether this process has any child left, live or zombie.
inline bool has_children() {
  int status = 0;
  return ::waitpid(-1, &status, WNOHANG) != -1;
}

/// Whether process `pid` exists (as anything, zombie included).
inline bool process_exists(int pid) {
  return std::filesystem::exists("/proc/" + std::to_string(pid));
}

/// Whether process `pid` exists and is not a zombie (an orphan's zombie waits for init).
inline bool process_alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

}  // namespace pardo::test

#define PARDO_ON_EVERY_PROCESS_COUNT(Suite)          \
  INSTANTIATE_TEST_SUITE_P(                          \
      Workers, Suite, ::testing::Values(1U, 2U, 8U), \
      [](const auto& param_info) { return "processes" + std::to_string(param_info.param); })

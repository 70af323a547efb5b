#include "child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "progress.hpp"

extern char** environ;

namespace pardo::cli {

namespace {

/// Closes both ends of a pipe, and the file actions, whatever happens.
struct SpawnSetup {
  int fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions{};
  SpawnSetup() { posix_spawn_file_actions_init(&actions); }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
};

}  // namespace

ChildRun run_child(const std::string& program, const std::vector<std::string>& argv, bool silent,
                   bool keep_running) {
  SpawnSetup setup;
  if (::pipe2(setup.fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("cannot make a pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_adddup2(&setup.actions, setup.fds[1], STDOUT_FILENO);
  if (silent) {
    posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  std::vector<std::string> owned = argv;
  std::vector<char*> pointers;
  for (auto& a : owned) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const int rc =
      ::posix_spawnp(&pid, program.c_str(), &setup.actions, nullptr, pointers.data(), environ);
  ::close(setup.fds[1]);
  setup.fds[1] = -1;
  if (rc != 0) {
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }
  ChildRun run;
  std::array<char, 65536> buffer;
  bool passed_on = false;
  for (;;) {
    // Ctrl-C reaches the whole foreground group, a `kill -INT` this process alone: the child
    // is asked to stop either way.
    if (!keep_running && stop_requested() && !passed_on) {
      ::kill(pid, SIGINT);
      passed_on = true;
    }
    pollfd ready{setup.fds[0], POLLIN, 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    const ssize_t n = ::read(setup.fds[0], buffer.data(), buffer.size());
    if (n > 0) {
      run.out.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view rest(path);
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    const std::string candidate = std::string(dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
      return true;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

std::vector<std::string>& trailing_command() {
  static std::vector<std::string> command;
  return command;
}

int take_trailing_command(int argc, char** argv) {
  if (argc < 2) return argc;
  const std::string_view name(argv[1]);
  if (name != "scale" && name != "launch") return argc;
  for (int i = 2; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--") {
      trailing_command().assign(argv + i + 1, argv + argc);
      return i;
    }
  }
  return argc;
}

}  // namespace pardo::cli

#include "user_objective.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <pardo/opt/problem.hpp>
#include <pardo/remote/remote.hpp>
#include <stdexcept>
#include <string>

namespace pardo::cli {

namespace {

using CFunction = double (*)(const double*, std::size_t);

struct Setup {
  CFunction function = nullptr;
  std::string command;
  double timeout = 0;
};

// Written once, before any evaluation; read by every thread after.
Setup& setup() {
  static Setup s;
  return s;
}

constexpr std::size_t kMaxOutput = 1 << 20;

std::string with_point(const std::string& command, std::span<const double> x) {
  std::string coordinates;
  for (std::size_t j = 0; j < x.size(); ++j) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", x[j]);
    if (j > 0) coordinates += ' ';
    coordinates += text;
  }
  std::string out;
  for (std::size_t at = 0;;) {
    const std::size_t next = command.find("{x}", at);
    out += command.substr(at, next - at);
    if (next == std::string::npos) break;
    out += coordinates;
    at = next + 3;
  }
  return out;
}

[[noreturn]] void failed(const std::string& line, const std::string& why) {
  throw opt::EvaluationFailed("'" + line + "' " + why);
}

// The last line of a program's output that is not blank, without its surrounding spaces.
std::string last_line(const std::string& text) {
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) return {};
  const std::size_t after_newline = text.find_last_of('\n', end) + 1;  // 0 if there is none
  const std::size_t start = text.find_first_not_of(" \t", after_newline);
  return text.substr(start, end + 1 - start);
}

// The value printed last, the only text on its line.
double parse_value(const std::string& line, const std::string& output) {
  const std::string text = last_line(output);
  if (text.empty()) failed(line, "printed nothing");
  char* stop = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &stop);
  if (stop == text.c_str() || *stop != '\0') failed(line, "printed no number: '" + text + "'");
  return value;
}

double run_command(std::span<const double> x) {
  const Setup& s = setup();
  const std::string line = with_point(s.command, x);
  int out[2];
  int err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    failed(line, std::string("could not start: ") + std::strerror(errno));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    const int error = errno;
    ::close(out[0]);
    ::close(out[1]);
    failed(line, std::string("could not start: ") + std::strerror(error));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    for (const int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
    failed(line, std::string("could not start: ") + std::strerror(error));
  }
  if (pid == 0) {
    // Its own process group, so that a timeout kills what the shell started too.
    ::setpgid(0, 0);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(s.timeout);
  std::string texts[2];  // stdout, stderr
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  bool timed_out = false;
  char buffer[4096];
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    int wait_ms = -1;
    if (s.timeout > 0) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(std::min<long long>(left.count(), 60'000));
    }
    const int ready = ::poll(fds, 2, wait_ms);
    if (ready <= 0) continue;  // EINTR, or the deadline, checked above
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || fds[k].revents == 0) continue;
      const ssize_t n = ::read(fds[k].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::close(fds[k].fd);
        fds[k].fd = -1;
      } else if (texts[k].size() < kMaxOutput) {
        texts[k].append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  for (const pollfd& p : fds) {
    if (p.fd >= 0) ::close(p.fd);
  }
  if (timed_out) ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    char text[64];
    std::snprintf(text, sizeof text, "ran longer than %g s and was killed", s.timeout);
    failed(line, text);
  }
  // What it said about its failure, shortened.
  std::string said = last_line(texts[1]);
  if (said.size() > 200) said = said.substr(0, 200) + "...";
  const std::string saying = said.empty() ? "" : ": " + said;
  if (WIFSIGNALED(status)) {
    failed(line, "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                     strsignal(WTERMSIG(status)) + ")" + saying);
  }
  if (WEXITSTATUS(status) != 0) {
    failed(line, "exited with status " + std::to_string(WEXITSTATUS(status)) + saying);
  }
  return parse_value(line, texts[0]);
}

}  // namespace

void set_user_objective(std::string library, std::string command, double timeout) {
  Setup s;
  s.timeout = timeout;
  if (!library.empty()) {
    const std::size_t colon = library.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == library.size()) {
      throw std::invalid_argument("--objective: '" + library +
                                  "' is not LIB.so:SYMBOL (a shared library and a C function "
                                  "double SYMBOL(const double* x, size_t d))");
    }
    const std::string path = library.substr(0, colon);
    const std::string symbol = library.substr(colon + 1);
    // A bare name would be looked up on the library path, not in the working directory.
    const std::string where = path.find('/') == std::string::npos ? "./" + path : path;
    void* handle = ::dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      throw std::invalid_argument("--objective: cannot load " + path + ": " + ::dlerror());
    }
    ::dlerror();
    void* found = ::dlsym(handle, symbol.c_str());
    if (found == nullptr) {
      throw std::invalid_argument("--objective: " + path + " has no function '" + symbol + "'");
    }
    s.function = reinterpret_cast<CFunction>(found);
  } else {
    if (command.find("{x}") == std::string::npos) {
      throw std::invalid_argument("--objective-cmd: '" + command +
                                  "' has no {x} to put the point in (as 'PROGRAM {x}')");
    }
    s.command = std::move(command);
  }
  setup() = std::move(s);
}
PARDO_REMOTE(set_user_objective);

double user_objective(std::span<const double> x) {
  const Setup& s = setup();
  if (s.function != nullptr) return s.function(x.data(), x.size());
  return run_command(x);
}
PARDO_REMOTE_FUNCTION(user_objective);

RemoteCall user_objective_initializer(const std::string& library, const std::string& command,
                                      double timeout) {
  return RemoteCall(set_user_objective, library, command, timeout);
}

}  // namespace pardo::cli

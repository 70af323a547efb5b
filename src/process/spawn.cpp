// Starting a worker: posix_spawn of /proc/self/exe (no fork of a threaded parent), its
// socket and progress page moved to the descriptors the protocol fixes and every other
// descriptor closed, signals back to their defaults.

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "pardo/core/detail/trace.hpp"
#include "process/process_core_impl.hpp"

extern char** environ;

namespace pardo::detail {

namespace {

/// Maps the progress page held by the memfd `page_fd` and sets it up; null with errno set if
/// it cannot.
protocol::Progress* map_progress_page(int page_fd) {
  if (page_fd < 0 || ::ftruncate(page_fd, sizeof(protocol::Progress)) != 0) return nullptr;
  void* page =
      ::mmap(nullptr, sizeof(protocol::Progress), PROT_READ | PROT_WRITE, MAP_SHARED, page_fd, 0);
  if (page == MAP_FAILED) return nullptr;
  return new (page) protocol::Progress();
}

/// The environment a worker starts with: this process's less PARDO_TRACE, as the parent
/// writes the trace (a worker tracing too would write over the file when it exits).
std::vector<char*> worker_environment() {
  std::vector<char*> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::string_view(*entry).rfind("PARDO_TRACE=", 0) != 0) env.push_back(*entry);
  }
  env.push_back(nullptr);
  return env;
}

/// posix_spawn of `command` (empty: this program) as a worker, with `--pardo-worker <fd>
/// <parent pid>` appended. Returns an error number (posix_spawn's, or fcntl's if the
/// descriptors cannot be moved), 0 on success.
int spawn_worker(int socket_fd, int page_fd, const std::vector<std::string>& command, pid_t& pid) {
  // Both descriptors go above the fixed numbers first, so that neither dup2 clobbers the
  // other's source.
  const int high_socket = ::fcntl(socket_fd, F_DUPFD_CLOEXEC, 10);
  const int high_page = ::fcntl(page_fd, F_DUPFD_CLOEXEC, 10);
  if (high_socket < 0 || high_page < 0) {
    const int error = errno;
    if (high_socket >= 0) ::close(high_socket);
    if (high_page >= 0) ::close(high_page);
    return error;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, high_socket, protocol::worker_fd);
  posix_spawn_file_actions_adddup2(&actions, high_page, protocol::progress_fd);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&actions, protocol::progress_fd + 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> args = command;
  if (args.empty()) args.push_back(protocol::worker_program_name());
  args.emplace_back(protocol::worker_flag);
  args.push_back(std::to_string(protocol::worker_fd));
  args.push_back(std::to_string(::getpid()));
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> env = worker_environment();
  const int rc =
      command.empty()
          ? ::posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv.data(), env.data())
          : ::posix_spawnp(&pid, command.front().c_str(), &actions, &attr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(high_socket);
  ::close(high_page);
  return rc;
}

/// The error of worker `index` that cannot start, at `step`, for want of descriptors naming
/// their limit: "ProcessPool: cannot start worker 3 (open file limit 12): socketpair: Too many
/// open files".
[[noreturn]] void fail_start(std::size_t index, int error, const std::string& step) {
  std::string what = "ProcessPool: cannot start worker " + std::to_string(index);
  rlimit files{};
  if (error == EMFILE && ::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    what += " (open file limit " + std::to_string(files.rlim_cur) + ")";
  }
  throw std::system_error(error, std::generic_category(), what + ": " + step);
}

}  // namespace

[[noreturn]] void process::throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

process::StartedProcess process::start_worker_process(std::size_t index,
                                                      const std::vector<std::string>& command) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    fail_start(index, errno, "socketpair");
  }
  const int parent_end = sv[0];
  const int child_end = sv[1];
  const int page_fd = ::memfd_create("pardo-progress", MFD_CLOEXEC);
  protocol::Progress* progress = map_progress_page(page_fd);
  if (progress == nullptr) {
    const int error = errno;
    if (page_fd >= 0) ::close(page_fd);
    ::close(parent_end);
    ::close(child_end);
    fail_start(index, error, "progress page");
  }
  pid_t pid = -1;
  const int rc = spawn_worker(child_end, page_fd, command, pid);
  ::close(child_end);
  ::close(page_fd);
  if (rc != 0) {
    ::close(parent_end);
    ::munmap(progress, sizeof(protocol::Progress));
    fail_start(index, rc,
               command.empty() ? std::string("posix_spawn")
                               : "posix_spawn of \"" + command.front() + "\"");
  }
  ::fcntl(parent_end, F_SETFL, ::fcntl(parent_end, F_GETFL) | O_NONBLOCK);
  return {pid, parent_end, progress};
}

/// Starts a process in the worker's slot; if none can start, the pool breaks.
void ProcessCore::Impl::spawn(Worker& w) {
  try {
    adopt(w, process::start_worker_process(w.index, options.worker_command));
  } catch (...) {
    break_pool(std::current_exception());
  }
}

/// Makes a started process the worker in slot `w`: its socket joins the I/O loop.
void ProcessCore::Impl::adopt(Worker& w, const process::StartedProcess& started) {
  w.progress = started.progress;
  w.pid = started.pid;
  w.fd = started.fd;
  ++w.generation;
  w.phase = process::Phase::starting;
  w.started_at = Clock::now();
  watch(w, EPOLL_CTL_ADD, false);
  trace::name_process(static_cast<std::uint32_t>(started.pid),
                      "processes worker " + std::to_string(w.index));
  std::lock_guard lock(mutex);
  pids[w.index] = started.pid;
}

}  // namespace pardo::detail

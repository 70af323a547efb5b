// The worker side: pardo::init, and the loop a worker process runs until told to exit.

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "pardo/remote/remote.hpp"
#include "pardo/remote/wire.hpp"
#include "remote/protocol.hpp"

namespace pardo {

namespace detail {

namespace {
std::atomic<bool> init_done{false};
std::string program_name;  // written once by init, before any pool exists
}  // namespace

const std::string& protocol::worker_program_name() noexcept { return program_name; }

}  // namespace detail

void init(int argc, char** argv) {
  if (argc >= 4 && argv[1] == detail::protocol::worker_flag) {
    detail::protocol::run_worker(std::atoi(argv[2]), std::atoi(argv[3]));
  }
  detail::program_name = argc > 0 && argv[0] != nullptr ? argv[0] : "pardo-worker";
  detail::init_done.store(true, std::memory_order_release);
}

bool initialized() noexcept { return detail::init_done.load(std::memory_order_acquire); }

namespace detail::protocol {

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "pardo worker %d: %s\n", static_cast<int>(::getpid()), what);
  std::fflush(stderr);
  ::_exit(70);
}

}  // namespace

void run_worker(int fd, int parent_pid) {
  // Die with the parent even while a task runs; the parent may have gone before this line.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent_pid) ::_exit(0);
  // Ctrl-C reaches the whole process group: the parent decides what stops.
  std::signal(SIGINT, SIG_IGN);
  try {
    std::string out;
    const std::size_t at =
        begin_frame(out, FrameKind::hello, static_cast<std::uint64_t>(::getpid()), version);
    wire::Writer hello(out);
    wire::encode(hello, registry_fingerprint());
    end_frame(out, at);
    if (!write_all(fd, out)) ::_exit(0);
    out.clear();

    void* page =
        ::mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED, progress_fd, 0);
    if (page == MAP_FAILED) die("cannot map the progress page");
    ::close(progress_fd);
    auto* progress = static_cast<Progress*>(page);
    constexpr std::size_t flush_bytes = 64 * 1024;
    constexpr auto flush_age = std::chrono::milliseconds(1);
    auto oldest = std::chrono::steady_clock::now();

    FrameDecoder in;
    for (;;) {
      const auto space = in.prepare();
      const ssize_t n = ::recv(fd, space.data(), space.size(), 0);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      in.commit(static_cast<std::size_t>(n));
      bool exit_now = false;
      while (auto frame = in.next()) {
        if (frame->header.kind == FrameKind::task) {
          const auto now = std::chrono::steady_clock::now();
          if (!out.empty() && (out.size() >= flush_bytes || now - oldest >= flush_age)) {
            if (!write_all(fd, out)) ::_exit(0);
            out.clear();
          }
          if (out.empty()) oldest = now;
          progress->started_ns.store(now.time_since_epoch().count(), std::memory_order_relaxed);
          progress->job.store(frame->header.id, std::memory_order_release);
          run_task(*frame, out);
        } else if (frame->header.kind == FrameKind::exit) {
          exit_now = true;
          break;
        } else {
          die("unexpected frame from the parent");
        }
      }
      if (!out.empty()) {
        if (!write_all(fd, out)) break;
        out.clear();
      }
      if (exit_now) break;
    }
  } catch (const std::exception& e) {
    die(e.what());
  }
  std::fflush(stdout);
  std::fflush(stderr);
  ::_exit(0);
}

}  // namespace detail::protocol
}  // namespace pardo

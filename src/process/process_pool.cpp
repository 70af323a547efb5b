// ProcessPool's core: one I/O thread starts the workers, feeds them jobs over non-blocking
// sockets, reads their replies, and replaces the ones that die.

#include <fcntl.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "pardo/core/workers.hpp"
#include "pardo/process/detail/process_core.hpp"
#include "pardo/remote/remote.hpp"
#include "process/process_globals.hpp"
#include "remote/protocol.hpp"

extern char** environ;

namespace pardo::detail {

namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

/// How long a worker may take to say hello after it was started.
constexpr std::chrono::seconds start_timeout{60};
/// How long a worker told to exit may take before it is killed.
constexpr std::chrono::seconds exit_timeout{5};
/// Consecutive workers that die before they are ready before the pool gives up.
constexpr int max_start_failures = 3;
/// Jobs queued on one worker are capped so that about this much work waits behind the
/// running one: enough to hide the round trip for short tasks, little enough to balance.
constexpr double queued_seconds_target = 1e-3;
constexpr std::size_t max_depth = 64;
/// How often task timeouts are checked while a worker is between jobs.
constexpr std::chrono::milliseconds poll_period{50};

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigdescr_np(sig);
    return "was killed by signal " + std::to_string(sig) + " (" +
           (name != nullptr ? name : "unknown") + ")";
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "ended with wait status " + std::to_string(status);
}

struct InFlight {
  std::uint64_t id;
  std::unique_ptr<RemoteJob> job;  // null: the initializer
};

enum class Phase { dead, starting, initializing, ready, exiting };

struct Worker {
  std::size_t index = 0;
  int pid = -1;
  int fd = -1;
  std::uint32_t generation = 0;
  Phase phase = Phase::dead;
  FrameDecoder in;
  std::string out;
  std::size_t out_sent = 0;
  bool watching_writes = false;
  std::deque<InFlight> inflight;
  std::int64_t tasks_sent = 0;
  Clock::time_point started_at;            // spawn, or exit request
  Clock::time_point head_started;          // when the first job in flight began, as seen here
  protocol::Progress* progress = nullptr;  // mapped from the worker's progress page
  double task_seconds = 0;                 // running mean of a job's time; 0 = unknown
  bool timed_out = false;
  std::string protocol_error;
};

}  // namespace

struct ProcessCore::Impl final : ErrorSink {
  ProcessOptions options;
  std::vector<Worker> workers;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::thread io;

  mutable std::mutex mutex;  // guards everything below it
  std::deque<std::unique_ptr<RemoteJob>> queue;
  std::vector<std::deque<std::unique_ptr<RemoteJob>>> pinned;
  bool accepting = true;
  std::exception_ptr broken;
  std::vector<int> pids;
  ErrorHandler handler;
  bool spawned = false;  // the first workers have been started
  std::condition_variable spawned_cv;

  std::atomic<bool> io_sleeping{false};
  std::uint64_t next_id = 1;  // I/O thread only
  int start_failures = 0;     // I/O thread only

  Impl(std::size_t count, ProcessOptions opts) : options(std::move(opts)), workers(count) {
    pinned.resize(count);
    pids.assign(count, -1);
    for (std::size_t w = 0; w < count; ++w) workers[w].index = w;
    epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) throw_errno("ProcessPool: epoll_create1");
    wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd < 0) {
      ::close(epoll_fd);
      throw_errno("ProcessPool: eventfd");
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = ~std::uint64_t{0};
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
  }

  ~Impl() {
    ::close(wake_fd);
    ::close(epoll_fd);
  }

  void report(std::exception_ptr error, std::string_view where) noexcept override {
    ErrorHandler h;
    {
      std::lock_guard lock(mutex);
      h = handler;
    }
    if (h) {
      try {
        h(error, where);
        return;
      } catch (...) {
        error = std::current_exception();
      }
    }
    ErrorSink* previous = exchange_current_error_sink(nullptr);
    report_error(error, where);
    exchange_current_error_sink(previous);
  }

  void wake() noexcept {
    if (io_sleeping.exchange(false)) {
      const std::uint64_t one = 1;
      [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
    }
  }

  // ---- the I/O thread --------------------------------------------------------------

  void run() noexcept {
    exchange_current_error_sink(this);
    for (auto& w : workers) spawn(w);
    {
      std::lock_guard lock(mutex);
      spawned = true;
    }
    spawned_cv.notify_all();
    std::vector<epoll_event> events(64);
    for (;;) {
      while (dispatch()) {
      }
      for (auto& w : workers) flush(w);
      check_deadlines();
      if (finished()) break;
      io_sleeping.store(true);
      // Jobs pushed from here on wake the loop; those pushed before are dispatched now.
      if (dispatch()) {
        io_sleeping.store(false);
        continue;
      }
      for (auto& w : workers) flush(w);
      const int n =
          ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), wait_millis());
      io_sleeping.store(false);
      for (int i = 0; i < n; ++i) handle_event(events[static_cast<std::size_t>(i)]);
    }
    exchange_current_error_sink(nullptr);
  }

  void handle_event(const epoll_event& ev) {
    if (ev.data.u64 == ~std::uint64_t{0}) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto n = ::read(wake_fd, &count, sizeof count);
      return;
    }
    const auto index = static_cast<std::size_t>(ev.data.u64 & 0xffffffffU);
    const auto generation = static_cast<std::uint32_t>(ev.data.u64 >> 32);
    Worker& w = workers[index];
    if (w.fd < 0 || w.generation != generation) return;  // a replaced worker's event
    if ((ev.events & EPOLLOUT) != 0) flush(w);
    if ((ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0) read_from(w);
  }

  int wait_millis() const {
    std::optional<Clock::time_point> next;
    const auto consider = [&](Clock::time_point t) {
      if (!next || t < *next) next = t;
    };
    for (const auto& w : workers) {
      if (w.fd < 0) continue;
      if (w.phase == Phase::starting) consider(w.started_at + start_timeout);
      if (w.phase == Phase::exiting) consider(w.started_at + exit_timeout);
      if (task_timeout() && !w.inflight.empty()) consider(task_deadline(w));
    }
    if (!next) return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
  }

  /// The id of the job the worker runs now, if one of its jobs in flight has started.
  std::optional<std::uint64_t> running_job(const Worker& w) const {
    if (w.progress == nullptr || w.inflight.empty()) return std::nullopt;
    const std::uint64_t id = w.progress->job.load(std::memory_order_acquire);
    if (id < w.inflight.front().id || id > w.inflight.back().id) return std::nullopt;
    return id;
  }

  /// When the running job passes task_timeout; while the worker is between jobs, a time
  /// soon, to look again (it does not tell the parent when it starts one).
  Clock::time_point task_deadline(const Worker& w) const {
    const auto running = running_job(w);
    const bool initializer =
        running && *running == w.inflight.front().id && !w.inflight.front().job;
    if (!running || initializer)
      return Clock::now() + std::min<Clock::duration>(*task_timeout(), poll_period);
    const Clock::time_point started{
        Clock::duration(w.progress->started_ns.load(std::memory_order_relaxed))};
    return started + *task_timeout();
  }

  std::optional<Clock::duration> task_timeout() const {
    if (options.task_timeout.count() <= 0) return std::nullopt;
    return std::chrono::duration_cast<Clock::duration>(options.task_timeout);
  }

  void check_deadlines() {
    const auto now = Clock::now();
    for (auto& w : workers) {
      if (w.fd < 0 || w.pid < 0) continue;
      const bool late_start = w.phase == Phase::starting && now > w.started_at + start_timeout;
      const bool late_exit = w.phase == Phase::exiting && now > w.started_at + exit_timeout;
      const bool late_task =
          task_timeout() && !w.inflight.empty() && !w.timed_out && now > task_deadline(w);
      if (late_task) w.timed_out = true;
      if (late_start) w.protocol_error = "did not start within 60 s";
      if (late_start || late_exit || late_task) ::kill(w.pid, SIGKILL);
    }
  }

  bool has_queued(std::size_t w) const {  // under mutex
    return !queue.empty() || !pinned[w].empty();
  }

  bool finished() {
    std::lock_guard lock(mutex);
    if (accepting) return false;
    for (const auto& w : workers) {
      if (w.fd >= 0 || has_queued(w.index)) return false;
    }
    return true;
  }

  std::size_t depth(const Worker& w) const {
    if (w.task_seconds <= 0) return 1;
    const double d = std::floor(queued_seconds_target / w.task_seconds);
    return std::clamp<std::size_t>(static_cast<std::size_t>(d), 1, max_depth);
  }

  /// Hands queued jobs to ready workers with room; true if it started or dropped any, so
  /// that the caller goes round again.
  bool dispatch() {
    std::vector<std::pair<Worker*, std::unique_ptr<RemoteJob>>> taken;
    bool retire_idle = false;
    {
      std::lock_guard lock(mutex);
      for (auto& w : workers) {
        if (w.phase != Phase::ready) continue;
        std::size_t room = depth(w) > w.inflight.size() ? depth(w) - w.inflight.size() : 0;
        if (options.max_tasks_per_child > 0) {
          const auto left = static_cast<std::size_t>(options.max_tasks_per_child - w.tasks_sent);
          room = std::min(room, left);
        }
        for (; room > 0; --room) {
          auto& own = pinned[w.index];
          auto& source = !own.empty() ? own : queue;
          if (source.empty()) break;
          taken.emplace_back(&w, std::move(source.front()));
          source.pop_front();
          ++w.tasks_sent;
        }
      }
      retire_idle = !accepting;
    }
    bool progress = false;
    for (auto& [w, job] : taken) {
      if (!job->started) {
        if (!job->start()) {
          --w->tasks_sent;
          progress = true;
          continue;
        }
        job->started = true;
      }
      send_job(*w, std::move(job));
    }
    for (auto& w : workers) retire_if_done(w, retire_idle);
    return progress;
  }

  /// Tells a worker to exit once it has nothing left: its task budget is spent, or the
  /// pool is shutting down and no work waits.
  void retire_if_done(Worker& w, bool shutting_down) {
    if (w.fd < 0 || w.phase == Phase::exiting || w.phase == Phase::initializing ||
        !w.inflight.empty()) {
      return;
    }
    const bool budget_spent =
        options.max_tasks_per_child > 0 && w.tasks_sent >= options.max_tasks_per_child;
    bool idle_shutdown = false;
    if (shutting_down) {
      std::lock_guard lock(mutex);
      idle_shutdown = !has_queued(w.index) || broken;
    }
    if (!budget_spent && !idle_shutdown) return;
    const std::size_t at = begin_frame(w.out, FrameKind::exit, 0);
    end_frame(w.out, at);
    w.phase = Phase::exiting;
    w.started_at = Clock::now();
    flush(w);
  }

  void send_job(Worker& w, std::unique_ptr<RemoteJob> job) {
    const std::uint64_t id = next_id++;
    const std::size_t mark = w.out.size();
    try {
      const std::size_t at = begin_frame(w.out, FrameKind::task, id, job->count());
      wire::Writer writer(w.out);
      const std::uint64_t function = job->function();
      wire::encode(writer, function);
      writer.write(job->args().data(), job->args().size());
      end_frame(w.out, at);
    } catch (...) {
      w.out.resize(mark);
      --w.tasks_sent;
      job->fail(std::current_exception());
      return;
    }
    ++job->attempts;
    if (w.inflight.empty()) w.head_started = Clock::now();
    w.inflight.push_back({id, std::move(job)});
  }

  void flush(Worker& w) {
    while (w.fd >= 0 && w.out_sent < w.out.size()) {
      const ssize_t n = ::send(w.fd, w.out.data() + w.out_sent, w.out.size() - w.out_sent,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        w.out_sent += static_cast<std::size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        watch_writes(w, true);
        return;
      }
      // The worker is gone; its end of file arrives through the read side.
      w.out.clear();
      w.out_sent = 0;
      break;
    }
    if (w.out_sent == w.out.size()) {
      w.out.clear();
      w.out_sent = 0;
      watch_writes(w, false);
    }
  }

  void watch_writes(Worker& w, bool on) {
    if (w.fd < 0 || w.watching_writes == on) return;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0U);
    ev.data.u64 = (std::uint64_t{w.generation} << 32) | w.index;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, w.fd, &ev);
    w.watching_writes = on;
  }

  void read_from(Worker& w) {
    for (;;) {
      const auto space = w.in.prepare();
      const ssize_t n = ::recv(w.fd, space.data(), space.size(), MSG_DONTWAIT);
      if (n > 0) {
        w.in.commit(static_cast<std::size_t>(n));
        try {
          while (auto frame = w.in.next()) handle_frame(w, *frame);
        } catch (const std::exception& e) {
          protocol_violation(w, e.what());
          return;
        }
        if (static_cast<std::size_t>(n) < space.size()) return;
        continue;
      }
      if (n < 0 && (errno == EINTR)) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      reap(w);  // end of file, or the connection broke: the worker is gone
      return;
    }
  }

  void protocol_violation(Worker& w, const std::string& what) {
    if (w.protocol_error.empty()) w.protocol_error = "sent a malformed reply: " + what;
    ::kill(w.pid, SIGKILL);
  }

  void handle_frame(Worker& w, const FrameView& frame) {
    switch (frame.header.kind) {
      case FrameKind::hello:
        return on_hello(w, frame);
      case FrameKind::result:
        return on_result(w, frame);
      default:
        throw SerializationError("unexpected frame kind " +
                                 std::to_string(static_cast<int>(frame.header.kind)));
    }
  }

  void on_hello(Worker& w, const FrameView& frame) {
    if (w.phase == Phase::exiting) return;  // told to exit before it said hello
    if (w.phase != Phase::starting) throw SerializationError("a second hello");
    if (frame.header.aux != protocol::version) {
      throw SerializationError("protocol version " + std::to_string(frame.header.aux) +
                               ", expected " + std::to_string(protocol::version));
    }
    wire::Reader reader(frame.payload);
    if (wire::decode<std::uint64_t>(reader) != registry_fingerprint()) {
      throw SerializationError(
          "its table of remote functions differs from the parent's (was the binary replaced?)");
    }
    if (options.initializer) {
      const std::uint64_t id = next_id++;
      const std::size_t at = begin_frame(w.out, FrameKind::task, id, 1);
      wire::Writer writer(w.out);
      wire::encode(writer, options.initializer->function());
      writer.write(options.initializer->args().data(), options.initializer->args().size());
      end_frame(w.out, at);
      w.inflight.push_back({id, nullptr});
      w.head_started = Clock::now();
      w.phase = Phase::initializing;
      flush(w);
    } else {
      becomes_ready(w);
    }
  }

  void becomes_ready(Worker& w) {
    w.phase = Phase::ready;
    start_failures = 0;
  }

  void on_result(Worker& w, const FrameView& frame) {
    if (w.inflight.empty() || w.inflight.front().id != frame.header.id) {
      throw SerializationError("a reply to job " + std::to_string(frame.header.id) +
                               " out of order");
    }
    const protocol::Reply reply = protocol::parse_reply(frame.payload, frame.header.flags);
    InFlight done = std::move(w.inflight.front());
    w.inflight.pop_front();
    const auto now = Clock::now();
    const double took = Seconds(now - w.head_started).count();
    w.task_seconds = w.task_seconds <= 0 ? took : 0.5 * w.task_seconds + 0.5 * took;
    w.head_started = now;
    if (!done.job) {
      on_initialized(w, reply);
      return;
    }
    wire::Reader results(reply.results);
    done.job->complete(results, frame.header.aux, reply.failure ? &*reply.failure : nullptr);
  }

  void on_initialized(Worker& w, const protocol::Reply& reply) {
    if (!reply.failure) {
      becomes_ready(w);
      return;
    }
    std::exception_ptr error;
    try {
      std::rethrow_exception(to_exception(*reply.failure, options.initializer->function(), 0));
    } catch (const std::exception& e) {
      error = std::make_exception_ptr(
          RemoteError(reply.failure->type,
                      std::string("ProcessPool initializer failed: ") + reply.failure->message));
    }
    break_pool(error);
    w.phase = Phase::ready;  // so that it is told to exit
  }

  /// Fails every queued job, now and later: the workers cannot be made to run them.
  void break_pool(std::exception_ptr error) {
    std::deque<std::unique_ptr<RemoteJob>> doomed;
    {
      std::lock_guard lock(mutex);
      if (!broken) broken = error;
      doomed.swap(queue);
      for (auto& own : pinned) {
        for (auto& job : own) doomed.push_back(std::move(job));
        own.clear();
      }
    }
    for (auto& job : doomed) settle_failed(*job, error);
  }

  static void settle_failed(RemoteJob& job, const std::exception_ptr& error) {
    if (job.started || job.start()) job.fail(error);
  }

  void requeue_front(std::unique_ptr<RemoteJob> job, std::size_t w) {
    std::lock_guard lock(mutex);
    auto& target = job->worker ? pinned[w] : queue;
    target.push_front(std::move(job));
  }

  /// The worker's socket closed: collect its exit status, settle its jobs, replace it.
  void reap(Worker& w) {
    ::close(w.fd);
    w.fd = -1;
    int status = 0;
    int rc = 0;
    do {
      rc = ::waitpid(w.pid, &status, 0);
    } while (rc < 0 && errno == EINTR);
    const std::string how = rc < 0 ? "ended (its status is unavailable)" : describe_status(status);
    const int sig = rc >= 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    const int code = rc >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    const int pid = w.pid;
    {
      std::lock_guard lock(mutex);
      pids[w.index] = -1;
    }
    const bool was_starting = w.phase == Phase::starting || w.phase == Phase::initializing;
    const bool clean = w.phase == Phase::exiting && w.inflight.empty() && code == 0;
    const std::optional<std::uint64_t> running = running_job(w);
    std::deque<InFlight> inflight = std::move(w.inflight);
    w.inflight.clear();
    // Jobs before the running one finished, but their results died with the worker: they
    // run again (a retry they are not charged for).
    while (running && !inflight.empty() && inflight.front().id < *running) {
      if (inflight.front().job) {
        --inflight.front().job->attempts;
        requeue_front(std::move(inflight.front().job), w.index);
      }
      inflight.pop_front();
    }
    if (running && !inflight.empty() && inflight.front().job) {
      InFlight head = std::move(inflight.front());
      inflight.pop_front();
      RemoteJob& job = *head.job;
      std::ostringstream message;
      message << "worker " << w.index << " (pid " << pid << ") " << how;
      if (!w.protocol_error.empty()) message << " after it " << w.protocol_error;
      message << " while running remote function '" << remote_name(job.function()) << "' on input "
              << job.first_index();
      if (job.count() > 1) message << " (a chunk of " << job.count() << " inputs)";
      if (w.timed_out) {
        std::ostringstream timeout;
        timeout << "task_timeout: remote function '" << remote_name(job.function()) << "' on input "
                << job.first_index() << " ran longer than " << options.task_timeout.count()
                << " s; worker " << w.index << " (pid " << pid << ") was killed";
        job.fail(std::make_exception_ptr(TimeoutError(timeout.str())));
      } else if (job.attempts <= static_cast<std::uint32_t>(options.max_retries)) {
        requeue_front(std::move(head.job), w.index);
      } else {
        job.fail(std::make_exception_ptr(
            WorkerCrashed(message.str(), pid, sig, code, job.first_index())));
      }
    }
    // Jobs queued behind the one that ran never started: they go back to the queue.
    for (auto it = inflight.rbegin(); it != inflight.rend(); ++it) {
      if (it->job) {
        --it->job->attempts;
        requeue_front(std::move(it->job), w.index);
      }
    }
    ::munmap(w.progress, sizeof(protocol::Progress));
    w.progress = nullptr;
    if (was_starting && !clean) {
      if (++start_failures >= max_start_failures) {
        std::ostringstream message;
        message << "ProcessPool: worker processes fail to start: worker " << w.index << " (pid "
                << pid << ") " << how;
        if (!w.protocol_error.empty()) message << " after it " << w.protocol_error;
        message << "; is pardo::init(argc, argv) the first line of main?";
        break_pool(std::make_exception_ptr(WorkerCrashed(message.str(), pid, sig, code, 0)));
      }
    }
    w.phase = Phase::dead;
    w.in = FrameDecoder();
    w.out.clear();
    w.out_sent = 0;
    w.watching_writes = false;
    w.tasks_sent = 0;
    w.timed_out = false;
    w.protocol_error.clear();
    w.task_seconds = 0;
    if (should_replace(w)) spawn(w);
  }

  bool should_replace(const Worker& w) {
    std::lock_guard lock(mutex);
    if (broken) return false;
    return accepting || has_queued(w.index);
  }

  void spawn(Worker& w) {
    try {
      start_process(w);
    } catch (...) {
      break_pool(std::current_exception());
    }
  }

  void start_process(Worker& w) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      throw_errno("ProcessPool: socketpair");
    }
    const int child_end = sv[1];
    const int page_fd = ::memfd_create("pardo-progress", MFD_CLOEXEC);
    void* page = MAP_FAILED;
    if (page_fd >= 0 && ::ftruncate(page_fd, sizeof(protocol::Progress)) == 0) {
      page = ::mmap(nullptr, sizeof(protocol::Progress), PROT_READ | PROT_WRITE, MAP_SHARED,
                    page_fd, 0);
    }
    if (page == MAP_FAILED) {
      const int error = errno;
      if (page_fd >= 0) ::close(page_fd);
      ::close(sv[0]);
      ::close(child_end);
      throw std::system_error(error, std::generic_category(), "ProcessPool: progress page");
    }
    auto* progress = new (page) protocol::Progress();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // Both descriptors go above the fixed numbers first, so that neither dup2 clobbers the
    // other's source.
    const int high_socket = ::fcntl(child_end, F_DUPFD_CLOEXEC, 10);
    const int high_page = ::fcntl(page_fd, F_DUPFD_CLOEXEC, 10);
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
    const std::string fd_arg = std::to_string(protocol::worker_fd);
    const std::string parent_arg = std::to_string(::getpid());
    std::string flag(protocol::worker_flag);
    std::string name = worker_program_name();
    char* argv[] = {name.data(), flag.data(), const_cast<char*>(fd_arg.c_str()),
                    const_cast<char*>(parent_arg.c_str()), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(child_end);
    ::close(high_socket);
    ::close(high_page);
    ::close(page_fd);
    if (rc != 0) {
      ::close(sv[0]);
      ::munmap(page, sizeof(protocol::Progress));
      throw std::system_error(rc, std::generic_category(), "ProcessPool: posix_spawn");
    }
    w.progress = progress;
    ::fcntl(sv[0], F_SETFL, ::fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    w.pid = pid;
    w.fd = sv[0];
    ++w.generation;
    w.phase = Phase::starting;
    w.started_at = Clock::now();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.u64 = (std::uint64_t{w.generation} << 32) | w.index;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, w.fd, &ev);
    std::lock_guard lock(mutex);
    pids[w.index] = pid;
  }
};

namespace {

void validate(std::size_t workers, const ProcessOptions& options) {
  if (workers == 0) throw std::invalid_argument("ProcessPool: worker count 0; need at least 1");
  if (workers > max_workers()) {
    throw std::invalid_argument("ProcessPool: worker count " + std::to_string(workers) +
                                " exceeds the limit of " + std::to_string(max_workers()));
  }
  if (options.max_tasks_per_child < 0) {
    throw std::invalid_argument("ProcessPool: max_tasks_per_child " +
                                std::to_string(options.max_tasks_per_child) +
                                " is negative (0 means no limit)");
  }
  if (!(options.task_timeout.count() >= 0) || !std::isfinite(options.task_timeout.count())) {
    std::ostringstream message;
    message << "ProcessPool: task_timeout " << options.task_timeout.count()
            << " s is not a finite non-negative duration (0 means no limit)";
    throw std::invalid_argument(message.str());
  }
  if (options.max_retries < 0) {
    throw std::invalid_argument("ProcessPool: max_retries " + std::to_string(options.max_retries) +
                                " is negative");
  }
  if (!initialized()) {
    throw std::logic_error(
        "ProcessPool: call pardo::init(argc, argv) first in main: workers re-run this program");
  }
}

}  // namespace

ProcessCore::ProcessCore(std::size_t workers, ProcessOptions options) {
  validate(workers, options);
  impl_ = std::make_unique<Impl>(workers, std::move(options));
  impl_->io = std::thread([impl = impl_.get()] { impl->run(); });
  // Workers are started on the I/O thread, which outlives them (their parent-death signal
  // follows the thread that started them); worker_pids() is meaningful once this returns.
  std::unique_lock lock(impl_->mutex);
  impl_->spawned_cv.wait(lock, [&] { return impl_->spawned; });
}

ProcessCore::~ProcessCore() { shutdown(true, false); }

std::size_t ProcessCore::size() const noexcept { return impl_->workers.size(); }

void ProcessCore::check_accepting(const char* caller) const {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->accepting) {
    throw ShutdownError(std::string(caller) + ": the ProcessPool has been shut down");
  }
}

void ProcessCore::push(std::vector<std::unique_ptr<RemoteJob>>& jobs) {
  std::vector<std::unique_ptr<RemoteJob>> empty_jobs;
  std::exception_ptr broken;
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->accepting) throw ShutdownError("the ProcessPool has been shut down");
    broken = impl_->broken;
    for (auto& job : jobs) {
      if (job->count() == 0 || broken) {
        empty_jobs.push_back(std::move(job));
      } else if (job->worker) {
        impl_->pinned[*job->worker % impl_->workers.size()].push_back(std::move(job));
      } else {
        impl_->queue.push_back(std::move(job));
      }
    }
  }
  jobs.clear();
  impl_->wake();
  for (auto& job : empty_jobs) {
    if (broken) {
      Impl::settle_failed(*job, broken);
    } else if (job->start()) {
      // Its first input could not be encoded: it fails without a worker.
      wire::Reader nothing{std::string_view()};
      job->complete(nothing, 0, nullptr);
    }
  }
}

void ProcessCore::shutdown(bool wait, bool cancel_pending) {
  std::deque<std::unique_ptr<RemoteJob>> cancelled;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->accepting = false;
    if (cancel_pending) {
      const auto take = [&](std::deque<std::unique_ptr<RemoteJob>>& from) {
        std::deque<std::unique_ptr<RemoteJob>> keep;
        for (auto& job : from) (job->started ? keep : cancelled).push_back(std::move(job));
        from.swap(keep);
      };
      take(impl_->queue);
      for (auto& own : impl_->pinned) take(own);
    }
  }
  for (auto& job : cancelled) job->cancel();
  impl_->wake();
  // Called from a callback on the I/O thread, waiting would wait for itself.
  if (wait && impl_->io.joinable() && impl_->io.get_id() != std::this_thread::get_id()) {
    impl_->io.join();
  }
}

void ProcessCore::set_error_handler(ErrorHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->handler = std::move(handler);
}

std::vector<int> ProcessCore::worker_pids() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->pids;
}

}  // namespace pardo::detail

// Supervision: deadlines (start, exit, task_timeout), stalls (stall_timeout: a busy worker
// whose CPU time stands still), and what becomes of a dead worker's jobs. The worker's progress
// page says which job it was running: the ones before it had finished but their results died with
// the worker, so they run again uncharged; the running one fails or is retried; the ones after it
// never started.

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iomanip>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "pardo/core/detail/trace.hpp"
#include "pardo/remote/remote.hpp"
#include "process/process_core_impl.hpp"

namespace pardo::detail {

using process::InFlight;
using process::Phase;
using process::ProcessExit;

namespace {

/// How long a worker may take to say hello after it was started.
constexpr std::chrono::seconds start_timeout{60};
/// How long a worker told to exit may take before it is killed.
constexpr std::chrono::seconds exit_timeout{5};
/// Consecutive workers that die before they are ready before the pool gives up.
constexpr int max_start_failures = 3;
/// How often task timeouts are checked while a worker is between jobs.
constexpr std::chrono::milliseconds poll_period{50};
/// The longest time between two looks at a busy worker's progress, whatever stall_timeout.
constexpr std::chrono::milliseconds max_stall_sample_period{250};

/// A process's scheduler state and CPU time, from /proc/<pid>/stat.
struct CpuSample {
  char state = '?';
  std::uint64_t ticks = 0;  // utime + stime, in clock ticks
};

/// Reads /proc/<pid>/stat; nullopt if it cannot (out of descriptors, say): no verdict then.
std::optional<CpuSample> read_cpu_sample(int pid) {
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buffer[1024];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  if (n <= 0) return std::nullopt;
  const std::string_view text(buffer, static_cast<std::size_t>(n));
  // The command name (field 2) may hold spaces and parentheses: count from its last ')'.
  const std::size_t paren = text.rfind(')');
  if (paren == std::string_view::npos || paren + 2 >= text.size()) return std::nullopt;
  CpuSample sample{text[paren + 2], 0};
  std::size_t at = paren + 2;
  for (int field = 3; field < 15; ++field) {
    at = text.find(' ', at);
    if (at == std::string_view::npos) return std::nullopt;
    ++at;
    if (field + 1 < 14) continue;  // fields 14 and 15: utime and stime
    std::uint64_t ticks = 0;
    if (std::from_chars(text.data() + at, text.data() + text.size(), ticks).ec != std::errc{}) {
      return std::nullopt;
    }
    sample.ticks += ticks;
  }
  return sample;
}

std::string describe_state(char state) {
  switch (state) {
    case 'T':
      return "stopped";
    case 't':
      return "stopped by a tracer";
    case 'S':
      return "sleeping";
    case 'D':
      return "in an uninterruptible wait";
    default:
      return std::string("in state ") + state;
  }
}

/// Names a job for messages: "remote function 'f' on input 7 (a chunk of 4 inputs)".
std::string describe_job(const RemoteJob& job) {
  std::ostringstream out;
  out << "remote function '" << remote_name(job.function()) << "' on input " << job.first_index();
  if (job.count() > 1) out << " (a chunk of " << job.count() << " inputs)";
  return out.str();
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

ProcessExit wait_for_exit(int pid) {
  int status = 0;
  int rc = 0;
  do {
    rc = ::waitpid(pid, &status, 0);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) return {"ended (its status is unavailable)", 0, -1};
  return {describe_status(status), WIFSIGNALED(status) ? WTERMSIG(status) : 0,
          WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

std::optional<std::uint64_t> process::Worker::running_job() const {
  if (progress == nullptr || inflight.empty()) return std::nullopt;
  const std::uint64_t id = progress->job.load(std::memory_order_acquire);
  if (id < inflight.front().id || id > inflight.back().id) return std::nullopt;
  return id;
}

void process::Worker::mark_dead() {
  phase = Phase::dead;
  in = FrameDecoder();
  out.clear();
  out_sent = 0;
  watching_writes = false;
  tasks_sent = 0;
  timed_out = false;
  stall = {};
  protocol_error.clear();
  task_seconds = 0;
}

std::optional<Clock::duration> ProcessCore::Impl::task_timeout() const {
  if (options.task_timeout.count() <= 0) return std::nullopt;
  return std::chrono::duration_cast<Clock::duration>(options.task_timeout);
}

/// When the running job passes task_timeout; while the worker is between jobs, a time
/// soon, to look again (it does not tell the parent when it starts one).
Clock::time_point ProcessCore::Impl::task_deadline(const Worker& w) const {
  const auto running = w.running_job();
  const bool initializer = running && *running == w.inflight.front().id && !w.inflight.front().job;
  if (!running || initializer)
    return Clock::now() + std::min<Clock::duration>(*task_timeout(), poll_period);
  const Clock::time_point started{
      Clock::duration(w.progress->started_ns.load(std::memory_order_relaxed))};
  return started + *task_timeout();
}

std::optional<Clock::duration> ProcessCore::Impl::stall_timeout() const {
  if (options.stall_timeout.count() <= 0) return std::nullopt;
  return std::chrono::duration_cast<Clock::duration>(options.stall_timeout);
}

/// Whether the worker owes the pool progress: it has tasks in flight, or was told to exit.
bool ProcessCore::Impl::stall_watched(const Worker& w) const {
  if (w.fd < 0 || w.pid < 0 || w.progress == nullptr || w.timed_out) return false;
  if (w.stall.stalled_seconds > 0) return false;
  return (w.phase == Phase::ready && !w.inflight.empty()) || w.phase == Phase::exiting;
}

/// Samples a watched worker when its time comes. A new job, more CPU time, or the runnable
/// state (it waits for a CPU) is progress; none of them for stall_timeout kills it.
void ProcessCore::Impl::check_stall(Worker& w, Clock::time_point now) {
  if (!stall_timeout() || !stall_watched(w) || now < w.stall.next_sample) return;
  w.stall.next_sample =
      now + std::min<Clock::duration>(*stall_timeout() / 4, max_stall_sample_period);
  const std::optional<CpuSample> sample = read_cpu_sample(w.pid);
  if (!sample) return;
  const std::uint64_t job = w.progress->job.load(std::memory_order_acquire);
  if (sample->state == 'R' || job != w.stall.job || sample->ticks != w.stall.cpu_ticks) {
    w.stall.progressed_at = now;
    w.stall.job = job;
    w.stall.cpu_ticks = sample->ticks;
    return;
  }
  // A result that arrived, or the exit request, counts as progress too.
  const auto since =
      std::max(w.stall.progressed_at, w.phase == Phase::exiting ? w.started_at : w.head_started);
  if (now - since < *stall_timeout()) return;
  w.stall.stalled_seconds = std::chrono::duration<double>(now - since).count();
  w.stall.stalled_state = describe_state(sample->state);
  ::kill(w.pid, SIGKILL);
}

/// How long the I/O thread may sleep: until the next deadline, or for good (-1).
int ProcessCore::Impl::wait_millis() const {
  std::optional<Clock::time_point> next;
  const auto consider = [&](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& w : workers) {
    if (w.fd < 0) continue;
    if (w.phase == Phase::starting) consider(w.started_at + start_timeout);
    if (w.phase == Phase::exiting) consider(w.started_at + exit_timeout);
    if (task_timeout() && !w.inflight.empty()) consider(task_deadline(w));
    if (stall_timeout() && stall_watched(w)) consider(w.stall.next_sample);
  }
  if (!next) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

/// Kills the workers past a deadline; their sockets close, and reap settles the rest.
void ProcessCore::Impl::check_deadlines() {
  const auto now = Clock::now();
  for (auto& w : workers) {
    if (w.fd < 0 || w.pid < 0) continue;
    const bool late_start = w.phase == Phase::starting && now > w.started_at + start_timeout;
    const bool late_exit = w.phase == Phase::exiting && now > w.started_at + exit_timeout;
    const bool late_task = task_timeout() && !w.inflight.empty() && !w.timed_out &&
                           w.stall.stalled_seconds == 0 && now > task_deadline(w);
    if (late_task) w.timed_out = true;
    if (late_start) {
      w.protocol_error = "did not start within " + std::to_string(start_timeout.count()) + " s";
    }
    if (late_start || late_exit || late_task) ::kill(w.pid, SIGKILL);
    check_stall(w, now);
  }
}

/// terminate(): every live worker is killed, once; reap fails the jobs they held. No worker
/// starts after this, since terminate() stopped accepting and emptied the queues.
void ProcessCore::Impl::kill_all_if_terminating() {
  if (!terminate_pending()) return;
  workers_killed = true;
  for (auto& w : workers) {
    if (w.fd >= 0 && w.pid > 0) ::kill(w.pid, SIGKILL);
  }
}

/// The worker's socket closed: collect its exit status, settle its jobs, replace it.
void ProcessCore::Impl::reap(Worker& w) {
  ::close(w.fd);
  w.fd = -1;
  const ProcessExit ended = wait_for_exit(w.pid);
  {
    std::lock_guard lock(mutex);
    pids[w.index] = -1;
  }
  const bool was_starting = w.phase == Phase::starting || w.phase == Phase::initializing;
  settle_inflight(w, ended);
  ::munmap(w.progress, sizeof(protocol::Progress));
  w.progress = nullptr;
  if (was_starting) count_start_failure(w, ended);
  w.mark_dead();
  if (should_replace(w)) spawn(w);
}

void ProcessCore::Impl::settle_inflight(Worker& w, const ProcessExit& ended) {
  const std::optional<std::uint64_t> running = w.running_job();
  std::deque<InFlight> inflight = std::move(w.inflight);
  w.inflight.clear();
  if (terminating.load()) {
    const auto error = std::make_exception_ptr(
        ShutdownError("the ProcessPool was terminated; worker " + std::to_string(w.index) +
                      " (pid " + std::to_string(w.pid) + ") was killed"));
    for (auto& held : inflight) {
      if (held.job) process::settle_failed(*held.job, error);
    }
    return;
  }
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
    std::unique_ptr<RemoteJob> job = std::move(inflight.front().job);
    inflight.pop_front();
    settle_running(w, std::move(job), ended);
  }
  // Jobs queued behind the one that ran never started: they go back to the queue.
  for (auto it = inflight.rbegin(); it != inflight.rend(); ++it) {
    if (it->job) {
      --it->job->attempts;
      requeue_front(std::move(it->job), w.index);
    }
  }
}

/// The job a dead worker was running: it fails with TimeoutError if task_timeout killed the
/// worker, runs again while max_retries allows, or fails with WorkerStalled if stall_timeout
/// killed it, WorkerCrashed otherwise.
void ProcessCore::Impl::settle_running(Worker& w, std::unique_ptr<RemoteJob> job,
                                       const ProcessExit& ended) {
  if (w.timed_out) {
    std::ostringstream timeout;
    timeout << "task_timeout: " << describe_job(*job) << " ran longer than "
            << options.task_timeout.count() << " s; worker " << w.index << " (pid " << w.pid
            << ") was killed";
    job->fail(std::make_exception_ptr(TimeoutError(timeout.str())));
    return;
  }
  if (job->attempts <= static_cast<std::uint32_t>(options.max_retries)) {
    if (trace::on()) {
      trace::record_remote_instant("retry", "retry", static_cast<std::uint32_t>(w.pid),
                                   static_cast<std::uint32_t>(w.pid));
    }
    requeue_front(std::move(job), w.index);
    return;
  }
  std::ostringstream message;
  message << "worker " << w.index << " (pid " << w.pid << ") ";
  if (w.stall.stalled_seconds > 0) {
    message << "made no progress for " << std::setprecision(3) << w.stall.stalled_seconds
            << " s running " << describe_job(*job) << " (" << w.stall.stalled_state
            << "); killed by stall_timeout " << options.stall_timeout.count() << " s";
    job->fail(std::make_exception_ptr(
        WorkerStalled(message.str(), w.pid, ended.signal, ended.code, job->first_index())));
    return;
  }
  message << ended.how;
  if (!w.protocol_error.empty()) message << " after it " << w.protocol_error;
  message << " while running " << describe_job(*job);
  job->fail(std::make_exception_ptr(
      WorkerCrashed(message.str(), w.pid, ended.signal, ended.code, job->first_index())));
}

/// Workers that keep dying before they are ready break the pool, rather than respawn forever.
void ProcessCore::Impl::count_start_failure(const Worker& w, const ProcessExit& ended) {
  if (++start_failures < max_start_failures) return;
  std::ostringstream message;
  message << "ProcessPool: worker processes fail to start: worker " << w.index << " (pid " << w.pid
          << ") " << ended.how;
  if (!w.protocol_error.empty()) message << " after it " << w.protocol_error;
  message << "; is pardo::init(argc, argv) the first line of main?";
  break_pool(
      std::make_exception_ptr(WorkerCrashed(message.str(), w.pid, ended.signal, ended.code, 0)));
}

bool ProcessCore::Impl::should_replace(const Worker& w) {
  std::lock_guard lock(mutex);
  if (broken) return false;
  return accepting || has_queued(w.index);
}

/// Fails every queued job, now and later: the workers cannot be made to run them.
void ProcessCore::Impl::break_pool(std::exception_ptr error) {
  JobQueue doomed;
  {
    std::lock_guard lock(mutex);
    if (!broken) broken = error;
    doomed.swap(queue);
    for (auto& own : pinned) {
      for (auto& job : own) doomed.push_back(std::move(job));
      own.clear();
    }
  }
  for (auto& job : doomed) process::settle_failed(*job, error);
}

void process::settle_failed(RemoteJob& job, const std::exception_ptr& error) {
  if (job.started || job.start()) job.fail(error);
}

}  // namespace pardo::detail

// Supervision: deadlines (start, exit, task_timeout) and what becomes of a dead worker's
// jobs. The worker's progress page says which job it was running: the ones before it had
// finished but their results died with the worker, so they run again uncharged; the running
// one fails or is retried; the ones after it never started.

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

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
    const bool late_task =
        task_timeout() && !w.inflight.empty() && !w.timed_out && now > task_deadline(w);
    if (late_task) w.timed_out = true;
    if (late_start) {
      w.protocol_error = "did not start within " + std::to_string(start_timeout.count()) + " s";
    }
    if (late_start || late_exit || late_task) ::kill(w.pid, SIGKILL);
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
/// worker, runs again while max_retries allows, or fails with WorkerCrashed.
void ProcessCore::Impl::settle_running(Worker& w, std::unique_ptr<RemoteJob> job,
                                       const ProcessExit& ended) {
  const std::string_view function = remote_name(job->function());
  if (w.timed_out) {
    std::ostringstream timeout;
    timeout << "task_timeout: remote function '" << function << "' on input " << job->first_index()
            << " ran longer than " << options.task_timeout.count() << " s; worker " << w.index
            << " (pid " << w.pid << ") was killed";
    job->fail(std::make_exception_ptr(TimeoutError(timeout.str())));
  } else if (job->attempts <= static_cast<std::uint32_t>(options.max_retries)) {
    requeue_front(std::move(job), w.index);
  } else {
    std::ostringstream message;
    message << "worker " << w.index << " (pid " << w.pid << ") " << ended.how;
    if (!w.protocol_error.empty()) message << " after it " << w.protocol_error;
    message << " while running remote function '" << function << "' on input "
            << job->first_index();
    if (job->count() > 1) message << " (a chunk of " << job->count() << " inputs)";
    job->fail(std::make_exception_ptr(
        WorkerCrashed(message.str(), w.pid, ended.signal, ended.code, job->first_index())));
  }
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

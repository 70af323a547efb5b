#pragma once
// ProcessCore's insides: one I/O thread starts the workers, feeds them jobs over
// non-blocking sockets, reads their replies, and replaces the ones that die
// (docs/design.md, "Worker processes"). Its parts:
//
//   process_pool.cpp  the public methods: start, push, shut down
//   io_loop.cpp       the I/O thread's epoll loop and the bytes of the sockets
//   replies.cpp       what workers send: hello, results, the initializer's reply
//   dispatch.cpp      queued jobs to ready workers; exit frames to idle ones
//   supervision.cpp   deadlines, stalls; reaping a dead worker, its jobs' retries; a broken pool
//   spawn.cpp         starting a worker process

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "pardo/core/detail/state.hpp"
#include "pardo/process/detail/process_core.hpp"
#include "pardo/remote/detail/remote_job.hpp"
#include "remote/frame.hpp"
#include "remote/protocol.hpp"

namespace pardo::detail {

// A namespace of its own: the ThreadPool has a pardo::detail::Worker too.
namespace process {

/// A job sent to a worker and not answered yet.
struct InFlight {
  std::uint64_t id;
  std::unique_ptr<RemoteJob> job;  // null: the initializer
};

/// starting: spawned, no hello yet; initializing: running the initializer; exiting: told
/// to exit, and killed if it is still there after exit_timeout.
enum class Phase { dead, starting, initializing, ready, exiting };

/// What the pool last saw of a worker's progress, for stall_timeout.
struct StallWatch {
  Clock::time_point next_sample;    // when /proc/<pid>/stat is read next
  Clock::time_point progressed_at;  // the last sample that saw it progress
  std::uint64_t job = 0;            // the job it had started then
  std::uint64_t cpu_ticks = 0;      // its user + system CPU time then, in clock ticks
  double stalled_seconds = 0;       // how long it had made no progress when killed; 0: not
  std::string stalled_state;        // its state then: "stopped", "sleeping", ...
};

/// One worker slot, as the I/O thread sees it; a replacement process takes over the slot.
struct Worker {
  std::size_t index = 0;
  int pid = -1;
  int fd = -1;
  std::uint32_t generation = 0;  // counts the slot's processes, so stale events are told apart
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
  StallWatch stall;
  std::string protocol_error;

  /// The id of the job the worker runs now, if one of its jobs in flight has started.
  std::optional<std::uint64_t> running_job() const;
  /// Forgets the reaped process: the slot is empty until the next one starts.
  void mark_dead();
};

/// How a reaped worker process ended.
struct ProcessExit {
  std::string how;  // "was killed by signal 9 (Killed)", for messages
  int signal = 0;   // 0 unless a signal killed it
  int code = -1;    // its exit status, -1 unless it exited
};

/// A started worker process, before it says hello.
struct StartedProcess {
  int pid;
  int fd;  // the parent's end of its socket, non-blocking
  protocol::Progress* progress;
};

/// Starts a worker process: posix_spawn of `command` (empty: this program) with its socket
/// and progress page at the descriptors the protocol fixes. Throws std::system_error naming
/// the worker `index`, the failed step and, for posix_spawn, the program.
StartedProcess start_worker_process(std::size_t index, const std::vector<std::string>& command);

/// Fails a job, starting it first if it never started (so its future is running).
void settle_failed(RemoteJob& job, const std::exception_ptr& error);

[[noreturn]] void throw_errno(const char* what);

}  // namespace process

struct ProcessCore::Impl final : ErrorSink {
  using Worker = process::Worker;
  using JobQueue = std::deque<std::unique_ptr<RemoteJob>>;

  Impl(std::size_t count, ProcessOptions opts);
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl();

  void report(std::exception_ptr error, std::string_view where) noexcept override {
    error_handler.report(std::move(error), where);
  }

  ProcessOptions options;
  std::vector<Worker> workers;  // the I/O thread's
  int epoll_fd = -1;
  int wake_fd = -1;
  std::thread io;

  mutable std::mutex mutex;  // guards everything below it, to the blank line
  JobQueue queue;
  std::vector<JobQueue> pinned;  // by worker index
  bool accepting = true;
  std::exception_ptr broken;
  std::vector<int> pids;
  bool spawned = false;            // the first workers have been started
  std::exception_ptr start_error;  // why one of them could not, for the constructor
  std::condition_variable spawned_cv;

  PoolErrorHandler error_handler;  // has its own lock
  std::atomic<bool> io_sleeping{false};
  std::atomic<bool> terminating{false};  // terminate(): the I/O thread kills every worker
  bool workers_killed = false;           // I/O thread only: the kill pass of terminate() ran
  std::uint64_t next_id = 1;             // I/O thread only
  int start_failures = 0;                // I/O thread only

  // io_loop.cpp: the loop and the sockets.
  void wake() noexcept;
  void run() noexcept;
  void handle_event(const epoll_event& ev);
  bool finished();
  void flush(Worker& w);
  void watch(Worker& w, int op, bool writes);
  void watch_writes(Worker& w, bool on);
  void read_from(Worker& w);

  // replies.cpp: the frames workers send.
  void handle_frame(Worker& w, const FrameView& frame);
  void on_hello(Worker& w, const FrameView& frame);
  void send_initializer(Worker& w);
  void becomes_ready(Worker& w);
  void on_result(Worker& w, const FrameView& frame);
  void on_initialized(Worker& w, const protocol::Reply& reply);
  void protocol_violation(Worker& w, const std::string& what);

  // dispatch.cpp: jobs to workers.
  bool has_queued(std::size_t w) const;  // under mutex
  bool dispatch();
  void retire_if_done(Worker& w, bool shutting_down);
  void send_job(Worker& w, std::unique_ptr<RemoteJob> job);
  void requeue_front(std::unique_ptr<RemoteJob> job, std::size_t w);

  // supervision.cpp: deadlines and dead workers.
  std::optional<Clock::duration> task_timeout() const;
  Clock::time_point task_deadline(const Worker& w) const;
  std::optional<Clock::duration> stall_timeout() const;
  bool stall_watched(const Worker& w) const;
  void check_stall(Worker& w, Clock::time_point now);
  int wait_millis() const;
  void check_deadlines();
  void kill_all_if_terminating();
  /// terminate() was called and its kill pass has not run yet.
  bool terminate_pending() const { return terminating.load() && !workers_killed; }
  void reap(Worker& w);
  void settle_inflight(Worker& w, const process::ProcessExit& ended);
  void settle_running(Worker& w, std::unique_ptr<RemoteJob> job, const process::ProcessExit& ended);
  void count_start_failure(const Worker& w, const process::ProcessExit& ended);
  bool should_replace(const Worker& w);
  void break_pool(std::exception_ptr error);

  // spawn.cpp: a new process in a worker's slot.
  void spawn(Worker& w);
  void adopt(Worker& w, const process::StartedProcess& started);
};

}  // namespace pardo::detail

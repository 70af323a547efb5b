#pragma once
// What parent and worker say to each other, on top of pardo's frames.
//
//   hello   worker -> parent  id = pid, aux = protocol version, payload = registry fingerprint
//   task    parent -> worker  id = job id, aux = calls, payload = function id, arguments;
//                             flag_traced asks for the task's times
//   result  worker -> parent  id = job id, aux = calls that returned, payload = their results;
//                             with flag_failed, then a failure block and its u32 length;
//                             with flag_traced, then the task's start and end (two i64,
//                             nanoseconds of the host's monotonic clock)
//   exit    parent -> worker  finish and exit
//
// A worker writes its results when it has no task left to start, when they pass 64 KiB, or
// when the oldest is 1 ms old; before each task it records the job in its Progress page.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pardo/remote/detail/registry.hpp"
#include "remote/frame.hpp"

namespace pardo::detail::protocol {

inline constexpr std::uint32_t version = 1;
inline constexpr std::uint16_t flag_failed = 1;
inline constexpr std::uint16_t flag_traced = 2;
/// The argument that marks a process as a worker: `prog --pardo-worker <fd> <parent pid>`.
inline constexpr std::string_view worker_flag = "--pardo-worker";
/// `prog` above: argv[0] of the program as `pardo::init` saw it, the name workers run under.
const std::string& worker_program_name() noexcept;
/// The descriptor number of the worker's socket.
inline constexpr int worker_fd = 3;
/// The descriptor number of the worker's progress page (a memfd holding a Progress).
inline constexpr int progress_fd = 4;

/// What a worker is running, in memory its parent maps too. Results travel in batches, so
/// the parent learns from here which job a dead worker was running (the jobs before it
/// finished, even if their results were lost with it) and since when (for task_timeout).
struct Progress {
  std::atomic<std::uint64_t> job{0};        ///< id of the job started last
  std::atomic<std::int64_t> started_ns{0};  ///< its start, steady_clock nanoseconds
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

/// Appends a failure block (kind, type, message, then its own length).
void append_failure(std::string& out, const FailureReport& failure);

/// When a traced task ran, in nanoseconds of its host's monotonic clock.
struct TaskTimes {
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
};

/// Splits a result payload into its results, its failure and its times, if flagged.
struct Reply {
  std::string_view results;
  std::optional<FailureReport> failure;
  std::optional<TaskTimes> times;
};
Reply parse_reply(std::string_view payload, std::uint16_t flags);

/// Runs the calls of one task frame and appends their result frame to `out`: what a worker
/// process, or an MPI rank, does with each task.
void run_task(const FrameView& frame, std::string& out);

/// Writes all of `data` to a blocking socket; false if the peer is gone.
bool write_all(int fd, std::string_view data) noexcept;

/// Runs the worker loop on `fd` and exits the process; never returns.
[[noreturn]] void run_worker(int fd, int parent_pid);

}  // namespace pardo::detail::protocol

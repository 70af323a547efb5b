#pragma once
// The recording side of pardo::trace, which the pools call around each task. While nothing is
// being recorded, a call site costs one relaxed load and a branch that is always predicted.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#if defined(__x86_64__)
#include <x86intrin.h>
#else
#include <chrono>
#endif

namespace pardo::detail::trace {

extern std::atomic<bool> recording_flag;

/// Whether a trace is being recorded in this process.
inline bool on() noexcept { return recording_flag.load(std::memory_order_relaxed); }

/// A reading of the trace clock: the time-stamp counter on x86-64 (a few ns, where the
/// monotonic clock costs tens in a VM), converted to the monotonic clock when collected.
inline std::uint64_t ticks() noexcept {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

enum class Category : std::uint8_t { task, chunk, phase, span, steal };

/// Records a complete event on the calling thread's track. `name` must live as long as the
/// process: a literal, a typeid name, or what intern() returned.
void record(Category category, const char* name, std::uint64_t start, std::uint64_t end,
            std::uint64_t first = 0, std::uint64_t last = 0) noexcept;

/// Records a moment on the calling thread's track.
void record_instant(Category category, const char* name) noexcept;

/// Records a phase of a run, from `start` to now, on the process's "phases" track.
void record_phase(std::string_view name, std::uint64_t start) noexcept;

/// This host's monotonic clock in nanoseconds: the clock of times that travel between
/// processes.
std::int64_t monotonic_ns() noexcept;

/// A task that ran in another process (a worker process, an MPI rank): its times in
/// nanoseconds of that process's monotonic clock, and, where the clocks may differ (another
/// host), when this process sent it and received its result on its own clock (0: the clocks
/// are one).
struct RemoteTask {
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::int64_t sent_ns = 0;
  std::int64_t received_ns = 0;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

/// Records `task` on the track (`pid`, `track`). Tasks with send and receive times align
/// their process's clock with this one's when the trace stops.
void record_remote(std::string_view name, std::uint32_t pid, std::uint32_t track,
                   const RemoteTask& task) noexcept;

/// Records a moment on another process's track, now on this host's clock: a task retried
/// after its worker died, on the dead worker's track.
void record_remote_instant(std::string_view name, std::string_view category, std::uint32_t pid,
                           std::uint32_t track) noexcept;

/// Names process `pid` ("processes worker 3", "rank 2") in the traces that show it.
void name_process(std::uint32_t pid, std::string name);

/// A copy of `name` that lives as long as the process (one per distinct name).
const char* intern(std::string_view name);

/// Names the calling thread's track ("threads worker 3"), for the traces it records into.
void name_track(std::string name);

/// Times one task on the calling thread when a trace is being recorded:
/// `TaskTimer timer(typeid(F).name());` before running it.
class TaskTimer {
 public:
  explicit TaskTimer(const char* name, Category category = Category::task, std::uint64_t first = 0,
                     std::uint64_t last = 0) noexcept
      : name_(name), first_(first), last_(last), category_(category), start_(ticks()) {}
  TaskTimer(const TaskTimer&) = delete;
  TaskTimer& operator=(const TaskTimer&) = delete;
  ~TaskTimer() { record(category_, name_, start_, ticks(), first_, last_); }

 private:
  const char* name_;
  std::uint64_t first_;
  std::uint64_t last_;
  Category category_;
  std::uint64_t start_;
};

/// body.run(begin, end): a chunk of a parallel loop, timed as a "chunk" event while a trace
/// records.
template <class Body>
void run_chunk(Body& body, std::size_t begin, std::size_t end) noexcept {
  if (on()) [[unlikely]] {
    const TaskTimer timer("chunk", Category::chunk, begin, end);
    body.run(begin, end);
  } else {
    body.run(begin, end);
  }
}

}  // namespace pardo::detail::trace

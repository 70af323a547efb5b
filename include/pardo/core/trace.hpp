#pragma once
/// @file
/// Traces of a run: what each worker ran and when, as Chrome Trace Event JSON that Perfetto
/// (ui.perfetto.dev) and chrome://tracing open. Off by default; a program linked with pardo
/// traces its whole run when `PARDO_TRACE=FILE` is set, the CLI with `--trace FILE`, and code
/// around a region with trace::start and trace::stop.
///
/// A trace has one track per thread that ran work (a pool's workers are named "threads
/// worker 0", ...), a complete event per task (named by its callable's type, or by its
/// registered name on worker processes and MPI ranks) and per chunk of a parallel loop (named
/// "chunk", with its first and last index), the phases of a run (`Progress::start_phase`:
/// "sampling", "diagnostics") as spans on a "phases" track, spans of your own (trace::Span),
/// and steals as instant events. Worker processes and ranks on this host are processes of
/// the same trace, on the same clock: their tasks are timed where they run and travel back
/// with their results.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pardo::trace {

/// One event of a trace, in nanoseconds of the system's monotonic clock.
struct Event {
  /// A span with a start and a duration, or a moment.
  enum class Kind : std::uint8_t { complete, instant };
  Kind kind = Kind::complete;
  std::string name;         ///< the task's callable, "chunk", a phase, a span's name
  std::string category;     ///< "task", "chunk", "phase", "span", "steal"
  std::uint32_t pid = 0;    ///< the process that recorded it
  std::uint32_t track = 0;  ///< the thread (its kernel thread id), or 0 for "phases"
  std::int64_t start_ns = 0;
  std::int64_t duration_ns = 0;  ///< 0 for an instant
  /// For a chunk, its indices [first, last); otherwise 0.
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

/// What a trace recorded: the events, and the names of their tracks.
/// @code
/// pardo::trace::start();
/// pool.map(f, inputs);
/// const pardo::trace::Trace t = pardo::trace::stop();
/// t.write("run.trace.json");  // open in ui.perfetto.dev
/// @endcode
class Trace {
 public:
  /// A track: a thread that recorded events, with the name it had.
  struct Track {
    std::uint32_t pid = 0;
    std::uint32_t track = 0;
    std::string name;
  };
  /// A process that ran events: this one, a worker process, an MPI rank.
  struct Process {
    std::uint32_t pid = 0;
    std::string name;
  };

  Trace() = default;
  /// A trace of these events (sorted here by start time), tracks and processes: one read
  /// back, or made up to test what reads traces.
  /// @code
  /// pardo::trace::Trace t({{.name = "f", .category = "task", .track = 1, .duration_ns = 500}},
  ///                       {{.track = 1, .name = "threads worker 0"}}, {});
  /// @endcode
  Trace(std::vector<Event> events, std::vector<Track> tracks, std::vector<Process> processes);

  /// Every event, by start time.
  /// @code
  /// for (const auto& e : trace.events()) std::cout << e.name << ' ' << e.duration_ns << '\n';
  /// @endcode
  const std::vector<Event>& events() const noexcept { return events_; }
  /// The tracks that recorded events, and a pool's workers that recorded none.
  /// @code
  /// for (const auto& t : trace.tracks()) std::puts(t.name.c_str());  // "threads worker 0", ...
  /// @endcode
  const std::vector<Track>& tracks() const noexcept { return tracks_; }
  /// This process first, then each worker process or rank whose tasks the trace holds.
  /// @code
  /// std::size_t others = trace.processes().size() - 1;
  /// @endcode
  const std::vector<Process>& processes() const noexcept { return processes_; }

  /// The trace as Chrome Trace Event JSON (the "JSON object" form, microsecond timestamps).
  std::string chrome_json() const;

  /// Writes chrome_json() to `path`; throws std::runtime_error naming the file and the
  /// system's reason if it cannot be written (a full disk included).
  void write(const std::filesystem::path& path) const;

 private:
  friend Trace stop();
  std::vector<Event> events_;
  std::vector<Track> tracks_;
  std::vector<Process> processes_;
};

/// Starts recording in this process; events recorded before are dropped. Calling it while
/// recording starts over.
/// @code
/// pardo::trace::start();
/// @endcode
void start();

/// Stops recording and returns what was recorded since start(); an empty trace if nothing was
/// being recorded.
/// @code
/// pardo::trace::Trace t = pardo::trace::stop();
/// @endcode
Trace stop();

/// Whether this process is recording now.
/// @code
/// if (pardo::trace::recording()) std::puts("tracing");
/// @endcode
bool recording() noexcept;

/// Where this process writes a trace meant for `path`: `path` itself outside an MPI job and on
/// rank 0, `path.rank-R` on rank R (every rank of an mpirun job reads the same PARDO_TRACE).
/// @code
/// pardo::trace::stop().write(pardo::trace::file_for_this_rank("run.trace.json"));
/// @endcode
std::filesystem::path file_for_this_rank(const std::filesystem::path& path);

/// A span of your own on the calling thread's track, from construction to destruction:
/// "load data", "write results". Costs one branch when not recording.
/// @code
/// {
///   pardo::trace::Span span("read input");
///   table = pardo::stats::read_csv(path);
/// }
/// @endcode
class Span {
 public:
  explicit Span(std::string_view name);
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span();

 private:
  const char* name_ = nullptr;
  std::uint64_t start_ = 0;
};

}  // namespace pardo::trace

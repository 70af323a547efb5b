// Recording traces: one log per thread, the clock's conversion to nanoseconds, Chrome Trace
// Event JSON, and PARDO_TRACE for a whole program.
//
// A thread appends to its own log under the log's lock (uncontended but for the moment stop()
// collects it), so a task still finishing while recording stops is either in the trace whole
// or not at all.

#include "pardo/core/trace.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/demangle.hpp"
#include "core/trace_buffer.hpp"
#include "pardo/core/detail/trace.hpp"

namespace pardo::detail::trace {

std::atomic<bool> recording_flag{false};

namespace {

struct Log {
  std::uint32_t track = 0;
  std::string name;
  bool named = false;  // a pool's worker: in the trace even if it ran nothing
  std::atomic<bool> busy{false};
  EventBuffer events;
};

/// Holds a log's lock: its thread takes it for each append, stop() to take the events.
class LogLock {
 public:
  explicit LogLock(Log& log) noexcept : log_(log) {
    while (log_.busy.exchange(true, std::memory_order_acquire)) {
    }
  }
  LogLock(const LogLock&) = delete;
  LogLock& operator=(const LogLock&) = delete;
  ~LogLock() { log_.busy.store(false, std::memory_order_release); }

 private:
  Log& log_;
};

void append(Log& log, const RawEvent& event) noexcept {
  const LogLock lock(log);
  // Out of memory, the trace loses this event rather than the run failing.
  log.events.push(event);
}

bool holds_nothing(Log& log) noexcept {
  const LogLock lock(log);
  return log.events.empty();
}

/// Takes the events out of `log`.
EventBuffer take(Log& log) noexcept {
  const LogLock lock(log);
  return std::exchange(log.events, {});
}

/// Where the trace clock and the monotonic clock were read together.
struct ClockPoint {
  std::uint64_t ticks = 0;
  std::int64_t ns = 0;
  static ClockPoint now() noexcept {
    const std::uint64_t before = trace::ticks();
    const std::int64_t ns = monotonic_ns();
    const std::uint64_t after = trace::ticks();
    return {before + (after - before) / 2, ns};
  }
};

/// A task that ran in another process, on that process's clock.
struct RemoteEvent {
  const char* name;
  std::uint32_t pid;
  std::uint32_t track;
  RemoteTask task;
  const char* category = "task";  // a literal or interned
  bool instant = false;
};

struct Registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<Log>> logs;
  Log phases;  // track 0
  std::vector<RemoteEvent> remote;
  std::unordered_map<std::uint32_t, std::string> process_names;
  ClockPoint started;
  std::unordered_set<std::string> names;
  std::size_t prune_at = 64;  // logs, before own_log drops those of ended, silent threads
};

const char* intern_locked(Registry& r, std::string_view name) {
  return r.names.emplace(name).first->c_str();
}

Registry& registry() {
  static Registry* instance = new Registry();  // never destroyed: threads may outlive main
  return *instance;
}

thread_local std::shared_ptr<Log> tls_log;
thread_local std::string tls_track_name;

/// The calling thread's log, made (and registered) by its first event.
Log& own_log() {
  if (!tls_log) {
    auto log = std::make_shared<Log>();
    log->track = static_cast<std::uint32_t>(::syscall(SYS_gettid));
    log->name = tls_track_name.empty() ? "thread " + std::to_string(log->track) : tls_track_name;
    Registry& r = registry();
    const std::lock_guard lock(r.mutex);
    // A program that makes pool after pool must not keep a log per thread it ever had: a log
    // whose thread has ended (the registry holds its last reference) and that holds nothing
    // goes.
    if (r.logs.size() >= r.prune_at) {
      std::erase_if(r.logs, [](const std::shared_ptr<Log>& l) {
        return l.use_count() == 1 && holds_nothing(*l);
      });
      r.prune_at = 2 * std::max<std::size_t>(64, r.logs.size());
    }
    r.logs.push_back(log);
    tls_log = std::move(log);
  }
  return *tls_log;
}

}  // namespace

std::int64_t monotonic_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void record(Category category, const char* name, std::uint64_t start, std::uint64_t end,
            std::uint64_t first, std::uint64_t last) noexcept {
  try {
    append(own_log(), {name, start, end, first, last, category, false});
  } catch (...) {
    // No memory for a new thread's log: this event is lost, the run goes on.
  }
}

void record_instant(Category category, const char* name) noexcept {
  const std::uint64_t now = ticks();
  try {
    append(own_log(), {name, now, now, 0, 0, category, true});
  } catch (...) {
  }
}

void record_phase(std::string_view name, std::uint64_t start) noexcept {
  try {
    append(registry().phases, {intern(name), start, ticks(), 0, 0, Category::phase, false});
  } catch (...) {
  }
}

const char* intern(std::string_view name) {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  return intern_locked(r, name);
}

void record_remote(std::string_view name, std::uint32_t pid, std::uint32_t track,
                   const RemoteTask& task) noexcept {
  Registry& r = registry();
  try {
    const std::lock_guard lock(r.mutex);
    r.remote.push_back({intern_locked(r, name), pid, track, task});
  } catch (...) {
    // Out of memory: the trace loses this event rather than the run failing.
  }
}

void record_remote_instant(std::string_view name, std::string_view category, std::uint32_t pid,
                           std::uint32_t track) noexcept {
  const std::int64_t now = monotonic_ns();
  Registry& r = registry();
  try {
    const std::lock_guard lock(r.mutex);
    r.remote.push_back({intern_locked(r, name),
                        pid,
                        track,
                        {.start_ns = now, .end_ns = now},
                        intern_locked(r, category),
                        true});
  } catch (...) {
  }
}

void name_process(std::uint32_t pid, std::string name) {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  r.process_names[pid] = std::move(name);
}

void name_track(std::string name) {
  tls_track_name = name;
  // The track exists from now, so that a worker that runs nothing while a trace records still
  // shows (idle) in it.
  Log& log = own_log();
  const std::lock_guard lock(registry().mutex);
  log.name = std::move(name);
  log.named = true;
}

}  // namespace pardo::detail::trace

namespace pardo::trace {

namespace {

using detail::trace::Category;
using detail::trace::ClockPoint;
using detail::trace::Log;
using detail::trace::RawEvent;
using detail::trace::take;

const char* category_name(Category c) {
  switch (c) {
    case Category::task:
      return "task";
    case Category::chunk:
      return "chunk";
    case Category::phase:
      return "phase";
    case Category::span:
      return "span";
    case Category::steal:
      return "steal";
  }
  return "event";
}

void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char code[8];
          std::snprintf(code, sizeof code, "\\u%04x", static_cast<unsigned>(c));
          out += code;
        } else {
          out += c;
        }
    }
  }
}

/// Nanoseconds as Chrome's microseconds, to the nanosecond.
void append_us(std::string& out, std::int64_t ns) {
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ns / 1000),
                static_cast<long long>(ns < 0 ? -(ns % 1000) : ns % 1000));
  out += text;
}

/// How far each process's clock runs ahead of this one's, for the processes whose tasks came
/// with send and receive times. A task starts after it was sent and ends before its result
/// came back, so each one bounds the offset: end - received <= offset <= start - sent. The
/// tightest bounds come from tasks that waited least; the offset is 0 where 0 fits them all
/// (the same clock, another process on this host) and their midpoint otherwise.
std::unordered_map<std::uint32_t, std::int64_t> clock_offsets(
    const std::vector<detail::trace::RemoteEvent>& remote) {
  struct Bounds {
    std::int64_t low;
    std::int64_t high;
  };
  std::unordered_map<std::uint32_t, Bounds> bounds;
  for (const auto& e : remote) {
    if (e.task.sent_ns == 0 || e.task.received_ns == 0) continue;
    const Bounds b{e.task.end_ns - e.task.received_ns, e.task.start_ns - e.task.sent_ns};
    auto [it, fresh] = bounds.try_emplace(e.pid, b);
    if (!fresh) {
      it->second.low = std::max(it->second.low, b.low);
      it->second.high = std::min(it->second.high, b.high);
    }
  }
  std::unordered_map<std::uint32_t, std::int64_t> offsets;
  for (const auto& [pid, b] : bounds) {
    // Bounds that cross (clocks drifting over a long run) still have a best middle.
    offsets[pid] = b.low <= 0 && 0 <= b.high ? 0 : b.low + (b.high - b.low) / 2;
  }
  return offsets;
}

}  // namespace

void start() {
  namespace dt = detail::trace;
  dt::Registry& r = dt::registry();
  dt::recording_flag.store(false, std::memory_order_seq_cst);
  {
    const std::lock_guard lock(r.mutex);
    for (auto& log : r.logs) take(*log);
    take(r.phases);
    r.remote.clear();
    // Logs whose threads have ended hold nothing more to record.
    std::erase_if(r.logs, [](const std::shared_ptr<Log>& log) { return log.use_count() == 1; });
    r.started = ClockPoint::now();
  }
  dt::recording_flag.store(true, std::memory_order_seq_cst);
}

bool recording() noexcept { return detail::trace::on(); }

Trace stop() {
  namespace dt = detail::trace;
  if (!dt::recording_flag.exchange(false, std::memory_order_seq_cst)) return {};
  dt::Registry& r = dt::registry();
  const ClockPoint stopped = ClockPoint::now();
  Trace trace;
  const auto pid = static_cast<std::uint32_t>(::getpid());
  std::vector<std::pair<const Log*, dt::EventBuffer>> logs;
  std::vector<dt::RemoteEvent> remote;
  ClockPoint started;
  {
    const std::lock_guard lock(r.mutex);
    started = r.started;
    trace.processes_.push_back({pid, program_invocation_short_name});
    trace.tracks_.push_back({pid, 0, "phases"});
    logs.emplace_back(&r.phases, take(r.phases));
    for (auto& log : r.logs) {
      auto events = take(*log);
      // A thread that has ended and recorded nothing was no part of this trace, unless it was
      // a pool's worker (start() dropped those that ended before): idle workers count.
      if (events.empty() && log.use_count() == 1 && !log->named) continue;
      logs.emplace_back(log.get(), std::move(events));
      trace.tracks_.push_back({pid, log->track, log->name});
    }
    remote.swap(r.remote);
    // One track per process that ran tasks elsewhere (a worker process is one thread).
    std::unordered_set<std::uint64_t> seen;
    for (const auto& e : remote) {
      if (!seen.insert(std::uint64_t{e.pid} << 32 | e.track).second) continue;
      const auto name = r.process_names.find(e.pid);
      const std::string process =
          name != r.process_names.end() ? name->second : "process " + std::to_string(e.pid);
      trace.processes_.push_back({e.pid, process});
      trace.tracks_.push_back({e.pid, e.track, process});
    }
  }
  // Ticks to nanoseconds by the two readings of both clocks (the slope is 1 where ticks are
  // nanoseconds already).
  const long double slope = stopped.ticks > started.ticks
                                ? static_cast<long double>(stopped.ns - started.ns) /
                                      static_cast<long double>(stopped.ticks - started.ticks)
                                : 1.0L;
  const auto to_ns = [&](std::uint64_t t) {
    const long double since =
        static_cast<long double>(static_cast<std::int64_t>(t - started.ticks));
    return started.ns + static_cast<std::int64_t>(since * slope);
  };
  std::unordered_map<const char*, std::string> demangled;
  for (const auto& [recorded_by, events] : logs) {
    const Log* log = recorded_by;
    events.for_each([&](const RawEvent& e) {
      Event event;
      event.kind = e.instant ? Event::Kind::instant : Event::Kind::complete;
      if (e.category == Category::task) {
        auto [it, fresh] = demangled.try_emplace(e.name);
        if (fresh) it->second = detail::demangle(e.name);
        event.name = it->second;
      } else {
        event.name = e.name;
      }
      event.category = category_name(e.category);
      event.pid = pid;
      event.track = log == &r.phases ? 0 : log->track;
      event.start_ns = to_ns(e.start);
      event.duration_ns = std::max<std::int64_t>(0, to_ns(e.end) - event.start_ns);
      event.first = e.first;
      event.last = e.last;
      trace.events_.push_back(std::move(event));
    });
  }
  const auto offsets = clock_offsets(remote);
  for (const auto& e : remote) {
    const auto offset = offsets.find(e.pid);
    Event event;
    event.kind = e.instant ? Event::Kind::instant : Event::Kind::complete;
    event.name = e.name;
    event.category = e.category;
    event.pid = e.pid;
    event.track = e.track;
    event.start_ns = e.task.start_ns - (offset != offsets.end() ? offset->second : 0);
    event.duration_ns = std::max<std::int64_t>(0, e.task.end_ns - e.task.start_ns);
    event.first = e.task.first;
    event.last = e.task.last;
    trace.events_.push_back(std::move(event));
  }
  std::stable_sort(trace.events_.begin(), trace.events_.end(),
                   [](const Event& a, const Event& b) { return a.start_ns < b.start_ns; });
  return trace;
}

Trace::Trace(std::vector<Event> events, std::vector<Track> tracks, std::vector<Process> processes)
    : events_(std::move(events)), tracks_(std::move(tracks)), processes_(std::move(processes)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const Event& a, const Event& b) { return a.start_ns < b.start_ns; });
}

std::string Trace::chrome_json() const {
  std::string out = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
  bool first = true;
  const auto separate = [&] {
    if (!first) out += ",\n";
    first = false;
  };
  for (const Process& p : processes_) {
    separate();
    out += "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" + std::to_string(p.pid) +
           ",\"args\":{\"name\":\"";
    append_escaped(out, p.name);
    out += "\"}}";
  }
  for (const Track& t : tracks_) {
    separate();
    out += "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" + std::to_string(t.pid) +
           ",\"tid\":" + std::to_string(t.track) + ",\"args\":{\"name\":\"";
    append_escaped(out, t.name);
    out += "\"}}";
  }
  for (const Event& e : events_) {
    separate();
    out += e.kind == Event::Kind::instant ? "{\"ph\":\"i\",\"s\":\"t\"" : "{\"ph\":\"X\"";
    out += ",\"name\":\"";
    append_escaped(out, e.name);
    out += "\",\"cat\":\"" + e.category + "\",\"pid\":" + std::to_string(e.pid) +
           ",\"tid\":" + std::to_string(e.track) + ",\"ts\":";
    append_us(out, e.start_ns);
    if (e.kind == Event::Kind::complete) {
      out += ",\"dur\":";
      append_us(out, e.duration_ns);
    }
    if (e.category == "chunk" || e.last > e.first) {
      out += ",\"args\":{\"first\":" + std::to_string(e.first) +
             ",\"last\":" + std::to_string(e.last) + "}";
    }
    out += "}";
  }
  out += "]}\n";
  return out;
}

void Trace::write(const std::filesystem::path& path) const {
  const std::string json = chrome_json();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  const auto fail = [&](int error) {
    throw std::runtime_error("trace: cannot write " + path.string() + ": " + std::strerror(error));
  };
  if (file == nullptr) fail(errno);
  const bool written = std::fwrite(json.data(), 1, json.size(), file) == json.size();
  const int write_error = errno;
  if (std::fclose(file) != 0 || !written) fail(written ? errno : write_error);
}

std::filesystem::path file_for_this_rank(const std::filesystem::path& path) {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    const char* rank = std::getenv(name);
    if (rank == nullptr || *rank == '\0') continue;
    if (std::string_view(rank) == "0") return path;
    return path.string() + ".rank-" + rank;
  }
  return path;
}

Span::Span(std::string_view name) {
  if (!detail::trace::on()) return;
  name_ = detail::trace::intern(name);
  start_ = detail::trace::ticks();
}

Span::~Span() {
  if (name_ != nullptr) {
    detail::trace::record(detail::trace::Category::span, name_, start_, detail::trace::ticks());
  }
}

namespace {

/// PARDO_TRACE=FILE: the whole run of any program linked with pardo, written when it exits.
struct EnvironmentTrace {
  std::string path;
  EnvironmentTrace() {
    const char* value = std::getenv("PARDO_TRACE");
    if (value == nullptr || *value == '\0') return;
    path = file_for_this_rank(value).string();
    start();
  }
  EnvironmentTrace(const EnvironmentTrace&) = delete;
  EnvironmentTrace& operator=(const EnvironmentTrace&) = delete;
  ~EnvironmentTrace() {
    if (path.empty() || !recording()) return;
    try {
      stop().write(path);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pardo: PARDO_TRACE=%s: %s\n", path.c_str(), e.what());
    }
  }
};

const EnvironmentTrace environment_trace;

}  // namespace

}  // namespace pardo::trace

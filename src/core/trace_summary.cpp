#include "pardo/core/trace_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>

namespace pardo::trace {

namespace {

bool is_work(const Event& e) {
  return e.kind == Event::Kind::complete && (e.category == "task" || e.category == "chunk");
}

double seconds(std::int64_t ns) { return static_cast<double>(ns) * 1e-9; }

/// The value at quantile q of sorted `v` (nearest rank).
double quantile(const std::vector<std::int64_t>& v, double q) {
  if (v.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return seconds(v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)]);
}

std::string format_seconds(double s) {
  char text[32];
  if (s >= 1) {
    std::snprintf(text, sizeof text, "%.3g s", s);
  } else if (s >= 1e-3) {
    std::snprintf(text, sizeof text, "%.3g ms", s * 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.3g us", s * 1e6);
  }
  return text;
}

}  // namespace

Summary Summary::of(const Trace& trace) {
  Summary s;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<const Event*>> by_track;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> steals;
  std::vector<std::int64_t> durations;
  std::int64_t begin = 0;
  std::int64_t end = 0;
  bool any = false;
  for (const Event& e : trace.events()) {
    if (e.category == "steal") ++steals[{e.pid, e.track}];
    if (!is_work(e)) continue;
    by_track[{e.pid, e.track}].push_back(&e);
    durations.push_back(e.duration_ns);
    begin = any ? std::min(begin, e.start_ns) : e.start_ns;
    end = any ? std::max(end, e.start_ns + e.duration_ns) : e.start_ns + e.duration_ns;
    any = true;
  }
  if (!any) return s;
  s.wall_seconds = seconds(end - begin);
  double busy_total = 0;
  double overhead_total = 0;
  // A pool's worker that ran nothing while recording is a worker too, idle the whole time.
  for (const auto& t : trace.tracks()) {
    if (t.name.rfind("threads worker ", 0) == 0) by_track.try_emplace({t.pid, t.track});
  }
  for (auto& [key, events] : by_track) {
    Worker w;
    w.pid = key.first;
    w.track = key.second;
    for (const auto& t : trace.tracks()) {
      if (t.pid == w.pid && t.track == w.track) w.name = t.name;
    }
    w.tasks = events.size();
    w.steals = steals[key];
    if (events.empty()) {
      w.idle_seconds = s.wall_seconds;
      s.workers.push_back(std::move(w));
      continue;
    }
    // Events come by start time; a task inside another (a worker helping while it waits)
    // extends the busy interval rather than adding to it.
    std::int64_t busy = 0;
    std::int64_t overhead = 0;
    std::int64_t covered_to = events.front()->start_ns;
    for (const Event* e : events) {
      const std::int64_t stop = e->start_ns + e->duration_ns;
      if (e->start_ns > covered_to) {
        const std::int64_t gap = e->start_ns - covered_to;
        if (seconds(gap) <= overhead_gap_seconds) overhead += gap;
        busy += e->duration_ns;
        covered_to = stop;
      } else if (stop > covered_to) {
        busy += stop - covered_to;
        covered_to = stop;
      }
    }
    w.busy_seconds = seconds(busy);
    w.overhead_seconds = seconds(overhead);
    w.idle_seconds = std::max(0.0, s.wall_seconds - w.busy_seconds - w.overhead_seconds);
    busy_total += w.busy_seconds;
    overhead_total += w.overhead_seconds;
    s.tasks += w.tasks;
    s.steals += w.steals;
    s.workers.push_back(std::move(w));
  }
  double busiest = 0;
  for (const Worker& w : s.workers) busiest = std::max(busiest, w.busy_seconds);
  const double mean = busy_total / static_cast<double>(s.workers.size());
  s.imbalance = mean > 0 ? busiest / mean : 1;
  std::sort(durations.begin(), durations.end());
  s.task_p50_seconds = quantile(durations, 0.5);
  s.task_p90_seconds = quantile(durations, 0.9);
  s.task_p99_seconds = quantile(durations, 0.99);
  s.task_max_seconds = seconds(durations.back());
  s.critical_path_seconds = s.task_max_seconds;
  s.overhead_share =
      busy_total + overhead_total > 0 ? overhead_total / (busy_total + overhead_total) : 0;

  if (s.tasks >= 100 && s.task_p50_seconds < 50e-6 && s.overhead_share > 0.05) {
    const auto chunk = std::max(2L, std::lround(200e-6 / std::max(s.task_p50_seconds, 1e-9)));
    s.suggestions.push_back("tasks are short (median " + format_seconds(s.task_p50_seconds) +
                            ") and taking them costs " +
                            std::to_string(std::lround(100 * s.overhead_share)) +
                            "% of the workers' time: a chunksize of about " +
                            std::to_string(chunk) + " makes each chunk about 200 us");
  }
  if (s.workers.size() >= 2 && s.imbalance > 1.10) {
    char ratio[16];
    std::snprintf(ratio, sizeof ratio, "%.2f", s.imbalance);
    s.suggestions.push_back(std::string("the busiest worker worked ") + ratio +
                            " times the mean: a dynamic schedule (or guided, or stealing) "
                            "balances tasks of uneven cost");
  }
  if (s.workers.size() >= 2 && s.critical_path_seconds > 0.5 * s.wall_seconds) {
    s.suggestions.push_back("the longest task (" + format_seconds(s.critical_path_seconds) +
                            ") is over half the run: smaller tasks would let the others help");
  }
  return s;
}

std::string Summary::report() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-24s %10s %10s %10s %8s %7s\n", "worker", "busy", "overhead",
                "idle", "tasks", "steals");
  out += line;
  for (const Worker& w : workers) {
    std::snprintf(line, sizeof line, "%-24s %10s %10s %10s %8zu %7zu\n", w.name.c_str(),
                  format_seconds(w.busy_seconds).c_str(),
                  format_seconds(w.overhead_seconds).c_str(),
                  format_seconds(w.idle_seconds).c_str(), w.tasks, w.steals);
    out += line;
  }
  std::snprintf(line, sizeof line,
                "wall %s, %zu tasks, %zu steals; imbalance %.2f (busiest over mean busy); "
                "scheduler %.1f%% of busy time\n",
                format_seconds(wall_seconds).c_str(), tasks, steals, imbalance,
                100 * overhead_share);
  out += line;
  out += "task durations: median " + format_seconds(task_p50_seconds) + ", 90% " +
         format_seconds(task_p90_seconds) + ", 99% " + format_seconds(task_p99_seconds) +
         ", longest " + format_seconds(task_max_seconds) + " (the critical path)\n";
  for (const std::string& s : suggestions) out += "suggestion: " + s + "\n";
  return out;
}

}  // namespace pardo::trace

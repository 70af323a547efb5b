// Jobs to workers: each ready worker gets as many jobs in flight as fit about 1 ms of its
// measured job time, pinned jobs before shared ones; a worker with nothing left to do is
// told to exit.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "pardo/core/detail/trace.hpp"
#include "process/process_core_impl.hpp"

namespace pardo::detail {

using process::Phase;

namespace {

/// Jobs queued on one worker are capped so that about this much work waits behind the
/// running one: enough to hide the round trip for short tasks, little enough to balance.
constexpr double queued_seconds_target = 1e-3;
constexpr std::size_t max_depth = 64;

/// How many jobs the worker should have in flight.
std::size_t depth(const process::Worker& w) {
  if (w.task_seconds <= 0) return 1;
  const double d = std::floor(queued_seconds_target / w.task_seconds);
  return std::clamp<std::size_t>(static_cast<std::size_t>(d), 1, max_depth);
}

}  // namespace

bool ProcessCore::Impl::has_queued(std::size_t w) const {
  return !queue.empty() || !pinned[w].empty();
}

/// Hands queued jobs to ready workers with room; true if it started or dropped any, so
/// that the caller goes round again.
bool ProcessCore::Impl::dispatch() {
  std::vector<std::pair<Worker*, std::unique_ptr<RemoteJob>>> taken;
  bool retire_idle = false;
  {
    std::lock_guard lock(mutex);
    for (auto& w : workers) {
      if (w.phase != Phase::ready) continue;
      // A second job in flight hides the round trip between jobs: the worker starts it
      // without waiting for this process to be scheduled, which on a loaded machine costs
      // more than the round trip. At the tail of the queue it could strand a job behind a
      // long one while another worker idles, so only while a job waits for every worker.
      std::size_t limit = depth(w);
      if (limit == 1 && queue.size() + pinned[w.index].size() > workers.size()) limit = 2;
      std::size_t room = limit > w.inflight.size() ? limit - w.inflight.size() : 0;
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
void ProcessCore::Impl::retire_if_done(Worker& w, bool shutting_down) {
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

void ProcessCore::Impl::send_job(Worker& w, std::unique_ptr<RemoteJob> job) {
  const std::uint64_t id = next_id++;
  const std::size_t mark = w.out.size();
  try {
    const std::size_t at = begin_frame(w.out, FrameKind::task, id, job->count());
    if (trace::on()) set_aux_and_flags(w.out, at, job->count(), protocol::flag_traced);
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

/// Puts a job back at the head of its queue (its worker's, if pinned): it runs next.
void ProcessCore::Impl::requeue_front(std::unique_ptr<RemoteJob> job, std::size_t w) {
  std::lock_guard lock(mutex);
  auto& target = job->worker ? pinned[w] : queue;
  target.push_front(std::move(job));
}

}  // namespace pardo::detail

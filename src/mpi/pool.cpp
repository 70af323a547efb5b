// mpi::Pool's master. It runs a dispatcher thread that alone talks MPI on the pool's own
// communicator (a dup, so user messages never mix with it), and, when it computes, compute
// threads fed like a worker rank's. Worker ranks serve in the constructor (rank_server.cpp).
//
// Messages carry the process backend's frames unchanged:
//   task    master -> worker  tag_task, one task frame
//   result  worker -> master  tag_result, one result frame
//   stop    master -> worker  tag_stop, empty
// Frames longer than MPI's int count travel in pieces (detail/transport.hpp).

#include "pardo/mpi/pool.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "pardo/core/detail/trace.hpp"
#include "pardo/remote/detail/registry.hpp"
#include "rank_server.hpp"
#include "remote/frame.hpp"
#include "remote/protocol.hpp"

namespace pardo::mpi::detail {

namespace {

using pardo::detail::RemoteJob;
using JobList = std::vector<std::unique_ptr<RemoteJob>>;

/// The trace's process number of rank r: rank_trace_pid + r (above Linux's pid_max).
constexpr std::uint32_t rank_trace_pid = 1U << 24;

/// The frame of `job`'s calls, as a worker process would receive it.
std::string task_frame(const RemoteJob& job, std::uint64_t id) {
  std::string frame;
  const std::size_t at =
      pardo::detail::begin_frame(frame, pardo::detail::FrameKind::task, id, job.count());
  if (pardo::detail::trace::on()) {
    pardo::detail::set_aux_and_flags(frame, at, job.count(), pardo::detail::protocol::flag_traced);
  }
  wire::Writer out(frame);
  wire::encode(out, job.function());
  out.write(job.args().data(), job.args().size());
  pardo::detail::end_frame(frame, at);
  return frame;
}

/// When a task is sent, on this host's clock, while a trace records (0 otherwise).
std::int64_t send_time() {
  return pardo::detail::trace::on() ? pardo::detail::trace::monotonic_ns() : 0;
}

/// Records in the trace `job`, which rank `rank` ran at `times` of its own clock. Ranks are
/// processes of the trace, numbered apart from real pids; their clocks, perhaps another
/// host's, are aligned with this one's by when each task was sent and answered.
void record_rank_task(int rank, const RemoteJob& job,
                      const pardo::detail::protocol::TaskTimes& times, std::int64_t sent_ns) {
  const auto pid = rank_trace_pid + static_cast<std::uint32_t>(rank);
  pardo::detail::trace::name_process(pid, "rank " + std::to_string(rank));
  pardo::detail::trace::record_remote(pardo::detail::remote_name(job.function()), pid, pid,
                                      {.start_ns = times.start_ns,
                                       .end_ns = times.end_ns,
                                       .sent_ns = sent_ns,
                                       .received_ns = pardo::detail::trace::monotonic_ns(),
                                       .first = job.first_index(),
                                       .last = job.first_index() + job.count()});
}

/// Each rank's thread count, by rank of `comm` (collective).
std::vector<std::size_t> gather_threads(const Communicator& comm, std::size_t mine) {
  const auto value = static_cast<std::uint64_t>(mine);
  std::vector<std::uint64_t> all(static_cast<std::size_t>(comm.size()));
  check(MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, comm.native()),
        "MPI_Allgather");
  return {all.begin(), all.end()};
}

/// A task sent to a rank, until its results come back.
struct Running {
  std::uint64_t id;
  std::unique_ptr<RemoteJob> job;
  std::int64_t sent_ns;  // while a trace records, for aligning the rank's clock
};

/// A computing rank's tasks in flight, oldest first: with threads, results come back in any
/// order.
struct Slot {
  int rank;             // the master's own rank for its compute threads
  std::size_t threads;  // workers on the rank
  std::deque<Running> running;
};

/// A task frame on its way, until its sends complete.
struct Sending {
  std::string frame;
  std::vector<MPI_Request> requests;
};

/// The workers, slot by slot: the master's threads first when it computes, then each other
/// rank's, in rank order.
struct Workers {
  Workers(const PoolOptions& options, std::vector<std::size_t> by_rank)
      : threads(std::move(by_rank)) {
    if (options.master_computes) add(options.master);
    for (int r = 0; r < static_cast<int>(threads.size()); ++r) {
      if (r != options.master) add(r);
    }
  }

  void add(int rank) {
    first.push_back(count);
    ranks.push_back(rank);
    count += threads[static_cast<std::size_t>(rank)];
  }

  /// The slot that runs worker `worker`.
  std::size_t slot_of(std::size_t worker) const {
    return static_cast<std::size_t>(std::upper_bound(first.begin(), first.end(), worker) -
                                    first.begin() - 1);
  }

  /// The thread of its rank that a pinned job must run on (on_worker, on_each_worker).
  std::optional<std::size_t> thread_of(const RemoteJob& job) const {
    if (!job.worker) return std::nullopt;
    const std::size_t worker = *job.worker % count;
    return worker - first[slot_of(worker)];
  }

  std::vector<std::size_t> threads;  // by rank
  std::vector<std::size_t> first;    // by slot: its first worker
  std::vector<int> ranks;            // by slot
  std::size_t count = 0;
};

}  // namespace

struct RankCore::Impl {
  Impl(const Communicator& world, PoolOptions opts, std::vector<std::size_t> threads)
      : comm(world.dup()), options(opts), workers(options, std::move(threads)) {}

  Communicator comm;
  PoolOptions options;
  Workers workers;
  std::deque<Slot> slots;  // a deque: Slot holds move-only jobs and never relocates

  // Shared with the user's threads and the compute thread.
  mutable std::mutex mutex;
  std::condition_variable wake;
  JobList incoming;
  std::deque<std::pair<std::uint64_t, std::string>> local_results;
  bool accepting = true;
  bool stopping = false;
  bool cancel_queued = false;
  pardo::detail::PoolErrorHandler error_handler;  // has its own lock

  // The compute thread's inbox.
  std::mutex local_mutex;
  std::condition_variable local_wake;
  struct LocalTask {
    std::uint64_t id;
    std::string frame;
    std::optional<std::size_t> thread;  // a pinned job's
  };
  std::deque<LocalTask> local_tasks;
  bool local_stop = false;

  std::thread dispatcher;
  std::vector<std::thread> compute;

  // The dispatcher's own state.
  std::deque<std::unique_ptr<RemoteJob>> queue;
  std::vector<Sending> sending;
  std::uint64_t next_id = 1;

  bool is_master() const noexcept { return comm.rank() == options.master; }

  void start_master() {
    for (const int rank : workers.ranks) {
      slots.push_back({rank, workers.threads[static_cast<std::size_t>(rank)], {}});
    }
    if (options.master_computes) {
      for (std::size_t t = 0; t < slots.front().threads; ++t) {
        compute.emplace_back([this, t] { run_compute(t); });
      }
    }
    dispatcher = std::thread([this] { run_dispatcher(); });
  }

  /// A compute thread of the master: runs local tasks, its own pinned ones and any other.
  void run_compute(std::size_t thread);

  bool is_local(const Slot& slot) const {
    return options.master_computes && &slot == &slots.front();
  }

  std::size_t running_count() const {
    std::size_t n = 0;
    for (const Slot& s : slots) n += s.running.size();
    return n;
  }

  bool has_room(const Slot& s) const { return s.running.size() < s.threads * options.pipeline; }

  /// The slot that takes `job` now, if one has room: its worker's, or the least loaded for
  /// its threads.
  Slot* slot_for(const RemoteJob& job) {
    if (job.worker) {
      Slot& s = slots[workers.slot_of(*job.worker % workers.count)];
      return has_room(s) ? &s : nullptr;
    }
    Slot* best = nullptr;
    for (Slot& s : slots) {
      if (has_room(s) && (best == nullptr ||
                          s.running.size() * best->threads < best->running.size() * s.threads)) {
        best = &s;
      }
    }
    return best;
  }

  bool dispatch() {
    bool moved = false;
    for (auto it = queue.begin(); it != queue.end();) {
      Slot* slot = slot_for(**it);
      if (slot == nullptr) {
        ++it;
        continue;
      }
      std::unique_ptr<RemoteJob> job = std::move(*it);
      it = queue.erase(it);
      moved = true;
      if (!job->start()) continue;  // cancelled while queued
      job->started = true;
      const std::uint64_t id = next_id++;
      std::string frame = task_frame(*job, id);
      const std::optional<std::size_t> thread = workers.thread_of(*job);
      slot->running.push_back({id, std::move(job), send_time()});
      if (is_local(*slot)) {
        std::lock_guard lock(local_mutex);
        local_tasks.push_back({id, std::move(frame), thread});
        if (thread) {
          local_wake.notify_all();
        } else {
          local_wake.notify_one();
        }
      } else {
        Sending s{std::move(frame), {}};
        const int tag = thread ? tag_pinned + static_cast<int>(*thread) : tag_task;
        isend_pieces(comm.native(), s.frame.data(), s.frame.size(), MPI_BYTE, slot->rank, tag,
                     s.requests);
        sending.push_back(std::move(s));
      }
    }
    return moved;
  }

  void complete(Slot& slot, const std::string& bytes) {
    const pardo::detail::FrameView frame = pardo::detail::parse_frame(bytes);
    const auto it = std::find_if(slot.running.begin(), slot.running.end(),
                                 [&](const Running& r) { return r.id == frame.header.id; });
    if (it == slot.running.end()) {
      throw std::logic_error("mpi::Pool: rank " + std::to_string(slot.rank) +
                             " answered a task it was not given");
    }
    std::unique_ptr<RemoteJob> job = std::move(it->job);
    const std::int64_t sent_ns = it->sent_ns;
    slot.running.erase(it);
    const auto reply = pardo::detail::protocol::parse_reply(frame.payload, frame.header.flags);
    if (reply.times) record_rank_task(slot.rank, *job, *reply.times, sent_ns);
    wire::Reader results(reply.results);
    advance_progress(job->progress, frame.header.aux);  // before completion wakes anyone
    job->complete(results, frame.header.aux, reply.failure ? &*reply.failure : nullptr);
  }

  bool poll_remote() {
    bool moved = false;
    Piece piece;
    while (poll_piece(comm.native(), MPI_ANY_SOURCE, tag_result, MPI_BYTE, piece)) {
      const int source = piece.status.MPI_SOURCE;
      const std::string bytes = receive_bytes(comm.native(), piece);
      for (Slot& slot : slots) {
        if (slot.rank == source && !is_local(slot)) complete(slot, bytes);
      }
      moved = true;
    }
    for (auto it = sending.begin(); it != sending.end();) {
      int done = 0;
      check(MPI_Testall(static_cast<int>(it->requests.size()), it->requests.data(), &done,
                        MPI_STATUSES_IGNORE),
            "MPI_Testall");
      it = done != 0 ? sending.erase(it) : it + 1;
    }
    return moved;
  }

  void complete_local(std::deque<std::pair<std::uint64_t, std::string>>& results) {
    for (auto& [id, bytes] : results) complete(slots.front(), bytes);
    results.clear();
  }

  void fail_everything(std::exception_ptr error) {
    for (Slot& slot : slots) {
      for (Running& r : slot.running) r.job->fail(error);
      slot.running.clear();
    }
    for (auto& job : queue) {
      if (job->start()) job->fail(error);
    }
    queue.clear();
  }

  void run_dispatcher() {
    auto idle = std::chrono::microseconds(0);
    std::exception_ptr broken;
    for (;;) {
      std::deque<std::pair<std::uint64_t, std::string>> finished;
      bool stop = false;
      {
        std::unique_lock lock(mutex);
        for (auto& job : incoming) queue.push_back(std::move(job));
        incoming.clear();
        finished.swap(local_results);
        if (cancel_queued) {
          for (auto& job : queue) job->cancel();
          queue.clear();
          cancel_queued = false;
        }
        stop = stopping && queue.empty() && finished.empty() && running_count() == 0;
      }
      if (stop) break;
      bool moved = !finished.empty();
      try {
        if (broken) {
          fail_everything(broken);
        } else {
          complete_local(finished);
          moved = dispatch() || moved;
          moved = poll_remote() || moved;
        }
      } catch (...) {
        // MPI failed under the pool: every task still open fails with that error.
        broken = std::current_exception();
        error_handler.report(broken, "mpi::Pool");
        continue;
      }
      if (moved) {
        idle = std::chrono::microseconds(0);
        continue;
      }
      // Results from other ranks cannot wake us: poll them with a growing pause.
      const bool remote = std::any_of(slots.begin(), slots.end(), [&](const Slot& s) {
        return !is_local(s) && !s.running.empty();
      });
      std::unique_lock lock(mutex);
      const auto ready = [&] {
        return !incoming.empty() || !local_results.empty() ||
               (stopping && queue.empty() && running_count() == 0);
      };
      if (remote || !sending.empty()) {
        idle = std::min(std::chrono::microseconds(100), idle + std::chrono::microseconds(5));
        wake.wait_for(lock, idle, ready);
      } else {
        wake.wait(lock, ready);
      }
    }
    for (const Slot& slot : slots) {
      if (is_local(slot)) continue;
      const int rc = MPI_Send(nullptr, 0, MPI_BYTE, slot.rank, tag_stop, comm.native());
      if (rc != MPI_SUCCESS) {
        try {
          check(rc, "MPI_Send (mpi::Pool stop)");
        } catch (...) {
          error_handler.report(std::current_exception(), "mpi::Pool");
        }
      }
    }
    for (Sending& s : sending) {
      MPI_Waitall(static_cast<int>(s.requests.size()), s.requests.data(), MPI_STATUSES_IGNORE);
    }
    sending.clear();
  }
};

void RankCore::Impl::run_compute(std::size_t thread) {
  for (;;) {
    LocalTask task;
    {
      std::unique_lock lock(local_mutex);
      auto mine = local_tasks.end();
      local_wake.wait(lock, [&] {
        mine = std::find_if(local_tasks.begin(), local_tasks.end(),
                            [&](const LocalTask& t) { return !t.thread || *t.thread == thread; });
        return local_stop || mine != local_tasks.end();
      });
      if (mine == local_tasks.end()) return;
      task = std::move(*mine);
      local_tasks.erase(mine);
    }
    std::string result = run_frame(task.frame);
    std::lock_guard lock(mutex);
    local_results.emplace_back(task.id, std::move(result));
    wake.notify_all();
  }
}

namespace {

void validate(const Communicator& comm, const PoolOptions& options) {
  if (options.master < 0 || options.master >= comm.size()) {
    throw std::invalid_argument("mpi::Pool: master rank " + std::to_string(options.master) +
                                " is outside [0, " + std::to_string(comm.size()) + ")");
  }
  if (options.pipeline == 0) {
    throw std::invalid_argument("mpi::Pool: pipeline must be at least 1, got 0");
  }
  if (options.threads > max_rank_threads) {
    throw std::invalid_argument("mpi::Pool: threads " + std::to_string(options.threads) +
                                " is above " + std::to_string(max_rank_threads) + " per rank");
  }
  if (!options.master_computes && comm.size() == 1) {
    throw std::invalid_argument(
        "mpi::Pool: no rank computes: 1 rank, and master_computes is false");
  }
  int provided = MPI_THREAD_SINGLE;
  MPI_Query_thread(&provided);
  if (provided != MPI_THREAD_MULTIPLE) {
    throw std::logic_error(
        "mpi::Pool needs MPI_THREAD_MULTIPLE (pardo::mpi::Environment's "
        "default); MPI provides less");
  }
  // Every rank must run the same program: the same functions under the same ids.
  const auto fingerprint = pardo::detail::registry_fingerprint();
  const std::uint64_t mine[2] = {fingerprint, ~fingerprint};
  std::uint64_t most[2];
  check(MPI_Allreduce(mine, most, 2, MPI_UINT64_T, MPI_MAX, comm.native()), "MPI_Allreduce");
  if (most[0] != fingerprint || most[1] != ~fingerprint) {
    throw std::logic_error(
        "mpi::Pool: the ranks' PARDO_REMOTE tables differ: every rank must "
        "run the same program");
  }
}

}  // namespace

RankCore::RankCore(const Communicator& comm, PoolOptions options) {
  validate(comm, options);
  // Every rank takes part in rank_threads' collectives, whichever count it asked for.
  const std::size_t available = rank_threads(comm);
  const std::size_t threads = options.threads == 0 ? available : options.threads;
  impl_ = std::make_unique<Impl>(comm, options, gather_threads(comm, threads));
  if (impl_->is_master()) {
    impl_->start_master();
  } else {
    impl_->accepting = false;
    serve(impl_->comm.native(), options.master, threads);
  }
}

RankCore::~RankCore() { shutdown(true, false); }

std::size_t RankCore::size() const noexcept { return impl_->workers.count; }

bool RankCore::is_master() const noexcept { return impl_->is_master(); }

int RankCore::rank_of(std::size_t worker) const {
  if (worker >= size()) {
    throw std::out_of_range("mpi::Pool: worker " + std::to_string(worker) + " of " +
                            std::to_string(size()));
  }
  return impl_->workers.ranks[impl_->workers.slot_of(worker)];
}

void RankCore::check_accepting(const char* caller) const {
  if (!impl_->is_master()) {
    throw std::logic_error(std::string(caller) + ": mpi::Pool takes work on its master, rank " +
                           std::to_string(impl_->options.master) + "; this is rank " +
                           std::to_string(impl_->comm.rank()));
  }
  std::lock_guard lock(impl_->mutex);
  if (!impl_->accepting) {
    throw ShutdownError(std::string(caller) + ": the mpi::Pool has been shut down");
  }
}

void RankCore::push(JobList& jobs) {
  JobList empty_jobs;
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->accepting) throw ShutdownError("the mpi::Pool has been shut down");
    for (auto& job : jobs) {
      (job->count() == 0 ? empty_jobs : impl_->incoming).push_back(std::move(job));
    }
    impl_->wake.notify_all();
  }
  jobs.clear();
  for (auto& job : empty_jobs) pardo::detail::settle_without_calls(*job);
}

void RankCore::shutdown(bool wait, bool cancel_pending) {
  if (!impl_->is_master()) return;
  JobList cancelled;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->accepting = false;
    impl_->stopping = true;
    if (cancel_pending) {
      for (auto& job : impl_->incoming) cancelled.push_back(std::move(job));
      impl_->incoming.clear();
      impl_->cancel_queued = true;
    }
    impl_->wake.notify_all();
  }
  for (auto& job : cancelled) job->cancel();
  if (!wait || !impl_->dispatcher.joinable() ||
      impl_->dispatcher.get_id() == std::this_thread::get_id()) {
    return;
  }
  impl_->dispatcher.join();
  {
    std::lock_guard lock(impl_->local_mutex);
    impl_->local_stop = true;
    impl_->local_wake.notify_all();
  }
  for (std::thread& t : impl_->compute) t.join();
  impl_->compute.clear();
}

void RankCore::set_error_handler(ErrorHandler handler) {
  impl_->error_handler.set(std::move(handler));
}

}  // namespace pardo::mpi::detail

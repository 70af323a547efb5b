#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pardo/core/detail/trace.hpp"
#include "pardo/threads/detail/thread_core.hpp"
#include "pardo/threads/thread_pool.hpp"
#include "threads/event_count.hpp"
#include "threads/inbox.hpp"
#include "threads/work_stealing_deque.hpp"

namespace pardo::detail {

namespace {

constexpr int spin_rounds = 64;

/// A steal, as a moment on the thief's track while a trace records.
void note_steal() noexcept {
  if (trace::on()) [[unlikely]]
    trace::record_instant(trace::Category::steal, "steal");
}

}  // namespace

class ThreadCoreImpl;

/// One worker: its deque (owner pushes and pops, others steal), its inbox (jobs from
/// threads outside the pool, which anyone may take) and its pinned jobs (its alone).
struct alignas(64) Worker final : Helper, ErrorSink {
  Worker(ThreadCoreImpl& owner, std::size_t i)
      : pool(owner), index(i), rng(0x9e3779b97f4a7c15ULL * (i + 1)) {}

  bool run_one() override;
  void report(std::exception_ptr error, std::string_view where) noexcept override;

  std::size_t next_victim(std::size_t count) noexcept {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return static_cast<std::size_t>(rng % count);
  }

  ThreadCoreImpl& pool;
  const std::size_t index;
  std::uint64_t rng;
  WorkStealingDeque<Job*> deque;
  Inbox inbox;
  std::mutex mutex;  // guards pinned and exited
  std::deque<Job*> pinned;
  bool exited = false;
  std::atomic<std::size_t> pinned_size{0};
  std::thread thread;
};

thread_local Worker* tls_worker = nullptr;

/// Counts a loop's outstanding jobs; the caller waits (helping) until none is left.
class LoopSync {
 public:
  explicit LoopSync(RangeBody& b) : body(b) {}
  void add(std::size_t jobs) noexcept { pending_.fetch_add(jobs, std::memory_order_relaxed); }
  void finish_one() noexcept {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    std::lock_guard lock(mutex_);
    done_ = true;
    cv_.notify_all();
  }
  void wait() {
    wait_with_help(
        mutex_, cv_, [this] { return done_; }, std::nullopt);
  }
  void cancel_range(std::size_t begin) noexcept {
    body.errors.record(
        begin, std::make_exception_ptr(CancelledError("parallel loop cancelled by pool shutdown")));
  }

  RangeBody& body;
  std::atomic<std::size_t> next{0};  // the first unclaimed index (dynamic, guided)

 private:
  std::atomic<std::size_t> pending_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
};

class ThreadCoreImpl {
 public:
  explicit ThreadCoreImpl(std::size_t count) {
    workers_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) workers_.push_back(std::make_unique<Worker>(*this, i));
    for (auto& w : workers_) w->thread = std::thread([this, w = w.get()] { worker_loop(*w); });
  }

  ~ThreadCoreImpl() { shutdown(true, false); }

  std::size_t size() const noexcept { return workers_.size(); }

  Worker* own_worker() const noexcept {
    return tls_worker != nullptr && &tls_worker->pool == this ? tls_worker : nullptr;
  }

  void push(Job* job) {
    if (Worker* self = own_worker()) {
      self->deque.push(job);
    } else {
      push_inbox(job);
    }
    events_.notify_one();
  }

  void push_pinned(std::size_t index, Job* job) {
    Worker& w = *workers_[index];
    {
      std::lock_guard lock(w.mutex);
      if (!w.exited) {
        w.pinned.push_back(job);
        w.pinned_size.fetch_add(1, std::memory_order_seq_cst);
        job = nullptr;
      }
    }
    if (job != nullptr) {
      push(job);  // the worker has left during shutdown: any worker will do
      return;
    }
    events_.notify_all();  // the one worker that may run it must wake
  }

  void push_notify() { events_.notify_one(); }

  void check_accepting(const char* caller) const {
    if (!stopping_.load(std::memory_order_acquire)) return;
    if (cancel_pending_.load(std::memory_order_acquire) || own_worker() == nullptr) {
      throw ShutdownError(std::string(caller) + ": the pool has been shut down");
    }
  }

  void run_loop(std::size_t n, const MapOptions& options, RangeBody& body);

  void shutdown(bool wait, bool cancel_pending) {
    if (wait && own_worker() != nullptr) {
      throw InvalidStateError("shutdown(wait = true) called from one of the pool's own workers");
    }
    stopping_.store(true, std::memory_order_seq_cst);
    if (cancel_pending) {
      cancel_pending_.store(true, std::memory_order_seq_cst);
      drain();
    }
    events_.notify_all();
    if (!wait) return;
    std::lock_guard lock(join_mutex_);
    for (auto& w : workers_) {
      if (w->thread.joinable()) w->thread.join();
    }
  }

  void set_error_handler(ErrorHandler handler) { error_handler_.set(std::move(handler)); }

  void report(std::exception_ptr error, std::string_view where) noexcept {
    error_handler_.report(std::move(error), where);
  }

  Job* find_work(Worker& self) {
    if (self.pinned_size.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard lock(self.mutex);
      if (!self.pinned.empty()) {
        Job* job = self.pinned.front();
        self.pinned.pop_front();
        self.pinned_size.fetch_sub(1, std::memory_order_relaxed);
        return job;
      }
    }
    if (Job* job = self.deque.pop()) return job;
    if (Job* job = take_inbox(self, self.inbox)) return job;
    return steal(self);
  }

 private:
  void push_inbox(Job* job) {
    thread_local std::size_t round_robin = 0;
    const std::size_t count = workers_.size();
    for (std::size_t attempt = 0; attempt < count; ++attempt) {
      if (workers_[round_robin++ % count]->inbox.push(job)) return;
    }
    job->abandon();
    throw ShutdownError("the pool has been shut down");
  }

  /// Takes a whole inbox (its own or a victim's) into this worker's deque, where thieves can
  /// reach it, and returns the oldest job.
  Job* take_inbox(Worker& self, Inbox& inbox) {
    Job* list = inbox.take_all();
    if (list == nullptr) return nullptr;
    const bool several = list->next_in_inbox != nullptr;
    // Newest first: pushing in list order leaves the oldest job on top for pop().
    while (list != nullptr) {
      Job* next = list->next_in_inbox;
      list->next_in_inbox = nullptr;
      self.deque.push(list);
      list = next;
    }
    if (several) events_.notify_one();
    return self.deque.pop();
  }

  Job* steal(Worker& self) {
    const std::size_t count = workers_.size();
    if (count < 2) return nullptr;
    const std::size_t start = self.next_victim(count);
    for (std::size_t k = 0; k < count; ++k) {
      Worker& victim = *workers_[(start + k) % count];
      if (&victim == &self) continue;
      if (Job* job = victim.deque.steal()) {
        note_steal();
        return job;
      }
      if (Job* job = take_inbox(self, victim.inbox)) {
        note_steal();
        return job;
      }
    }
    return nullptr;
  }

  void worker_loop(Worker& self) {
    tls_worker = &self;
    trace::name_track("threads worker " + std::to_string(self.index));
    exchange_current_helper(&self);
    exchange_current_error_sink(&self);
    for (;;) {
      Job* job = find_work(self);
      for (int round = 0; job == nullptr && round < spin_rounds; ++round) {
        std::this_thread::yield();
        job = find_work(self);
      }
      if (job != nullptr) {
        job->execute();
        continue;
      }
      const EventCount::Key key = events_.prepare_wait();
      if ((job = find_work(self)) != nullptr) {
        events_.cancel_wait();
        job->execute();
        continue;
      }
      if (stopping_.load(std::memory_order_seq_cst)) {
        events_.cancel_wait();
        if (try_exit(self)) break;
        continue;
      }
      events_.commit_wait(key);
    }
    exchange_current_error_sink(nullptr);
    exchange_current_helper(nullptr);
    tls_worker = nullptr;
  }

  bool try_exit(Worker& self) {
    std::lock_guard lock(self.mutex);
    if (!self.pinned.empty() || !self.deque.empty() || !self.inbox.try_close()) return false;
    self.exited = true;
    return true;
  }

  void drain() {
    for (auto& w : workers_) {
      while (Job* job = w->deque.steal()) job->abandon();
      for (Job* job = w->inbox.take_all(); job != nullptr;) {
        Job* next = job->next_in_inbox;
        job->abandon();
        job = next;
      }
      std::deque<Job*> pinned;
      {
        std::lock_guard lock(w->mutex);
        pinned.swap(w->pinned);
        w->pinned_size.store(0, std::memory_order_relaxed);
      }
      for (Job* job : pinned) job->abandon();
    }
  }

  std::vector<std::unique_ptr<Worker>> workers_;
  EventCount events_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cancel_pending_{false};
  std::mutex join_mutex_;
  PoolErrorHandler error_handler_;
};

bool Worker::run_one() {
  Job* job = pool.find_work(*this);
  if (job == nullptr) return false;
  job->execute();
  return true;
}

void Worker::report(std::exception_ptr error, std::string_view where) noexcept {
  pool.report(std::move(error), where);
}

namespace {

/// Automatic schedule: a range that splits in half whenever its worker's deque is empty
/// (lazy binary splitting), so idle thieves always find something to take.
class SplitJob final : public Job {
 public:
  SplitJob(ThreadCoreImpl& pool, LoopSync& sync, std::size_t begin, std::size_t end,
           std::size_t grain)
      : pool_(pool), sync_(sync), begin_(begin), end_(end), grain_(grain) {}

  void execute() noexcept override {
    std::size_t begin = begin_;
    std::size_t end = end_;
    while (begin < end) {
      if (end - begin > grain_ && tls_worker != nullptr && tls_worker->deque.empty() &&
          !sync_.body.errors.skip(begin)) {
        const std::size_t mid = begin + (end - begin) / 2;
        sync_.add(1);
        tls_worker->deque.push(new SplitJob(pool_, sync_, mid, end, grain_));
        pool_.push_notify();
        end = mid;
        continue;
      }
      const std::size_t stop = std::min(end, begin + grain_);
      trace::run_chunk(sync_.body, begin, stop);
      begin = stop;
    }
    finish();
  }

  void abandon() noexcept override {
    sync_.cancel_range(begin_);
    finish();
  }

 private:
  void finish() noexcept {
    LoopSync& sync = sync_;
    delete this;
    sync.finish_one();
  }

  ThreadCoreImpl& pool_;
  LoopSync& sync_;
  std::size_t begin_, end_, grain_;
};

/// Static and round-robin schedules: chunks first, first + stride, ... of size `chunk`.
class StridedJob final : public Job {
 public:
  StridedJob(LoopSync& sync, std::size_t n, std::size_t chunk, std::size_t first,
             std::size_t stride)
      : sync_(sync), n_(n), chunk_(chunk), first_(first), stride_(stride) {}

  void execute() noexcept override {
    for (std::size_t c = first_; c * chunk_ < n_; c += stride_) {
      const std::size_t begin = c * chunk_;
      trace::run_chunk(sync_.body, begin, std::min(n_, begin + chunk_));
    }
    finish();
  }

  void abandon() noexcept override {
    sync_.cancel_range(first_ * chunk_);
    finish();
  }

 private:
  void finish() noexcept {
    LoopSync& sync = sync_;
    delete this;
    sync.finish_one();
  }

  LoopSync& sync_;
  std::size_t n_, chunk_, first_, stride_;
};

/// Dynamic and guided schedules: take the next chunk from the shared counter until none is left.
class DrainJob final : public Job {
 public:
  DrainJob(LoopSync& sync, std::size_t n, std::size_t chunk, std::size_t workers, bool guided)
      : sync_(sync), n_(n), chunk_(chunk), workers_(workers), guided_(guided) {}

  void execute() noexcept override {
    for (;;) {
      std::size_t begin = sync_.next.load(std::memory_order_relaxed);
      std::size_t size = 0;
      do {
        if (begin >= n_) {
          finish();
          return;
        }
        size = guided_ ? std::max(chunk_, (n_ - begin) / (2 * workers_)) : chunk_;
      } while (!sync_.next.compare_exchange_weak(begin, std::min(n_, begin + size),
                                                 std::memory_order_relaxed));
      trace::run_chunk(sync_.body, begin, std::min(n_, begin + size));
    }
  }

  void abandon() noexcept override {
    const std::size_t begin = sync_.next.exchange(n_, std::memory_order_relaxed);
    if (begin < n_) sync_.cancel_range(begin);
    finish();
  }

 private:
  void finish() noexcept {
    LoopSync& sync = sync_;
    delete this;
    sync.finish_one();
  }

  LoopSync& sync_;
  std::size_t n_, chunk_, workers_;
  bool guided_;
};

}  // namespace

void ThreadCoreImpl::run_loop(std::size_t n, const MapOptions& options, RangeBody& body) {
  if (n == 0) return;
  check_accepting("parallel loop");
  const std::size_t count = workers_.size();
  LoopSync sync(body);
  switch (options.schedule) {
    case Schedule::automatic: {
      const std::size_t grain =
          options.chunksize != 0 ? options.chunksize : std::max<std::size_t>(1, n / (count * 64));
      const std::size_t pieces = std::min(count, ceil_div(n, grain));
      sync.add(pieces);
      for (std::size_t p = 0; p < pieces; ++p) {
        push(new SplitJob(*this, sync, n * p / pieces, n * (p + 1) / pieces, grain));
      }
      break;
    }
    case Schedule::static_blocks:
    case Schedule::round_robin: {
      const bool blocks = options.schedule == Schedule::static_blocks;
      std::size_t chunk = blocks ? ceil_div(n, count) : options.chunksize;
      if (chunk == 0) chunk = std::max<std::size_t>(1, ceil_div(n, count * 4));
      const std::size_t jobs = std::min(count, ceil_div(n, chunk));
      sync.add(jobs);
      for (std::size_t w = 0; w < jobs; ++w)
        push_pinned(w, new StridedJob(sync, n, chunk, w, count));
      break;
    }
    case Schedule::dynamic:
    case Schedule::guided: {
      const bool guided = options.schedule == Schedule::guided;
      std::size_t chunk = options.chunksize;
      if (chunk == 0) chunk = guided ? 1 : std::max<std::size_t>(1, n / (count * 16));
      const std::size_t jobs = std::min(count, ceil_div(n, chunk));
      sync.add(jobs);
      for (std::size_t w = 0; w < jobs; ++w) push(new DrainJob(sync, n, chunk, count, guided));
      break;
    }
  }
  sync.wait();
  body.errors.rethrow();
}

ThreadCore::ThreadCore(std::size_t workers) : impl_(std::make_unique<ThreadCoreImpl>(workers)) {}
ThreadCore::~ThreadCore() = default;
std::size_t ThreadCore::size() const noexcept { return impl_->size(); }
void ThreadCore::push(Job* job) { impl_->push(job); }
void ThreadCore::push_pinned(std::size_t worker, Job* job) { impl_->push_pinned(worker, job); }
void ThreadCore::check_accepting(const char* caller) const { impl_->check_accepting(caller); }
void ThreadCore::run_loop(std::size_t n, const MapOptions& options, RangeBody& body) {
  validate(options, "parallel loop");
  impl_->run_loop(n, options, body);
}
void ThreadCore::shutdown(bool wait, bool cancel_pending) { impl_->shutdown(wait, cancel_pending); }
void ThreadCore::set_error_handler(ErrorHandler handler) {
  impl_->set_error_handler(std::move(handler));
}
std::optional<std::size_t> ThreadCore::current_worker() const noexcept {
  if (Worker* w = impl_->own_worker()) return w->index;
  return std::nullopt;
}

std::size_t resolve_workers(std::size_t requested) {
  if (requested == 0) return default_workers();
  if (requested > max_workers()) {
    throw std::invalid_argument("ThreadPool: " + std::to_string(requested) +
                                " workers requested; this machine allows at most " +
                                std::to_string(max_workers()));
  }
  return requested;
}

}  // namespace pardo::detail

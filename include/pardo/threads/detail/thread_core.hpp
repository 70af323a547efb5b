#pragma once
// ThreadCore: the non-template machinery of ThreadPool (workers, queues, sleeping, loops).

#include <cstddef>
#include <memory>
#include <optional>

#include "pardo/core/detail/job.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/core/options.hpp"

namespace pardo::detail {

class ThreadCoreImpl;

class ThreadCore {
 public:
  explicit ThreadCore(std::size_t workers);
  ThreadCore(const ThreadCore&) = delete;
  ThreadCore& operator=(const ThreadCore&) = delete;
  ~ThreadCore();

  std::size_t size() const noexcept;

  /// Queues a job: on the calling worker's own deque, or in a worker's inbox.
  void push(Job* job);
  /// Queues a job that only worker `worker` may run.
  void push_pinned(std::size_t worker, Job* job);

  /// Throws ShutdownError if a user's submission must be refused now.
  void check_accepting(const char* caller) const;

  /// Runs body over [0, n) with the schedule and chunksize of `options` and waits;
  /// a worker of this pool runs other jobs meanwhile. Rethrows the loop's first error.
  void run_loop(std::size_t n, const MapOptions& options, RangeBody& body);

  void shutdown(bool wait, bool cancel_pending);
  void set_error_handler(ErrorHandler handler);

  /// The calling thread's index in this pool, if it is one of its workers.
  std::optional<std::size_t> current_worker() const noexcept;

 private:
  std::unique_ptr<ThreadCoreImpl> impl_;
};

}  // namespace pardo::detail

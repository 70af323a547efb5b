#pragma once
// The machinery of ProcessPool behind a small interface: worker processes, their sockets,
// the queue of jobs, supervision. Everything else lives in src/process/ (its parts are
// listed in src/process/process_core_impl.hpp).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pardo/core/errors.hpp"
#include "pardo/process/process_options.hpp"
#include "pardo/remote/detail/remote_job.hpp"

namespace pardo::detail {

/// Starts and supervises the worker processes and feeds them jobs.
class ProcessCore {
 public:
  /// Validates the options (std::invalid_argument naming a bad value) and starts `workers`.
  ProcessCore(std::size_t workers, ProcessOptions options);
  ProcessCore(const ProcessCore&) = delete;
  ProcessCore& operator=(const ProcessCore&) = delete;
  /// Runs every job already pushed, then stops the workers and reaps them.
  ~ProcessCore();

  std::size_t size() const noexcept;
  /// Throws ShutdownError once shutdown has begun.
  void check_accepting(const char* caller) const;
  /// Queues jobs (pinned jobs to their worker). A job with no calls is settled here. Throws
  /// ShutdownError, leaving the jobs unsettled, once shutdown has begun.
  void push(std::vector<std::unique_ptr<RemoteJob>>& jobs);
  void shutdown(bool wait, bool cancel_pending);
  /// Cancels the jobs not started, kills every worker (their running jobs fail with
  /// ShutdownError) and returns once all are reaped.
  void terminate();
  void set_error_handler(ErrorHandler handler);
  /// The process ids of the live workers, by worker index (-1 while one restarts).
  std::vector<int> worker_pids() const;
  /// A broadcast's encoding, `bytes` long, written by `write` straight into a new shared
  /// segment, which workers map on first use (src/process/broadcast.cpp). Throws
  /// std::system_error if the segment cannot be made.
  static std::shared_ptr<const SharedBlob> share_encoding(
      std::size_t bytes, std::uint64_t type_tag, const std::function<void(std::byte*)>& write);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pardo::detail

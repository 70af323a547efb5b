// ProcessCore's public side: validating the options, starting the I/O thread, taking jobs,
// shutting down. The machinery is in the other files of this folder (process_core_impl.hpp).

#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "pardo/core/workers.hpp"
#include "pardo/process/detail/process_core.hpp"
#include "pardo/remote/remote.hpp"
#include "process/process_core_impl.hpp"

namespace pardo::detail {

namespace {

void check_duration(const char* name, std::chrono::duration<double> value, const char* zero) {
  if (value.count() >= 0 && std::isfinite(value.count())) return;
  std::ostringstream message;
  message << "ProcessPool: " << name << " " << value.count()
          << " s is not a finite non-negative duration (" << zero << ")";
  throw std::invalid_argument(message.str());
}

void validate(std::size_t workers, const ProcessOptions& options) {
  if (workers == 0) throw std::invalid_argument("ProcessPool: worker count 0; need at least 1");
  if (workers > max_workers()) {
    throw std::invalid_argument("ProcessPool: worker count " + std::to_string(workers) +
                                " exceeds the limit of " + std::to_string(max_workers()));
  }
  if (options.max_tasks_per_child < 0) {
    throw std::invalid_argument("ProcessPool: max_tasks_per_child " +
                                std::to_string(options.max_tasks_per_child) +
                                " is negative (0 means no limit)");
  }
  check_duration("task_timeout", options.task_timeout, "0 means no limit");
  check_duration("stall_timeout", options.stall_timeout, "0 turns it off");
  if (options.max_retries < 0) {
    throw std::invalid_argument("ProcessPool: max_retries " + std::to_string(options.max_retries) +
                                " is negative");
  }
  if (!options.worker_command.empty() && options.worker_command.front().empty()) {
    throw std::invalid_argument("ProcessPool: worker_command names an empty program");
  }
  for (std::size_t i = 0; i < options.worker_command.size(); ++i) {
    if (options.worker_command[i].find('\0') != std::string::npos) {
      throw std::invalid_argument("ProcessPool: worker_command argument " + std::to_string(i) +
                                  " contains a NUL byte");
    }
  }
  if (!initialized()) {
    throw std::logic_error(
        "ProcessPool: call pardo::init(argc, argv) first in main: workers re-run this program");
  }
}

}  // namespace

ProcessCore::ProcessCore(std::size_t workers, ProcessOptions options) {
  validate(workers, options);
  impl_ = std::make_unique<Impl>(workers, std::move(options));
  impl_->io = std::thread([impl = impl_.get()] { impl->run(); });
  // Workers are started on the I/O thread, which outlives them (their parent-death signal
  // follows the thread that started them); worker_pids() is meaningful once this returns.
  std::exception_ptr failed;
  {
    std::unique_lock lock(impl_->mutex);
    impl_->spawned_cv.wait(lock, [&] { return impl_->spawned; });
    failed = impl_->start_error;
  }
  // A worker that cannot start (out of descriptors, say) fails the constructor, not each task;
  // the workers that did start are told to exit and reaped first.
  if (failed) {
    shutdown(true, true);
    std::rethrow_exception(failed);
  }
}

ProcessCore::~ProcessCore() { shutdown(true, false); }

std::size_t ProcessCore::size() const noexcept { return impl_->workers.size(); }

void ProcessCore::check_accepting(const char* caller) const {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->accepting) {
    throw ShutdownError(std::string(caller) + ": the ProcessPool has been shut down");
  }
}

void ProcessCore::push(std::vector<std::unique_ptr<RemoteJob>>& jobs) {
  std::vector<std::unique_ptr<RemoteJob>> empty_jobs;
  std::exception_ptr broken;
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->accepting) throw ShutdownError("the ProcessPool has been shut down");
    broken = impl_->broken;
    for (auto& job : jobs) {
      if (job->count() == 0 || broken) {
        empty_jobs.push_back(std::move(job));
      } else if (job->worker) {
        impl_->pinned[*job->worker % impl_->workers.size()].push_back(std::move(job));
      } else {
        impl_->queue.push_back(std::move(job));
      }
    }
  }
  jobs.clear();
  impl_->wake();
  for (auto& job : empty_jobs) {
    if (broken) {
      process::settle_failed(*job, broken);
    } else {
      settle_without_calls(*job);
    }
  }
}

void ProcessCore::shutdown(bool wait, bool cancel_pending) {
  Impl::JobQueue cancelled;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->accepting = false;
    if (cancel_pending) {
      const auto take = [&](Impl::JobQueue& from) {
        Impl::JobQueue keep;
        for (auto& job : from) (job->started ? keep : cancelled).push_back(std::move(job));
        from.swap(keep);
      };
      take(impl_->queue);
      for (auto& own : impl_->pinned) take(own);
    }
  }
  for (auto& job : cancelled) job->cancel();
  impl_->wake();
  // Called from a callback on the I/O thread, waiting would wait for itself.
  if (wait && impl_->io.joinable() && impl_->io.get_id() != std::this_thread::get_id()) {
    impl_->io.join();
  }
}

void ProcessCore::terminate() {
  Impl::JobQueue dropped;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->accepting = false;
    impl_->terminating.store(true);
    // A queued job that already started is one waiting to run again after its worker died.
    for (auto& job : impl_->queue) dropped.push_back(std::move(job));
    impl_->queue.clear();
    for (auto& own : impl_->pinned) {
      for (auto& job : own) dropped.push_back(std::move(job));
      own.clear();
    }
  }
  const auto error = std::make_exception_ptr(ShutdownError("the ProcessPool was terminated"));
  for (auto& job : dropped) {
    if (job->started) {
      job->fail(error);
    } else {
      job->cancel();
    }
  }
  impl_->wake();
  if (impl_->io.joinable() && impl_->io.get_id() != std::this_thread::get_id()) impl_->io.join();
}

void ProcessCore::set_error_handler(ErrorHandler handler) {
  impl_->error_handler.set(std::move(handler));
}

std::vector<int> ProcessCore::worker_pids() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->pids;
}

}  // namespace pardo::detail

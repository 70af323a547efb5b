#pragma once
/// @file
/// The exception types pardo throws, and the handler that hears errors nobody can catch.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace pardo {

/// Thrown by `Future::get()` and `Future::exception()` when the future was cancelled.
/// @code
/// try { fut.get(); } catch (const pardo::CancelledError&) { /* the task never ran */ }
/// @endcode
class CancelledError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown when an operation does not fit the state of a future or promise,
/// such as setting a promise's value twice.
/// @code
/// pardo::Promise<int> p;
/// p.set_value(1);
/// p.set_value(2);  // throws pardo::InvalidStateError
/// @endcode
class InvalidStateError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Thrown by `submit` and the map family once the executor has been shut down.
/// @code
/// pool.shutdown();
/// pool.submit([] {});  // throws pardo::ShutdownError
/// @endcode
class ShutdownError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown when a deadline passes, such as the timeout of `pardo::as_completed`.
/// @code
/// for (auto& f : pardo::as_completed(futures, 100ms)) {}  // may throw pardo::TimeoutError
/// @endcode
class TimeoutError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown when a value cannot be encoded or bytes cannot be decoded (truncated, oversized,
/// malformed). The message says what was wrong and where.
/// @code
/// try { auto v = pardo::wire::decode<std::vector<int>>(in); }
/// catch (const pardo::SerializationError& e) { std::cerr << e.what() << '\n'; }
/// @endcode
class SerializationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The exception a task threw in a worker process, re-raised in the parent. The original
/// type cannot cross a process boundary, so its name and message travel instead; `what()`
/// reads `type: message`. The worker survives and goes on serving tasks.
/// @code
/// try { pool.submit(parse, text).get(); }
/// catch (const pardo::RemoteError& e) { assert(e.type_name() == "std::invalid_argument"); }
/// @endcode
class RemoteError : public std::runtime_error {
 public:
  /// An error named after the remote exception's type, with its `what()` text.
  /// @code
  /// pardo::RemoteError e("std::out_of_range", "index 9");  // e.what(): "std::out_of_range: index
  /// 9"
  /// @endcode
  RemoteError(std::string type_name, std::string message)
      : std::runtime_error(type_name + ": " + message),
        type_name_(std::move(type_name)),
        message_(std::move(message)) {}

  /// The demangled type of the original exception, such as `std::invalid_argument`.
  /// @code
  /// if (e.type_name() == "std::bad_alloc") retry_smaller();
  /// @endcode
  const std::string& type_name() const noexcept { return type_name_; }
  /// The original exception's `what()`.
  /// @code
  /// std::cerr << e.message() << '\n';
  /// @endcode
  const std::string& message() const noexcept { return message_; }

 private:
  std::string type_name_;
  std::string message_;
};

/// A worker process died while it ran a task: killed by a signal (SIGSEGV, SIGKILL from the
/// OOM killer, `abort()`) or exited. Only that task's future fails with it; the pool starts a
/// replacement and serves every other task.
/// @code
/// try { pool.submit(legacy_solver, input).get(); }
/// catch (const pardo::WorkerCrashed& e) { std::cerr << "signal " << e.signal() << '\n'; }
/// @endcode
class WorkerCrashed : public std::runtime_error {
 public:
  /// Describes a death by `signal` (exit_status -1) or by exit with `exit_status` (signal 0)
  /// of the worker `pid`, running the task whose first input has index `task_index`.
  /// @code
  /// pardo::WorkerCrashed e("worker 0 crashed", 1234, 11, -1, 7);
  /// @endcode
  WorkerCrashed(const std::string& message, int pid, int signal, int exit_status,
                std::size_t task_index)
      : std::runtime_error(message),
        pid_(pid),
        signal_(signal),
        exit_status_(exit_status),
        task_index_(task_index) {}

  /// The process id of the worker that died.
  /// @code
  /// log("worker pid", e.pid());
  /// @endcode
  int pid() const noexcept { return pid_; }
  /// The signal that killed it, or 0 if it exited.
  /// @code
  /// if (e.signal() == SIGSEGV) report_bug();
  /// @endcode
  int signal() const noexcept { return signal_; }
  /// Its exit status if it exited, or -1 if a signal killed it.
  /// @code
  /// if (e.exit_status() == 3) handle_legacy_exit();
  /// @endcode
  int exit_status() const noexcept { return exit_status_; }
  /// The index (in its `map`'s inputs; 0 for `submit`) of the first input of the task.
  /// @code
  /// std::cerr << "input " << e.task_index() << " crashed the worker\n";
  /// @endcode
  std::size_t task_index() const noexcept { return task_index_; }

 private:
  int pid_;
  int signal_;
  int exit_status_;
  std::size_t task_index_;
};

/// A worker process made no progress for the pool's `stall_timeout` while it ran a task
/// (stopped by SIGSTOP, or blocked): the pool killed it, and that task fails with this. A
/// `WorkerCrashed` (by SIGKILL, from the pool), so whatever retries a crashed task retries
/// a stalled one.
/// @code
/// try { pool.submit(solver, input).get(); }
/// catch (const pardo::WorkerStalled& e) { std::cerr << e.what() << '\n'; }
/// @endcode
class WorkerStalled : public WorkerCrashed {
 public:
  using WorkerCrashed::WorkerCrashed;
};

/// A workload's block failed on every attempt: its worker died (or stalled) on the first run
/// and on each of the retries a `RunControl` allows. `what()` names the block and the last
/// cause; `cause()` is that cause.
/// @code
/// try { auto r = pardo::mc::estimate_pi(pool, options); }
/// catch (const pardo::BlockFailed& e) { std::cerr << "block " << e.block() << ": " << e.what(); }
/// @endcode
class BlockFailed : public std::runtime_error {
 public:
  /// Block `block` failed `attempts` times, the last with `cause`.
  /// @code
  /// pardo::BlockFailed e("block 7 failed 3 times: worker crashed", 7, 3, cause);
  /// @endcode
  BlockFailed(const std::string& message, std::uint64_t block, int attempts,
              std::exception_ptr cause)
      : std::runtime_error(message), block_(block), attempts_(attempts), cause_(std::move(cause)) {}

  /// The index of the block that failed.
  /// @code
  /// std::cerr << "block " << e.block() << '\n';
  /// @endcode
  std::uint64_t block() const noexcept { return block_; }
  /// How many times it ran: 1 + the retries.
  /// @code
  /// assert(e.attempts() == 3);
  /// @endcode
  int attempts() const noexcept { return attempts_; }
  /// The exception of its last attempt (a WorkerCrashed or WorkerStalled).
  /// @code
  /// std::rethrow_exception(e.cause());
  /// @endcode
  std::exception_ptr cause() const noexcept { return cause_; }

 private:
  std::uint64_t block_;
  int attempts_;
  std::exception_ptr cause_;
};

/// Receives an exception that has no future to land on (a throwing done callback),
/// with a short description of where it was thrown.
/// @code
/// pardo::ErrorHandler h = [](std::exception_ptr e, std::string_view where) {
///   std::cerr << where << ": " << pardo::describe(e) << '\n';
/// };
/// @endcode
using ErrorHandler = std::function<void(std::exception_ptr error, std::string_view where)>;

/// Replaces the process-wide error handler and returns the previous one. It hears errors
/// raised outside any executor's threads; an empty handler restores the default, which
/// prints one line on stderr.
/// @code
/// pardo::set_error_handler([](std::exception_ptr, std::string_view where) { log(where); });
/// @endcode
ErrorHandler set_error_handler(ErrorHandler handler);

/// Describes an exception as `type: what()` (or `unknown exception`), for messages.
/// @code
/// std::string text = pardo::describe(std::current_exception());
/// @endcode
std::string describe(std::exception_ptr error);

/// A double as pardo's messages show it: the shortest form that reads back as the same
/// value, or "nan", "inf", "-inf".
/// @code
/// assert(pardo::format_number(0.1) == "0.1");
/// @endcode
std::string format_number(double value);

}  // namespace pardo

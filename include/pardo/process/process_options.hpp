#pragma once
/// @file
/// How a `pardo::ProcessPool` treats its workers: `pardo::ProcessOptions`, and
/// `pardo::RemoteCall`, a call to run in each worker as it starts.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/remote/detail/registry.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo {

/// A call of a `PARDO_REMOTE` function with its arguments, encoded now, run later in a
/// worker. Throws std::invalid_argument if the function is not registered.
/// @code
/// void load_table(std::string path);
/// PARDO_REMOTE(load_table);
/// pardo::RemoteCall call(load_table, std::string("table.bin"));
/// @endcode
class RemoteCall {
 public:
  template <class R, class... P, class... A>
  explicit RemoteCall(R (*fn)(P...), const A&... args)
      : function_(detail::remote_id(reinterpret_cast<detail::AnyFunction>(fn), typeid(R(*)(P...)),
                                    "RemoteCall")) {
    static_assert(sizeof...(P) == sizeof...(A),
                  "RemoteCall: the number of arguments does not match the function's parameters");
    wire::Writer out(args_);
    (detail::encode_arg<P>(out, args), ...);
  }

  /// The function's wire id.
  /// @code
  /// std::uint64_t id = call.function();
  /// @endcode
  std::uint64_t function() const noexcept { return function_; }
  /// The encoded arguments.
  /// @code
  /// std::size_t bytes = call.args().size();
  /// @endcode
  const std::string& args() const noexcept { return args_; }

 private:
  std::uint64_t function_;
  std::string args_;
};

/// Options of a `ProcessPool`.
/// @code
/// pardo::ProcessOptions options{.max_tasks_per_child = 1000,
///                               .task_timeout = std::chrono::seconds(30),
///                               .max_retries = 1,
///                               .initializer = pardo::RemoteCall(load_table, path)};
/// @endcode
struct ProcessOptions {
  /// Replace a worker after it has run this many tasks (0: never), to contain leaks.
  std::int64_t max_tasks_per_child = 0;
  /// Kill a worker whose task runs longer (0: no limit); the task fails with TimeoutError.
  std::chrono::duration<double> task_timeout{0};
  /// Kill a worker whose CPU time has not advanced for this long while it runs a task (0: never,
  /// the default); the task fails with WorkerStalled, or runs again while max_retries allows.
  /// The pool reads the worker's /proc/PID/stat about four times per stall_timeout (at most
  /// every 250 ms), and only while the worker has work. A worker stopped by SIGSTOP, or
  /// blocked, makes no progress: so a task that sleeps or waits on I/O for longer than
  /// stall_timeout counts as stalled too. A worker that is runnable but waits for a CPU does
  /// not. task_timeout, not this, bounds a task's total time. A worker told to exit that
  /// makes no progress for stall_timeout is killed too, so shutdown does not wait on a stopped
  /// worker. A negative, NaN or infinite value throws std::invalid_argument.
  /// @code
  /// // A task computes for minutes; a worker frozen for 10 s is replaced and the task rerun.
  /// pardo::ProcessPool pool(8, {.stall_timeout = std::chrono::seconds(10), .max_retries = 1});
  /// @endcode
  std::chrono::duration<double> stall_timeout{0};
  /// Times a task whose worker died (or stalled) is run again before it fails with
  /// WorkerCrashed (or WorkerStalled).
  int max_retries = 0;
  /// Run once in each worker as it starts, before any task; if it fails, so does every
  /// task of the pool.
  std::optional<RemoteCall> initializer = std::nullopt;
  /// The program a worker runs and its first arguments; empty (the default): this program,
  /// `/proc/self/exe`. The pool appends `--pardo-worker <fd> <parent pid>`, which the program
  /// must hand to `pardo::init`. For hosts that embed pardo: a Python pool starts
  /// `{"/usr/bin/python3", "-c", "import pardo._worker; pardo._worker.main()"}`. A first
  /// element without a '/' is looked up in PATH. An empty program name or an argument with a
  /// NUL byte throws std::invalid_argument; a program that cannot start fails the constructor
  /// with std::system_error naming it.
  /// @code
  /// pardo::ProcessPool pool(4, {.worker_command = {"/opt/app/bin/worker", "--quiet"}});
  /// @endcode
  std::vector<std::string> worker_command = {};
};

}  // namespace pardo

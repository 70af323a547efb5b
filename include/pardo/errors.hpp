#pragma once
/// @file
/// The exception types pardo throws, and the handler that hears errors nobody can catch.

#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

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

}  // namespace pardo

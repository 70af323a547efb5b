#include <cxxabi.h>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>
#include <typeinfo>
#include <utility>

#include "core/demangle.hpp"
#include "pardo/core/detail/state.hpp"
#include "pardo/core/errors.hpp"

namespace pardo {

namespace {

std::mutex handler_mutex;
ErrorHandler process_handler;  // guarded by handler_mutex; empty means the default
thread_local detail::ErrorSink* tls_sink = nullptr;

}  // namespace

std::string detail::demangle(const char* name) {
  int status = 0;
  char* readable = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string result = status == 0 && readable != nullptr ? readable : name;
  std::free(readable);
  return result;
}

ErrorHandler set_error_handler(ErrorHandler handler) {
  std::lock_guard lock(handler_mutex);
  return std::exchange(process_handler, std::move(handler));
}

std::string describe(std::exception_ptr error) {
  if (!error) return "no exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return detail::demangle(typeid(e).name()) + ": " + e.what();
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return type != nullptr ? detail::demangle(type->name()) : std::string("unknown exception");
  }
}

namespace detail {

ErrorSink* exchange_current_error_sink(ErrorSink* sink) noexcept {
  return std::exchange(tls_sink, sink);
}

void report_error(std::exception_ptr error, std::string_view where) noexcept {
  if (tls_sink != nullptr) {
    tls_sink->report(error, where);
    return;
  }
  try {
    ErrorHandler handler;
    {
      std::lock_guard lock(handler_mutex);
      handler = process_handler;
    }
    if (handler) {
      handler(error, where);
      return;
    }
    const std::string line = "pardo: exception in " + std::string(where) + ": " + describe(error);
    std::fprintf(stderr, "%s\n", line.c_str());
  } catch (...) {
    std::fputs("pardo: the error handler itself threw\n", stderr);
  }
}

void PoolErrorHandler::set(ErrorHandler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

void PoolErrorHandler::report(std::exception_ptr error, std::string_view where) noexcept {
  ErrorHandler handler;
  {
    std::lock_guard lock(mutex_);
    handler = handler_;
  }
  if (!handler) {
    ErrorSink* pool = exchange_current_error_sink(nullptr);
    report_error(error, where);
    exchange_current_error_sink(pool);
    return;
  }
  try {
    handler(error, where);
  } catch (...) {
    std::fputs("pardo: the pool's error handler threw\n", stderr);
  }
}

}  // namespace detail

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc{} ? std::string(buffer, end) : std::string("?");
}

}  // namespace pardo

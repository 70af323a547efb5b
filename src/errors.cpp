#include <cxxabi.h>
#include <cstdio>
#include <mutex>
#include <string>
#include <typeinfo>

#include "demangle.hpp"
#include "pardo/detail/state.hpp"
#include "pardo/errors.hpp"

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

}  // namespace detail
}  // namespace pardo

// What becomes of remote jobs the same way on every remote backend: the exceptions a failure
// report stands for, and the jobs that never reach a worker.
#include "pardo/remote/detail/remote_job.hpp"

#include <exception>
#include <string>
#include <string_view>

#include "pardo/core/errors.hpp"

namespace pardo::detail {

std::exception_ptr to_exception(const FailureReport& failure, std::uint64_t function,
                                std::size_t index) {
  switch (failure.kind) {
    case FailureReport::Kind::exception:
      return std::make_exception_ptr(RemoteError(failure.type, failure.message));
    case FailureReport::Kind::bad_arguments:
      return std::make_exception_ptr(SerializationError(
          "arguments of remote function '" + std::string(remote_name(function)) + "' for input " +
          std::to_string(index) + " could not be decoded: " + failure.message));
    case FailureReport::Kind::unencodable_result:
      break;
  }
  return std::make_exception_ptr(SerializationError(
      "result of remote function '" + std::string(remote_name(function)) + "' for input " +
      std::to_string(index) + " could not be encoded: " + failure.message));
}

void settle_without_calls(RemoteJob& job) noexcept {
  if (!job.start()) return;
  wire::Reader nothing{std::string_view()};
  job.complete(nothing, 0, nullptr);
}

}  // namespace pardo::detail

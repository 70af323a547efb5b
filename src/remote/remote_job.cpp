// The exceptions a remote call's failure report stands for, the same for every remote backend.
#include "pardo/remote/detail/remote_job.hpp"

#include <exception>
#include <string>

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

}  // namespace pardo::detail

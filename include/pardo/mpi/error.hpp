#pragma once
/// @file
/// What pardo's MPI layer throws when MPI itself reports an error.

#include <stdexcept>
#include <string>

namespace pardo::mpi {

/// An MPI call failed: the call's name and MPI's own description of the error code.
/// pardo's communicators return errors (MPI_ERRORS_RETURN) instead of aborting, so they
/// reach the caller as this exception.
/// @code
/// try {
///   world.barrier();
/// } catch (const pardo::mpi::Error& e) {
///   std::cerr << e.what() << " (MPI error class " << e.error_class() << ")\n";
/// }
/// @endcode
class Error : public std::runtime_error {
 public:
  /// An error with its message, MPI error code and class.
  /// @code
  /// throw pardo::mpi::Error("MPI_Send failed: invalid rank", rc, MPI_ERR_RANK);
  /// @endcode
  Error(const std::string& message, int code, int error_class)
      : std::runtime_error(message), code_(code), error_class_(error_class) {}

  /// The MPI error code, as returned by the failing call.
  /// @code
  /// char text[MPI_MAX_ERROR_STRING]; int n; MPI_Error_string(e.code(), text, &n);
  /// @endcode
  int code() const noexcept { return code_; }
  /// Its MPI error class (MPI_ERR_TRUNCATE, MPI_ERR_RANK, ...).
  /// @code
  /// if (e.error_class() == MPI_ERR_RANK) std::cerr << "no such rank\n";
  /// @endcode
  int error_class() const noexcept { return error_class_; }

 private:
  int code_;
  int error_class_;
};

namespace detail {
/// Throws Error naming `call` unless `rc` is MPI_SUCCESS.
void check(int rc, const char* call);
}  // namespace detail

}  // namespace pardo::mpi

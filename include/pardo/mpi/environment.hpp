#pragma once
// MPI's lifetime as an object: initialised in the constructor, finalised in the destructor.

#include <string>

#include "pardo/mpi/communicator.hpp"

namespace pardo::mpi {

/// MPI's thread support levels, weakest first.
enum class ThreadLevel {
  single,      ///< one thread in the process
  funneled,    ///< only the thread that initialised MPI calls it
  serialized,  ///< any thread, one at a time
  multiple,    ///< any thread, at any time: what isend/irecv and mpi::Pool need
};

/// "single", "funneled", "serialized" or "multiple".
std::string to_string(ThreadLevel level);

/// Initialises MPI with the thread level it needs and finalises it when destroyed; one per
/// process, made before anything else uses MPI. The constructor checks the level MPI
/// provides and throws `std::runtime_error` naming both levels if it is lower than asked.
/// Communicators made from it set MPI_ERRORS_RETURN, so MPI's errors arrive as mpi::Error.
/// @code
/// int main(int argc, char** argv) {
///   pardo::mpi::Environment env(argc, argv);
///   pardo::mpi::Communicator world = env.world();
///   double total = world.allreduce(local_sum(world.rank()), std::plus<>{});
/// }
/// @endcode
class Environment {
 public:
  /// MPI_Init_thread with `required`; throws std::logic_error if MPI was initialised already.
  Environment(int& argc, char**& argv, ThreadLevel required = ThreadLevel::multiple);
  /// The same without the program's arguments.
  explicit Environment(ThreadLevel required = ThreadLevel::multiple);
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  /// Stops pardo's progress thread, failing receives still waiting, then MPI_Finalize.
  ~Environment();

  /// The thread level MPI provides (at least the one asked for).
  ThreadLevel thread_level() const noexcept { return provided_; }
  /// MPI_COMM_WORLD, with errors returned rather than fatal.
  Communicator world() const;
  /// The name of this node, as MPI_Get_processor_name gives it.
  std::string processor_name() const;
  /// The MPI library's version line ("Open MPI v4.1.4, ...").
  static std::string library_version();
  /// True between an Environment's construction and destruction.
  static bool active() noexcept;

 private:
  void start(int* argc, char*** argv, ThreadLevel required);
  ThreadLevel provided_ = ThreadLevel::single;
};

}  // namespace pardo::mpi

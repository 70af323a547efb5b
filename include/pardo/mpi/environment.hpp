#pragma once
/// @file
/// MPI's lifetime as an object: initialised in the constructor, finalised in the destructor.

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
/// @code
/// assert(pardo::mpi::to_string(pardo::mpi::ThreadLevel::multiple) == "multiple");
/// @endcode
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
  /// @code
  /// pardo::mpi::Environment env(argc, argv, pardo::mpi::ThreadLevel::serialized);
  /// @endcode
  Environment(int& argc, char**& argv, ThreadLevel required = ThreadLevel::multiple);
  /// The same without the program's arguments.
  /// @code
  /// pardo::mpi::Environment env;
  /// @endcode
  explicit Environment(ThreadLevel required = ThreadLevel::multiple);
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  /// Stops pardo's progress thread, failing receives still waiting, then MPI_Finalize.
  /// @code
  /// { pardo::mpi::Environment env(argc, argv); run(env.world()); }  // finalised here
  /// @endcode
  ~Environment();

  /// The thread level MPI provides (at least the one asked for).
  /// @code
  /// std::printf("MPI threads: %s\n", to_string(env.thread_level()).c_str());
  /// @endcode
  ThreadLevel thread_level() const noexcept { return provided_; }
  /// MPI_COMM_WORLD, with errors returned rather than fatal.
  /// @code
  /// const pardo::mpi::Communicator world = env.world();
  /// @endcode
  Communicator world() const;
  /// The name of this node, as MPI_Get_processor_name gives it.
  /// @code
  /// auto hosts = env.world().gather(env.processor_name(), 0);
  /// @endcode
  std::string processor_name() const;
  /// The MPI library's version line ("Open MPI v4.1.4, ..."); callable before MPI starts.
  /// @code
  /// std::puts(pardo::mpi::Environment::library_version().c_str());
  /// @endcode
  static std::string library_version();
  /// True between an Environment's construction and destruction.
  /// @code
  /// if (!pardo::mpi::Environment::active()) return run_locally();
  /// @endcode
  static bool active() noexcept;

 private:
  void start(int* argc, char*** argv, ThreadLevel required);
  ThreadLevel provided_ = ThreadLevel::single;
};

}  // namespace pardo::mpi

#pragma once
// `--backend mpi` in the CLI: MPI lives for the command's run, and only rank 0 prints.

#include <memory>
#include <string_view>

#ifdef PARDO_CLI_WITH_MPI
#include <pardo/mpi.hpp>
#endif

namespace pardo::cli {

/// In a `pardo` built beside `pardo-mpi` (the same commands, linked with MPI): replaces this
/// process with the `pardo-mpi` in this program's directory, with the same arguments, for a
/// command that needs MPI (`--backend mpi`, `info`). Returns where none is needed, or where
/// `pardo-mpi` cannot be run (the command then says that MPI is missing).
void hand_over_to_mpi_program(int argc, char** argv);

/// Whether a launcher (mpirun, srun) started this process as a rank other than 0, as its
/// environment says: known before MPI is initialised.
bool launched_as_other_rank() noexcept;

/// True if this pardo was built with the MPI backend.
bool mpi_compiled_in() noexcept;

/// Prints "pardo <command>: --backend mpi: ..." for a build without MPI; returns exit code 2.
int mpi_not_compiled_in(std::string_view command);

#ifdef PARDO_CLI_WITH_MPI
/// MPI initialised for one command (under mpirun, or alone as a singleton).
class MpiSession {
 public:
  /// Sets up each rank's signals (handle_mpirun_signals), then initialises MPI.
  MpiSession();
  const mpi::Communicator& world() const noexcept { return world_; }
  /// Rank 0 prints results and progress; the others stay silent.
  bool prints() const noexcept { return world_.rank() == 0; }

 private:
  // Before MPI_Init, which can take seconds on a loaded node: mpirun's SIGTERM for a Ctrl-C
  // in that time still reaches rank 0 as a stop request instead of killing the ranks.
  struct RankSignals {
    RankSignals();
  };
  RankSignals signals_;
  mpi::Environment env_;
  mpi::Communicator world_;
};

/// Keeps a finished MPI run's pool and session until end_mpi_run(), so that rank 0 prints
/// before the teardown (the workers' stop messages, MPI_Finalize): a Ctrl-C in the teardown,
/// which mpirun ends with SIGKILL, can no longer lose the result.
void keep_until_printed(std::unique_ptr<mpi::Pool> pool, std::unique_ptr<MpiSession> session);
#endif

/// Tears down the MPI run kept by keep_until_printed, if any: called once the output is out.
/// After a Ctrl-C it leaves the pool and MPI as they are, for the process to exit at once.
void end_mpi_run() noexcept;

}  // namespace pardo::cli

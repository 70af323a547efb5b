#include "mpi_session.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "progress.hpp"

namespace pardo::cli {

#ifdef PARDO_CLI_MPI_PROGRAM
namespace {

bool needs_mpi(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "info") return true;
  // The --backend mpi of a command they run (after --) is not theirs.
  if (argc > 1 && (std::string_view(argv[1]) == "scale" || std::string_view(argv[1]) == "launch")) {
    return false;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--backend=mpi" || arg == "-bmpi") return true;
    if ((arg == "--backend" || arg == "-b") && i + 1 < argc &&
        std::string_view(argv[i + 1]) == "mpi") {
      return true;
    }
  }
  return false;
}

}  // namespace

void hand_over_to_mpi_program(int argc, char** argv) {
  if (!needs_mpi(argc, argv)) return;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return;
  const std::string program = (self.parent_path() / PARDO_CLI_MPI_PROGRAM).string();
  std::fflush(nullptr);
  ::execv(program.c_str(), argv);  // returns only on failure
}
#else
void hand_over_to_mpi_program(int /*argc*/, char** /*argv*/) {}
#endif

bool launched_as_other_rank() noexcept {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    const char* rank = std::getenv(name);
    if (rank != nullptr) return std::string_view(rank) != "0";
  }
  return false;
}

bool mpi_compiled_in() noexcept {
#ifdef PARDO_CLI_WITH_MPI
  return true;
#else
  return false;
#endif
}

int mpi_not_compiled_in(std::string_view command) {
  std::fprintf(stderr,
               "pardo %s: --backend mpi: this pardo was built without MPI (PARDO_WITH_MPI=OFF; "
               "install libopenmpi-dev and rebuild)\n",
               std::string(command).c_str());
  return 2;
}

#ifdef PARDO_CLI_WITH_MPI
MpiSession::RankSignals::RankSignals() { handle_mpirun_signals(!launched_as_other_rank()); }

MpiSession::MpiSession() : env_(mpi::ThreadLevel::multiple), world_(env_.world()) {}

namespace {

struct KeptRun {
  std::unique_ptr<mpi::Pool> pool;  // destroyed first: its stop messages need MPI
  std::unique_ptr<MpiSession> session;
};

KeptRun& kept_run() {
  static KeptRun run;
  return run;
}

}  // namespace

void keep_until_printed(std::unique_ptr<mpi::Pool> pool, std::unique_ptr<MpiSession> session) {
  kept_run() = {std::move(pool), std::move(session)};
}

/// Open MPI's mpirun (4.x) tells the ranks it starts where it listens; srun does not.
bool started_by_mpirun() noexcept { return std::getenv("OMPI_MCA_orte_hnp_uri") != nullptr; }

void end_mpi_run() noexcept {
  KeptRun& run = kept_run();
  if (stop_requested() && started_by_mpirun()) {
    // After a Ctrl-C mpirun kills every rank a second after its SIGTERM: rank 0 ends now
    // rather than wait for the blocks still running elsewhere. Under srun the ranks are
    // stopped in order instead: srun kills ranks left behind by one that ended, and its exit
    // code is then their SIGKILL's 137 rather than rank 0's 130, which a requeueing batch
    // script looks for.
    static_cast<void>(run.pool.release());
    static_cast<void>(run.session.release());
    return;
  }
  run.pool.reset();
  run.session.reset();
}
#else
void end_mpi_run() noexcept {}
#endif

}  // namespace pardo::cli

#include "mpi_session.hpp"

#include <cstdio>
#include <string>

#include "progress.hpp"

namespace pardo::cli {

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
MpiSession::MpiSession() : env_(mpi::ThreadLevel::multiple), world_(env_.world()) {
  handle_mpirun_signals(world_.rank() == 0);
}
#endif

}  // namespace pardo::cli

#include "mpi_session.hpp"

#include <cstdio>
#include <string>

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

}  // namespace pardo::cli

// `pardo info`: the machine, the SIMD level chosen, the backends compiled in, the version.
#include <cstdio>
#include <pardo/pardo.hpp>
#include <pardo/random/bulk.hpp>
#include <string>
#include <thread>

#include "commands.hpp"
#include "mpi_session.hpp"

namespace pardo::cli {

void add_info_command(CLI::App& app, int& exit_code) {
  auto* info =
      app.add_subcommand("info", "Show the machine, the backends compiled in and the version");
  info->callback([&exit_code] {
    std::printf("pardo     %s\n", std::string(version()).c_str());
    std::printf("cores     %u hardware threads\n", std::thread::hardware_concurrency());
    std::printf("simd      %s\n", std::string(random::to_string(random::simd_level())).c_str());
    std::printf("backends  serial, threads, processes%s\n",
                mpi_compiled_in() ? ", mpi (under mpirun)" : "");
#ifdef PARDO_CLI_WITH_MPI
    std::printf("mpi       %s\n", mpi::Environment::library_version().c_str());
#endif
    exit_code = 0;
  });
}

}  // namespace pardo::cli

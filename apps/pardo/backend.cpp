#include "backend.hpp"

namespace pardo::cli {

void add_backend_options(CLI::App& command, BackendArgs& args) {
  command
      .add_option("-b,--backend", args.backend, "serial, threads, processes or mpi (under mpirun)")
      ->capture_default_str();
  args.workers_option =
      command.add_option("-w,--workers", args.workers, "Worker threads or processes")
          ->capture_default_str()
          ->check(CLI::Range(std::size_t{1}, max_workers()));
}

int check_backend(const BackendArgs& args, std::string_view command) {
  const std::string name(command);
  if (args.backend != "threads" && args.backend != "serial" && args.backend != "processes" &&
      args.backend != "mpi") {
    std::fprintf(stderr,
                 "pardo %s: --backend: unknown backend '%s' (serial, threads, processes or mpi)\n",
                 name.c_str(), args.backend.c_str());
    return 2;
  }
  if (args.backend == "mpi" && !mpi_compiled_in()) return mpi_not_compiled_in(command);
  const bool workers_given = args.workers_option != nullptr && args.workers_option->count() > 0;
  if (args.backend == "mpi" && workers_given) {
    std::fprintf(stderr,
                 "pardo %s: --workers %zu does not apply to --backend mpi: it runs on the ranks "
                 "mpirun starts (mpirun -np N)\n",
                 name.c_str(), args.workers);
    return 2;
  }
  if (args.backend == "serial" && workers_given && args.workers != 1) {
    std::fprintf(stderr, "pardo %s: --backend serial runs on 1 worker, not %zu\n", name.c_str(),
                 args.workers);
    return 2;
  }
  return 0;
}

}  // namespace pardo::cli

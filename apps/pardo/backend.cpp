#include "backend.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <pardo/cuda/device.hpp>
#include <string>

#include "parse.hpp"

namespace pardo::cli {

void add_backend_options(CLI::App& command, BackendArgs& args) {
  command
      .add_option("-b,--backend", args.backend, "serial, threads, processes or mpi (under mpirun)")
      ->type_name("BACKEND")
      ->capture_default_str();
  args.workers_option =
      command
          .add_option("-w,--workers", args.workers,
                      "Worker threads or processes (default: the CPUs this process may "
                      "use, or PARDO_NUM_WORKERS); with --backend mpi, threads in each rank "
                      "(default: the CPUs each rank may use)")
          ->type_name("COUNT")
          ->capture_default_str()
          ->check(CLI::Range(std::size_t{1}, max_workers()));
  args.retries_option =
      command
          .add_option("--retries", args.retries,
                      "With --backend processes: runs again of a block whose worker died")
          ->type_name("COUNT")
          ->capture_default_str()
          ->check(CLI::Range(0, 100));
  args.stall_option =
      command
          .add_option("--stall-timeout", args.stall_timeout,
                      "With --backend processes: seconds a worker may make no progress before "
                      "it is killed and its block retried (0: never)")
          ->type_name("SECONDS")
          ->capture_default_str()
          ->check(CLI::Validator(
              [](std::string& text) -> std::string {
                char* end = nullptr;
                const double seconds = std::strtod(text.c_str(), &end);
                if (end == text.c_str() || *end != '\0' || !std::isfinite(seconds) || seconds < 0 ||
                    seconds > 1e6) {
                  return "'" + text + "' is not a number of seconds from 0 to 1e6";
                }
                return {};
              },
              "SECONDS"));
}

namespace {

// The value of `text` if all of it is a number, else nullopt.
std::optional<double> read_number(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') return std::nullopt;
  return value;
}

}  // namespace

CLI::Validator number_in(double low, double high, bool open) {
  const std::string range = (open ? "(" : "[") + pardo::format_number(low) + ", " +
                            pardo::format_number(high) + (open ? ")" : "]");
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        const std::optional<double> value = read_number(text);
        const bool inside =
            value && std::isfinite(*value) &&
            (open ? (*value > low && *value < high) : (*value >= low && *value <= high));
        return inside ? std::string() : "'" + text + "' is outside " + range;
      },
      "NUMBER in " + range);
}

void add_seed_option(CLI::App& command, std::uint64_t& seed) {
  command.add_option("-s,--seed", seed, "Seed of the random streams (0 to 2^64 - 1)")
      ->type_name("SEED")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            try {
              (void)parse_decimal(text, "--seed", 0, std::numeric_limits<std::uint64_t>::max());
            } catch (const UsageError&) {
              return "'" + text + "' is not a whole number from 0 to 2^64 - 1";
            }
            return {};
          },
          "SEED"));
}

namespace {

// --backend cuda: refused where pardo was built without CUDA, or with the CPU backends' options.
int check_gpu_backend(const BackendArgs& args, std::string_view command) {
  const std::string name(command);
  if (!cuda::compiled_in()) {
    std::fprintf(stderr,
                 "pardo %s: --backend cuda: this pardo was built without CUDA (no CUDA toolkit "
                 "when it was configured); use --backend threads, or rebuild where CMake finds "
                 "nvcc\n",
                 name.c_str());
    return 2;
  }
  for (const CLI::Option* option : {args.workers_option, args.retries_option, args.stall_option}) {
    if (option != nullptr && option->count() > 0) {
      std::fprintf(stderr, "pardo %s: %s applies to the CPU backends, not to --backend cuda\n",
                   name.c_str(), option->get_name().c_str());
      return 2;
    }
  }
  if (!args.checkpoint.file.empty() || !args.checkpoint.resume.empty()) {
    std::fprintf(stderr,
                 "pardo %s: --checkpoint and --resume are not supported with --backend cuda\n",
                 name.c_str());
    return 2;
  }
  return 0;
}

}  // namespace

int check_backend(const BackendArgs& args, std::string_view command, bool runs_on_gpu) {
  const std::string name(command);
  if (runs_on_gpu && args.backend == "cuda") return check_gpu_backend(args, command);
  if (args.backend != "threads" && args.backend != "serial" && args.backend != "processes" &&
      args.backend != "mpi") {
    std::fprintf(stderr, "pardo %s: --backend: unknown backend '%s' (%s)\n", name.c_str(),
                 args.backend.c_str(),
                 runs_on_gpu ? "serial, threads, processes, mpi or cuda"
                             : "serial, threads, processes or mpi");
    return 2;
  }
  if (args.backend == "mpi" && !mpi_compiled_in()) return mpi_not_compiled_in(command);
  const bool workers_given = args.workers_option != nullptr && args.workers_option->count() > 0;
  for (const CLI::Option* option : {args.retries_option, args.stall_option}) {
    if (args.backend != "processes" && option != nullptr && option->count() > 0) {
      std::fprintf(stderr,
                   "pardo %s: %s applies to --backend processes (worker processes), not to "
                   "--backend %s\n",
                   name.c_str(), option->get_name().c_str(), args.backend.c_str());
      return 2;
    }
  }
  if (args.backend == "serial" && workers_given && args.workers != 1) {
    std::fprintf(stderr, "pardo %s: --backend serial runs on 1 worker, not %zu\n", name.c_str(),
                 args.workers);
    return 2;
  }
  return 0;
}

}  // namespace pardo::cli

// The pardo command-line tool.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <pardo/pardo.hpp>
#include <string>
#include <thread>

#include "tour.hpp"

namespace {

int run_info() {
  std::printf("pardo %s\n", std::string(pardo::version()).c_str());
  std::printf("cores:    %u hardware threads\n", std::thread::hardware_concurrency());
  std::printf("backends: serial, threads\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pardo: parallel work from one core to a cluster, with reproducible results"};
  app.set_version_flag("--version", std::string(pardo::version()));
  app.require_subcommand(1);

  auto* info =
      app.add_subcommand("info", "Show the machine, the backends compiled in and the version");

  std::size_t workers = 0;
  auto* tour = app.add_subcommand("tour", "A short tour of the executor: futures, map, reductions");
  tour->add_option("-w,--workers", workers, "Worker threads (0: one per core)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{4096}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (info->parsed()) return run_info();
  if (tour->parsed()) return pardo::cli::run_tour(workers);
  return 2;
}

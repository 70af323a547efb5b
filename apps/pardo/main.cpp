// The pardo command-line tool.
#include <CLI/CLI.hpp>
#include <pardo/pardo.hpp>
#include <string>

#include "commands.hpp"

int main(int argc, char** argv) {
  pardo::init(argc, argv);  // a worker process of `--backend processes` stops here
  CLI::App app{"pardo: parallel work from one core to a cluster, with reproducible results"};
  app.set_version_flag("--version", std::string(pardo::version()));
  app.require_subcommand(1);
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "pardo: " + std::string(e.what()) + " (see --help)\n";
  });

  int exit_code = 0;
  pardo::cli::add_info_command(app, exit_code);
  pardo::cli::add_tour_command(app, exit_code);
  pardo::cli::add_pi_command(app, exit_code);
  pardo::cli::add_integrate_command(app, exit_code);
  pardo::cli::add_bootstrap_command(app, exit_code);
  pardo::cli::add_power_command(app, exit_code);
  pardo::cli::add_fit_command(app, exit_code);
  pardo::cli::add_laplace_command(app, exit_code);
  pardo::cli::add_bench_command(app, exit_code);
  pardo::cli::add_permtest_command(app, exit_code);
  pardo::cli::add_mcmc_command(app, exit_code);
  pardo::cli::add_rng_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}

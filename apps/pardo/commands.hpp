#pragma once
// The pardo tool's subcommands. Each adds itself to the app; its callback stores the exit
// code: 0 on success, 2 for a bad value (with one line on stderr naming it), 1 otherwise.

#include <CLI/CLI.hpp>

namespace pardo::cli {

void add_info_command(CLI::App& app, int& exit_code);
void add_tour_command(CLI::App& app, int& exit_code);
void add_rng_command(CLI::App& app, int& exit_code);
void add_pi_command(CLI::App& app, int& exit_code);
void add_integrate_command(CLI::App& app, int& exit_code);
void add_bootstrap_command(CLI::App& app, int& exit_code);
void add_power_command(CLI::App& app, int& exit_code);
void add_fit_command(CLI::App& app, int& exit_code);
void add_laplace_command(CLI::App& app, int& exit_code);
void add_mandelbrot_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);
void add_permtest_command(CLI::App& app, int& exit_code);
void add_mcmc_command(CLI::App& app, int& exit_code);
void add_optimize_command(CLI::App& app, int& exit_code);
void add_scale_command(CLI::App& app, int& exit_code);

void add_launch_command(CLI::App& app, int& exit_code);

}  // namespace pardo::cli

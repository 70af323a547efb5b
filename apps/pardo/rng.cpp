// `pardo rng dump`: raw Philox output for statistical test suites (dieharder).
#include "commands.hpp"

namespace pardo::cli {

void add_rng_command(CLI::App& app, int& exit_code) {
  auto* rng = app.add_subcommand("rng", "Random streams: dump raw output for test suites");
  rng->require_subcommand(1);
  static_cast<void>(exit_code);
}

}  // namespace pardo::cli

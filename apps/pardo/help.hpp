#pragma once
// What `pardo --help` and every `pardo COMMAND --help` show beyond the options themselves:
// commands grouped (workloads, tools), typed placeholders, examples and the exit codes.

#include <CLI/CLI.hpp>

namespace pardo::cli {

/// Once every command is added: groups the subcommands, gives each option its placeholder
/// alone (COUNT, FLOAT, FILE: the ranges are said in the descriptions and the errors), and
/// ends each command's help with its examples and the table of exit codes.
void finish_help(CLI::App& app);

}  // namespace pardo::cli

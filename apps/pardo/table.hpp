#pragma once
// Tables for the workload commands: CSV or .npy, a file or stdin ("-"), and the --delimiter
// and --na options every command that reads one takes.

#include <CLI/CLI.hpp>
#include <pardo/stats/csv.hpp>
#include <string>
#include <vector>

namespace pardo::cli {

/// How a command reads its tables: --delimiter and --na as typed, and the command's name
/// for the note on dropped rows.
struct TableOptions {
  std::string delimiter = "auto";
  std::string na = "error";
  std::string command;
};

/// Adds --delimiter and --na to `cmd`, into `options`.
void add_table_options(CLI::App& cmd, TableOptions& options);

/// Reads `path` ("-" for stdin): `.npy` by its extension or its magic, else CSV with
/// `header`. Notes rows dropped for missing values on stderr; the library's errors (a field
/// that is not a number, a row of the wrong length, a missing value, no rows, a file that
/// cannot be read) become a UsageError.
stats::Dataset read_table(const std::string& path, const TableOptions& options,
                          stats::CsvHeader header = stats::CsvHeader::detect);

/// The column of `table` called `name`, or the column at that 0-based index given as digits;
/// throws UsageError naming `option` and listing the columns.
const std::vector<double>& find_column(const stats::Dataset& table, const std::string& name,
                                       const std::string& option);

}  // namespace pardo::cli

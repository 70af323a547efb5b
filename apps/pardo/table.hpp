#pragma once
// Numeric CSV input for the workload commands: a file or stdin ("-"), an optional header.

#include <pardo/stats/csv.hpp>
#include <string>
#include <vector>

namespace pardo::cli {

/// Reads `path` ("-" for stdin) with stats::read_csv, a header detected; its errors (a field
/// that is not a number, a row of the wrong length, no rows) become a UsageError.
stats::Dataset read_table(const std::string& path);

/// The column of `table` called `name`, or the column at that 0-based index given as digits;
/// throws UsageError naming `option` and listing the columns.
const std::vector<double>& find_column(const stats::Dataset& table, const std::string& name,
                                       const std::string& option);

}  // namespace pardo::cli

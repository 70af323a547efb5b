#pragma once
// Numeric CSV input for the workload commands: a file or stdin ("-"), an optional header.

#include <cstddef>
#include <string>
#include <vector>

namespace pardo::cli {

/// Columns of numbers with their names ("x1", "x2", ... when the file has no header).
struct Table {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  std::size_t rows() const noexcept { return columns.empty() ? 0 : columns.front().size(); }
  /// The column called `name`, or the column at that 0-based index given as digits;
  /// throws UsageError naming `option` and listing the columns.
  const std::vector<double>& column(const std::string& name, const std::string& option) const;
};

/// Reads comma-separated numbers from `path` ("-" for stdin). A first line that is not all
/// numbers is the header. Blank lines are skipped. Throws UsageError naming the file, line
/// and field for a field that is not a number or a row of the wrong length, and for a file
/// with no rows.
Table read_csv(const std::string& path);

}  // namespace pardo::cli

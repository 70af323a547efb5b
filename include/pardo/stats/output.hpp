#pragma once
/// @file
/// Tables of numbers written for plotting and for other tools: CSV with a header, or numpy's
/// `.npy` (what numpy.load and pardo's own readers take back).

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace pardo::stats {

/// A table to write: one name per column, the values row after row (`values.size()` a
/// multiple of `names.size()`).
/// @code
/// pardo::stats::NumberTable t{.names = {"chain", "x"}, .values = {0, 1.5, 0, 2.5}};
/// @endcode
struct NumberTable {
  std::vector<std::string> names{};
  std::vector<double> values{};
  /// The number of rows.
  /// @code
  /// std::size_t n = t.rows();  // 2
  /// @endcode
  std::size_t rows() const noexcept { return names.empty() ? 0 : values.size() / names.size(); }
};

/// Writes `table` as CSV: the names as a header (quoted where RFC 4180 requires), then one
/// line per row, each value in the shortest form that reads back to the same double ("nan",
/// "inf" and "-inf" for the non-finite). Throws std::invalid_argument for a table without
/// names or with a partial row.
/// @code
/// pardo::stats::write_csv(std::cout, {.names = {"x"}, .values = {1, 2}});  // x\n1\n2\n
/// @endcode
void write_csv(std::ostream& out, const NumberTable& table);

/// Writes `table` as a `.npy` array (format 1.0, little-endian float64): shape (rows,) for
/// one column, (rows, columns) otherwise, in C order. The column names are not kept: the
/// caller documents their order. Throws std::invalid_argument as write_csv does.
/// @code
/// std::ofstream out("draws.npy", std::ios::binary);
/// pardo::stats::write_npy(out, table);  // numpy.load("draws.npy").shape == (rows, columns)
/// @endcode
void write_npy(std::ostream& out, const NumberTable& table);

/// Writes `table` to the file at `path`: `.npy` where the name ends so, CSV otherwise, and
/// CSV on standard output for "-". Throws std::invalid_argument for a bad table and
/// std::runtime_error naming the file and the system's reason ("No space left on device")
/// when it cannot be created or written.
/// @code
/// pardo::stats::write_table("distribution.npy", {.names = {"statistic"}, .values = d});
/// @endcode
void write_table(const std::string& path, const NumberTable& table);

/// True if `path` names a `.npy` file (by its extension, in any case).
/// @code
/// assert(pardo::stats::is_npy_path("draws.NPY"));
/// @endcode
bool is_npy_path(const std::string& path);

}  // namespace pardo::stats

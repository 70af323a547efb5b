#pragma once
/// @file
/// Numeric CSV input: columns of numbers, commas between, from a file or any stream, as a
/// Dataset for the statistics toolkit (fit_many takes it whole; bootstrap and
/// permutation_test take its columns).

#include <cstdint>
#include <istream>
#include <string>

#include "pardo/stats/fit.hpp"

namespace pardo::stats {

/// Whether the first line of a CSV names the columns.
/// @code
/// auto d = pardo::stats::read_csv("heights.csv", pardo::stats::CsvHeader::required);
/// @endcode
enum class CsvHeader : std::uint8_t {
  detect,    ///< a header if any of its fields is not a number; else columns x1, x2, ...
  required,  ///< always a header
};

/// Reads comma-separated numbers from `in`; `source` names the input in errors and is the
/// data set's name. Fields are trimmed of spaces and tabs, a leading '+' is allowed, and
/// blank lines are skipped. Throws std::invalid_argument naming the source, line and field
/// for a field that is not a number, a row of the wrong length, an empty column name, or an
/// input without rows.
/// @code
/// std::istringstream in("x,y\n1,2\n3,4\n");
/// auto d = pardo::stats::read_csv(in, "example");
/// assert(d.columns[1] == "y" && d.data[1][1] == 4.0);
/// @endcode
Dataset read_csv(std::istream& in, const std::string& source, CsvHeader header = CsvHeader::detect);

/// Reads the file at `path` as above; the data set is named after the file's stem. Throws
/// std::invalid_argument naming a file that cannot be opened.
/// @code
/// auto d = pardo::stats::read_csv("data/site1.csv");
/// auto r = pardo::stats::bootstrap(pool, d.data[0], pardo::stats::mean, {});
/// @endcode
Dataset read_csv(const std::string& path, CsvHeader header = CsvHeader::detect);

}  // namespace pardo::stats

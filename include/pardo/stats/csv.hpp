#pragma once
/// @file
/// Numeric tables from files users have: RFC 4180 CSV (quotes, a BOM, CRLF, comments, comma,
/// semicolon or tab between fields, R's and pandas' missing values) and numpy `.npy` arrays,
/// from a file or any stream, as a Dataset for the statistics toolkit (fit_many takes it
/// whole; bootstrap and permutation_test take its columns).

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "pardo/stats/fit.hpp"

namespace pardo::stats {

/// Whether the first line of a CSV names the columns.
/// @code
/// auto d = pardo::stats::read_csv("heights.csv", pardo::stats::CsvHeader::required);
/// @endcode
enum class CsvHeader : std::uint8_t {
  detect,    ///< a header if a field is neither a number nor missing; else columns x1, x2, ...
  required,  ///< always a header
};

/// The character between fields.
/// @code
/// pardo::stats::CsvOptions o{.delimiter = pardo::stats::CsvDelimiter::semicolon};
/// @endcode
enum class CsvDelimiter : std::uint8_t {
  detect,     ///< the one of ',', ';' and tab that the first line has outside quotes
  comma,      ///< ','
  semicolon,  ///< ';'
  tab,        ///< a tab
};

/// What a missing value (an empty cell, NA, NaN, ...) does.
/// @code
/// auto d = pardo::stats::read_npy("x.npy", pardo::stats::NaPolicy::drop);
/// @endcode
enum class NaPolicy : std::uint8_t {
  error,  ///< throw, naming the file, line, column and the column's name
  drop,   ///< drop the whole row (listwise deletion), counted in Dataset::dropped_rows
};

/// How read_csv reads.
/// @code
/// pardo::stats::CsvOptions o{.header = pardo::stats::CsvHeader::required,
///                            .na = pardo::stats::NaPolicy::drop};
/// @endcode
struct CsvOptions {
  CsvHeader header = CsvHeader::detect;
  CsvDelimiter delimiter = CsvDelimiter::detect;
  NaPolicy na = NaPolicy::error;
};

/// Reads a numeric CSV table from `in`; `source` names the input in errors and is the data
/// set's name.
///
/// - RFC 4180 quoting: `"1,5"`, `"a ""b"""`, line breaks inside quotes; a UTF-8 BOM, CRLF,
///   blank lines and lines starting with `#` (comments) are skipped. Unquoted fields are
///   trimmed of spaces and tabs; a leading '+' is allowed; inf and 1e308 are numbers.
/// - The delimiter, when detected, is the one of ',', ';' and tab that the first line has
///   (one column if none); a first line with two of them is ambiguous and throws.
/// - Missing: an empty cell, `NA`, `N/A`, `n/a`, `#N/A`, `NULL`, `null`, `None`, `<NA>` and
///   every spelling of NaN (`NaN`, `nan`, `-nan`), quoted or not.
/// - A header whose first name is empty (R's `write.csv` row names, pandas' `to_csv` index)
///   skips that column.
///
/// Throws std::invalid_argument whose message starts "source:line:column: " (1-based; the
/// column is the field's position) for a field that is not a number, a row of the wrong
/// length, an unclosed quote, text after a closing quote, an empty column name or a missing
/// value under NaPolicy::error; "source: " for an ambiguous delimiter or an input without
/// rows.
/// @code
/// std::istringstream in("\"\",\"x\",\"y\"\r\n\"1\",1,NA\r\n\"2\",3,4\r\n");
/// auto d = pardo::stats::read_csv(in, "r", {.na = pardo::stats::NaPolicy::drop});
/// assert(d.columns[0] == "x" && d.data[1][0] == 4.0 && d.dropped_rows == 1);
/// @endcode
Dataset read_csv(std::istream& in, const std::string& source, const CsvOptions& options);

/// read_csv with the delimiter detected and missing values an error.
/// @code
/// std::istringstream in("x,y\n1,2\n3,4\n");
/// auto d = pardo::stats::read_csv(in, "example");
/// assert(d.columns[1] == "y" && d.data[1][1] == 4.0);
/// @endcode
Dataset read_csv(std::istream& in, const std::string& source, CsvHeader header = CsvHeader::detect);

/// Reads the file at `path` as above; the data set is named after the file's stem. Throws
/// std::invalid_argument for a file that cannot be opened, with the system's reason ("No
/// such file or directory", "Permission denied"), or a directory.
/// @code
/// auto d = pardo::stats::read_csv("data/site1.csv", {.delimiter =
/// pardo::stats::CsvDelimiter::tab}); auto r = pardo::stats::bootstrap(pool, d.data[0],
/// pardo::stats::mean, {});
/// @endcode
Dataset read_csv(const std::string& path, const CsvOptions& options);

/// read_csv of a file with the delimiter detected and missing values an error.
/// @code
/// auto d = pardo::stats::read_csv("data/site1.csv");
/// @endcode
Dataset read_csv(const std::string& path, CsvHeader header = CsvHeader::detect);

/// Reads a numpy `.npy` array (format 1.0, 2.0 or 3.0) from `in`: float64, float32, int32 or
/// int64 of either byte order, 1-D (one column) or 2-D (a column per index of the second
/// axis), C or Fortran order. Columns are named x1, x2, ...; NaN is a missing value, handled
/// by `na`; int64 beyond 2^53 is rounded. Throws std::invalid_argument naming `source` for a
/// file that is not `.npy`, an object, structured or other dtype, a 0-D or >2-D shape, no
/// rows, or truncated data, and "source: row R, column C ('xC')" for a missing value under
/// NaPolicy::error.
/// @code
/// std::ifstream in("sample.npy", std::ios::binary);
/// auto d = pardo::stats::read_npy(in, "sample");
/// @endcode
Dataset read_npy(std::istream& in, const std::string& source, NaPolicy na = NaPolicy::error);

/// Reads the `.npy` file at `path` as above; the data set is named after the file's stem.
/// Throws std::invalid_argument, with the system's reason, for a file that cannot be opened,
/// or a directory.
/// @code
/// auto d = pardo::stats::read_npy("examples/data/waiting_times.npy");
/// @endcode
Dataset read_npy(const std::string& path, NaPolicy na = NaPolicy::error);

/// Whether `prefix` (the first bytes of a file or stream) begins with the `.npy` magic
/// "\x93NUMPY".
/// @code
/// bool npy = pardo::stats::is_npy_magic("\x93NUMPY\x01\x00");
/// @endcode
bool is_npy_magic(std::string_view prefix) noexcept;

}  // namespace pardo::stats

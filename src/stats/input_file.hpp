#pragma once
// Whole-file and whole-stream reads for the table readers (read_csv, read_npy).

#include <istream>
#include <string>
#include <string_view>

namespace pardo::stats::detail {

/// The bytes of the file at `path`. Throws std::invalid_argument from `caller` with the
/// system's reason for a file that cannot be opened or read, or naming a directory.
std::string read_file(const std::string& path, std::string_view caller);

/// The rest of `in`, in large reads.
std::string read_stream(std::istream& in);

}  // namespace pardo::stats::detail

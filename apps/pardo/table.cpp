#include "table.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <pardo/core/trace.hpp>
#include <stdexcept>
#include <string>

#include "parse.hpp"

namespace pardo::cli {

namespace {

stats::CsvDelimiter parse_delimiter(const std::string& text) {
  if (text == "comma" || text == ",") return stats::CsvDelimiter::comma;
  if (text == "semicolon" || text == ";") return stats::CsvDelimiter::semicolon;
  if (text == "tab" || text == "\t" || text == "\\t") return stats::CsvDelimiter::tab;
  return stats::CsvDelimiter::detect;
}

// The magic, for a regular file whose name does not end in .npy: a pipe (/dev/stdin, <(...))
// would lose the bytes read; a file that cannot be opened is left to read_csv, which says why.
bool looks_like_npy(const std::string& path) {
  if (std::filesystem::path(path).extension() == ".npy") return true;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream file(path, std::ios::binary);
  std::string prefix(6, '\0');
  return file.read(prefix.data(), 6) && stats::is_npy_magic(prefix);
}

stats::Dataset read(const std::string& path, const TableOptions& options, stats::CsvHeader header) {
  const stats::NaPolicy na = options.na == "drop" ? stats::NaPolicy::drop : stats::NaPolicy::error;
  const stats::CsvOptions csv{
      .header = header, .delimiter = parse_delimiter(options.delimiter), .na = na};
  if (path == "-") {
    return std::cin.peek() == 0x93 ? stats::read_npy(std::cin, "stdin", na)
                                   : stats::read_csv(std::cin, "stdin", csv);
  }
  return looks_like_npy(path) ? stats::read_npy(path, na) : stats::read_csv(path, csv);
}

}  // namespace

void add_table_options(CLI::App& cmd, TableOptions& options) {
  options.command = cmd.get_name();
  // The first `shown` names are the ones a message lists.
  const auto one_of = [](std::vector<std::string> names, std::size_t shown) {
    return CLI::Validator(
        [names, shown](const std::string& text) {
          if (std::find(names.begin(), names.end(), text) != names.end()) return std::string();
          std::string list;
          for (std::size_t i = 0; i < shown; ++i) {
            list += (i == 0 ? "" : i + 1 == shown ? " or " : ", ") + names[i];
          }
          return "'" + text + "' is not " + list;
        },
        "");
  };
  cmd.add_option("--delimiter", options.delimiter,
                 "CSV field separator: auto (the one of , ; and tab that the first line has), "
                 "comma, semicolon or tab; ',' ';' and a literal tab too")
      ->type_name("DELIMITER")
      ->check(one_of({"auto", "comma", "semicolon", "tab", ",", ";", "\t", "\\t"}, 4))
      ->capture_default_str();
  cmd.add_option("--na", options.na,
                 "Missing values (empty, NA, NaN, ...): error names the cell; drop drops its "
                 "row and says how many")
      ->type_name("POLICY")
      ->check(one_of({"error", "drop"}, 2))
      ->capture_default_str();
}

stats::Dataset read_table(const std::string& path, const TableOptions& options,
                          stats::CsvHeader header) {
  try {
    const trace::Span span("read " + (path == "-" ? std::string("stdin") : path));
    stats::Dataset table = read(path, options, header);
    if (table.dropped_rows > 0) {
      std::fprintf(stderr,
                   "pardo %s: note: %s: dropped %zu row%s with missing values (--na drop)\n",
                   options.command.c_str(), path == "-" ? "stdin" : path.c_str(),
                   table.dropped_rows, table.dropped_rows == 1 ? "" : "s");
    }
    return table;
  } catch (const std::invalid_argument& e) {
    std::string message = e.what();
    if (message.find(": missing value") != std::string::npos) {
      message += " (--na drop drops rows with missing values)";
    } else if (message.find("ambiguous delimiter") != std::string::npos) {
      message += " with --delimiter comma, semicolon or tab";
    }
    throw UsageError(message);
  }
}

const std::vector<double>& find_column(const stats::Dataset& table, const std::string& name,
                                       const std::string& option) {
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c] == name) return table.data[c];
  }
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (ec == std::errc{} && end == name.data() + name.size() && index < table.data.size()) {
    return table.data[index];
  }
  std::string known;
  for (const auto& n : table.columns) {
    if (!known.empty()) known += ", ";
    known += n;
  }
  throw UsageError(option + ": no column '" + name + "' (the columns are " + known + ")");
}

}  // namespace pardo::cli

// Numeric CSV input, shared by read_dataset and the command-line tool.
#include "pardo/stats/csv.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <vector>

#include "core/validate.hpp"

namespace pardo::stats {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

std::optional<double> to_number(std::string_view field) {
  if (field.starts_with('+')) field.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || ec != std::errc{} || end != field.data() + field.size()) {
    return std::nullopt;
  }
  return value;
}

[[noreturn]] void bad_input(const std::string& where, const std::string& message) {
  pardo::detail::throw_invalid("read_csv", where + ": " + message);
}

}  // namespace

Dataset read_csv(std::istream& in, const std::string& source, CsvHeader header) {
  Dataset d;
  d.name = source;
  bool has_header = false;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (trim(line).empty()) continue;
    const auto fields = split(line);
    const std::string where = source + ":" + std::to_string(line_number);
    if (d.columns.empty()) {
      has_header = header == CsvHeader::required;
      for (const auto f : fields) has_header = has_header || !to_number(f);
      for (std::size_t c = 0; c < fields.size(); ++c) {
        if (!has_header) {
          d.columns.push_back(std::string("x").append(std::to_string(c + 1)));
        } else if (fields[c].empty()) {
          bad_input(where, "an empty column name in the header");
        } else {
          d.columns.emplace_back(fields[c]);
        }
      }
      d.data.resize(fields.size());
      if (has_header) continue;
    }
    if (fields.size() != d.columns.size()) {
      bad_input(where, std::to_string(fields.size()) + " fields where " +
                           (has_header ? "the header" : "the first row") + " has " +
                           std::to_string(d.columns.size()));
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const auto value = to_number(fields[c]);
      if (!value) {
        bad_input(where, "field " + std::to_string(c + 1) + " ('" + d.columns[c] + "') '" +
                             std::string(fields[c]) + "' is not a number");
      }
      d.data[c].push_back(*value);
    }
  }
  if (d.columns.empty()) bad_input(source, "empty: no header and no rows");
  if (d.rows() == 0) bad_input(source, "no rows after the header");
  return d;
}

Dataset read_csv(const std::string& path, CsvHeader header) {
  std::ifstream file(path);
  if (!file) bad_input(path, "cannot open the file");
  Dataset d = read_csv(file, path, header);
  d.name = std::filesystem::path(path).stem().string();
  return d;
}

}  // namespace pardo::stats

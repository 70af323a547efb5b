#include "table.hpp"

#include <charconv>
#include <fstream>
#include <iostream>
#include <optional>
#include <string_view>

#include "parse.hpp"

namespace pardo::cli {

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
  std::size_t start = 0;
  for (;;) {
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
  if (ec != std::errc{} || end != field.data() + field.size() || field.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

const std::vector<double>& Table::column(const std::string& name, const std::string& option) const {
  for (std::size_t c = 0; c < names.size(); ++c) {
    if (names[c] == name) return columns[c];
  }
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (ec == std::errc{} && end == name.data() + name.size() && index < columns.size()) {
    return columns[index];
  }
  std::string known;
  for (const auto& n : names) {
    if (!known.empty()) known += ", ";
    known += n;
  }
  throw UsageError(option + ": no column '" + name + "' (the columns are " + known + ")");
}

Table read_csv(const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) throw UsageError("cannot open '" + path + "'");
  }
  std::istream& in = path == "-" ? std::cin : file;
  const std::string where = path == "-" ? "stdin" : path;
  Table table;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (trim(line).empty()) continue;
    const auto fields = split(line);
    if (table.names.empty()) {
      bool numeric = true;
      for (const auto f : fields) numeric = numeric && to_number(f).has_value();
      table.columns.resize(fields.size());
      if (!numeric) {
        for (const auto f : fields) table.names.emplace_back(f);
        continue;
      }
      for (std::size_t c = 0; c < fields.size(); ++c) {
        table.names.push_back(std::string(1, 'x').append(std::to_string(c + 1)));
      }
    }
    if (fields.size() != table.columns.size()) {
      throw UsageError(where + " line " + std::to_string(line_number) + ": " +
                       std::to_string(fields.size()) + " fields, expected " +
                       std::to_string(table.columns.size()));
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      const auto value = to_number(fields[c]);
      if (!value) {
        throw UsageError(where + " line " + std::to_string(line_number) + " field " +
                         std::to_string(c + 1) + ": '" + std::string(fields[c]) +
                         "' is not a number");
      }
      table.columns[c].push_back(*value);
    }
  }
  if (table.rows() == 0) throw UsageError(where + ": no rows of data");
  return table;
}

}  // namespace pardo::cli

#include "table.hpp"

#include <charconv>
#include <iostream>
#include <stdexcept>

#include "parse.hpp"

namespace pardo::cli {

stats::Dataset read_table(const std::string& path) {
  try {
    return path == "-" ? stats::read_csv(std::cin, "stdin") : stats::read_csv(path);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
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

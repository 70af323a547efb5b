// Data sets for fit_many: CSV files in a directory, or simulated from random streams.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "pardo/detail/validate.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/stats/fit.hpp"

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

[[noreturn]] void bad_file(const std::string& where, const std::string& message) {
  pardo::detail::throw_invalid("read_dataset", where + ": " + message);
}

}  // namespace

Dataset read_dataset(const std::string& path) {
  std::ifstream file(path);
  if (!file) bad_file(path, "cannot open the file");
  Dataset d;
  d.name = std::filesystem::path(path).stem().string();
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(file, line)) {
    ++line_number;
    if (trim(line).empty()) continue;
    const auto fields = split(line);
    const std::string where = path + ":" + std::to_string(line_number);
    if (d.columns.empty()) {
      for (const auto f : fields) {
        if (f.empty()) bad_file(where, "an empty column name in the header");
        d.columns.emplace_back(f);
      }
      d.data.resize(fields.size());
      continue;
    }
    if (fields.size() != d.columns.size()) {
      bad_file(where, std::to_string(fields.size()) + " fields where the header has " +
                          std::to_string(d.columns.size()));
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      std::string_view f = fields[c];
      if (f.starts_with('+')) f.remove_prefix(1);
      double value = 0;
      const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
      if (f.empty() || ec != std::errc{} || end != f.data() + f.size()) {
        bad_file(where, "field " + std::to_string(c + 1) + " ('" + d.columns[c] + "') '" +
                            std::string(fields[c]) + "' is not a number");
      }
      d.data[c].push_back(value);
    }
  }
  if (d.columns.empty()) bad_file(path, "the file is empty (a header line is needed)");
  if (d.rows() == 0) bad_file(path, "no rows after the header");
  return d;
}

std::vector<Dataset> read_datasets(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    pardo::detail::throw_invalid("read_datasets", "'" + directory + "' is not a directory");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv") {
      files.push_back(entry.path());
    }
  }
  if (files.empty()) {
    pardo::detail::throw_invalid("read_datasets", "no .csv files in '" + directory + "'");
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  std::vector<Dataset> datasets;
  datasets.reserve(files.size());
  for (const auto& f : files) datasets.push_back(read_dataset(f.string()));
  return datasets;
}

std::vector<Dataset> generate_datasets(const GenerateOptions& options) {
  constexpr const char* caller = "generate_datasets";
  pardo::detail::require_positive(options.count, caller, "count");
  pardo::detail::require_at_least(options.coefficients.size(), 1, caller, "coefficients");
  pardo::detail::require_finite(options.coefficients, caller, "coefficients");
  if (options.rows <= options.coefficients.size()) {
    pardo::detail::throw_invalid(caller,
                                 "rows = " + std::to_string(options.rows) + " must exceed the " +
                                     std::to_string(options.coefficients.size()) + " coefficients");
  }
  if (!(std::isfinite(options.noise_sd) && options.noise_sd >= 0)) {
    pardo::detail::throw_invalid(
        caller,
        "noise_sd " + pardo::detail::format_number(options.noise_sd) + " must be finite and >= 0");
  }
  const std::size_t k = options.coefficients.size() - 1;
  std::vector<Dataset> datasets(options.count);
  for (std::size_t i = 0; i < options.count; ++i) {
    Dataset& d = datasets[i];
    d.name = std::string("dataset").append(std::to_string(i));
    d.columns.emplace_back("y");
    for (std::size_t j = 1; j <= k; ++j)
      d.columns.push_back(std::string("x").append(std::to_string(j)));
    d.data.assign(k + 1, std::vector<double>(options.rows));
    random::Stream stream(options.seed, i);
    for (std::size_t r = 0; r < options.rows; ++r) {
      double eta = options.coefficients[0];
      for (std::size_t j = 1; j <= k; ++j) {
        d.data[j][r] = random::normal(stream);
        eta += options.coefficients[j] * d.data[j][r];
      }
      d.data[0][r] = options.model == FitModel::logistic
                         ? (stream.next_double() * (1 + std::exp(-eta)) < 1 ? 1.0 : 0.0)
                         : random::normal(stream, eta, options.noise_sd);
    }
  }
  return datasets;
}

}  // namespace pardo::stats

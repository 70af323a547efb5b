// Data sets for fit_many: CSV files in a directory, or simulated from random streams.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include "core/validate.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/stats/csv.hpp"
#include "pardo/stats/fit.hpp"

namespace pardo::stats {

Dataset read_dataset(const std::string& path) { return read_csv(path, CsvHeader::required); }

std::vector<std::string> dataset_files(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    pardo::detail::throw_invalid("read_datasets", "'" + directory + "' is not a directory");
  }
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv") {
      files.push_back(entry.path().string());
    }
  }
  if (files.empty()) {
    pardo::detail::throw_invalid("read_datasets", "no .csv files in '" + directory + "'");
  }
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    return fs::path(a).filename() < fs::path(b).filename();
  });
  return files;
}

std::vector<Dataset> read_datasets(const std::string& directory) {
  const std::vector<std::string> files = dataset_files(directory);
  std::vector<Dataset> datasets;
  datasets.reserve(files.size());
  for (const auto& f : files) datasets.push_back(read_dataset(f));
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
        caller, "noise_sd " + pardo::format_number(options.noise_sd) + " must be finite and >= 0");
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

#pragma once
// Running one Monte Carlo pi job on a chosen backend, shared by `pi` and `bench pi`.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <pardo/mc/pi.hpp>
#include <string>

namespace pardo::cli {

struct PiRequest {
  mc::PiOptions options;
  std::size_t workers = 1;
  std::string backend = "threads";
  bool quiet = true;
};

struct PiRun {
  mc::PiOptions options;
  std::size_t workers = 1;
  std::string backend;
  mc::PiResult result;
  bool report = true;  ///< false on MPI ranks other than 0: they print nothing
};

/// Runs the request with a progress bar (unless quiet) and Ctrl-C handling.
PiRun run_pi_request(const PiRequest& request);

nlohmann::json to_json(const PiRun& run);

}  // namespace pardo::cli

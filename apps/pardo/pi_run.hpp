#pragma once
// Running one Monte Carlo pi job on a chosen backend, shared by `pi` and `bench pi`.

#include <nlohmann/json.hpp>
#include <pardo/mc/pi.hpp>

#include "backend.hpp"

namespace pardo::cli {

struct PiRequest {
  mc::PiOptions options;
  BackendArgs backend;
  bool quiet = true;
};

struct PiRun {
  mc::PiResult result;
  MonitoredRun monitored;  ///< prints false on MPI ranks other than 0 and after an error
};

/// Runs the request with a progress bar in samples (unless quiet) and Ctrl-C handling.
PiRun run_pi_request(const PiRequest& request);

/// The same on a CUDA device (--backend cuda): cuda::estimate_pi, with the progress bar and
/// Ctrl-C. cuda::Unavailable (no device, an old driver) escapes to main: exit 3.
PiRun run_pi_on_gpu(const PiRequest& request);

nlohmann::json to_json(const mc::PiOptions& options, const mc::PiResult& result);

}  // namespace pardo::cli

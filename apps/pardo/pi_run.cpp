#include "pi_run.hpp"

#include <atomic>
#include <pardo/pardo.hpp>

#include "progress.hpp"

namespace pardo::cli {

PiRun run_pi_request(const PiRequest& request) {
  std::atomic<std::uint64_t> done{0};
  PiRun run{request.options, request.workers, request.backend, {}};
  RunMonitor monitor(request.options.samples, done, request.quiet);
  const mc::PiControl control{monitor.stop_token(), &done};
  if (request.backend == "serial") {
    SerialExecutor serial;
    run.result = mc::estimate_pi(serial, request.options, control);
  } else if (request.backend == "processes") {
    ProcessPool pool(request.workers);
    run.result = mc::estimate_pi(pool, request.options, control);
  } else {
    ThreadPool pool(request.workers);
    run.result = mc::estimate_pi(pool, request.options, control);
  }
  return run;
}

nlohmann::json to_json(const PiRun& run) {
  const mc::PiResult& r = run.result;
  return {{"method", std::string(mc::to_string(run.options.method))},
          {"backend", run.backend},
          {"workers", run.workers},
          {"seed", run.options.seed},
          {"block_samples", run.options.block_samples},
          {"samples", r.samples},
          {"hits", r.hits},
          {"estimate", r.estimate},
          {"std_error", r.std_error},
          {"ci95", {r.ci_low, r.ci_high}},
          {"abs_error", r.abs_error},
          {"seconds", r.seconds},
          {"samples_per_second", r.samples_per_second},
          {"blocks_done", r.blocks_done},
          {"blocks_total", r.blocks_total},
          {"complete", r.complete}};
}

}  // namespace pardo::cli

#include "pi_run.hpp"

#include <pardo/cuda/pi.hpp>
#include <string>

#include "report.hpp"

namespace pardo::cli {

PiRun run_pi_request(const PiRequest& request) {
  PiRun run;
  run.monitored = run_monitored(request.backend, "pi", request.quiet,
                                [&](auto& executor, const RunControl& control) {
                                  run.result = mc::estimate_pi(executor, request.options, control);
                                });
  return run;
}

PiRun run_pi_on_gpu(const PiRequest& request) {
  PiRun run;
  Progress progress;
  RunMonitor monitor(progress, request.quiet);
  run.result = cuda::estimate_pi(request.options,
                                 RunControl{.stop = monitor.stop_token(), .progress = &progress});
  run.monitored.workers = run.result.run.workers;
  return run;
}

nlohmann::json to_json(const mc::PiOptions& options, const mc::PiResult& r) {
  nlohmann::json j{{"method", std::string(mc::to_string(options.method))},
                   {"block_samples", mc::pi_block_samples(options)},
                   {"samples", r.samples},
                   {"hits", r.hits},
                   {"estimate", r.estimate},
                   {"std_error", r.std_error},
                   {"interval", interval_json(r.interval.low, r.interval.high, 0.95)},
                   {"abs_error", r.abs_error},
                   {"samples_per_second", r.samples_per_second}};
  add_run(j, "pi", r.run, options.seed);
  return j;
}

}  // namespace pardo::cli

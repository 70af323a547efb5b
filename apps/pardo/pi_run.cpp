#include "pi_run.hpp"

#include <atomic>
#include <pardo/pardo.hpp>

#include "mpi_session.hpp"
#include "progress.hpp"

namespace pardo::cli {

namespace {

#ifdef PARDO_CLI_WITH_MPI
/// Every rank builds the pool; rank 0 runs the estimate while the others serve it.
PiRun run_pi_mpi(const PiRequest& request) {
  MpiSession session;
  PiRun run{request.options, static_cast<std::size_t>(session.world().size()), request.backend, {}};
  run.report = session.prints();
  mpi::Pool pool(session.world());
  if (pool.is_master()) {
    std::atomic<std::uint64_t> done{0};
    RunMonitor monitor(request.options.samples, done, request.quiet);
    const mc::PiControl control{monitor.stop_token(), &done};
    run.result = mc::estimate_pi(pool, request.options, control);
  }
  return run;
}
#endif

}  // namespace

PiRun run_pi_request(const PiRequest& request) {
#ifdef PARDO_CLI_WITH_MPI
  if (request.backend == "mpi") return run_pi_mpi(request);
#endif
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

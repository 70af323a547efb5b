// The workloads for pardo's Python functions (python/pardo/_workloads.py checks their
// arguments and builds the result objects): each runs on the executor named by `backend`,
// without the GIL, stopped by Ctrl-C.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "interrupt.hpp"
#include "module.hpp"
#include "pardo/mc/pi.hpp"
#include "pardo/serial/serial_executor.hpp"
#include "pardo/threads/thread_pool.hpp"

namespace py = pybind11;

namespace pardo::python {
namespace {

/// `run(executor)` on the executor `backend` names with `workers` workers (0: the default).
template <class Run>
auto on_backend(const std::string& backend, std::size_t workers, Run run) {
  if (backend == "serial") {
    if (workers > 1) {
      throw py::value_error("backend 'serial' runs 1 worker; workers = " + std::to_string(workers));
    }
    SerialExecutor serial;
    return run(serial);
  }
  if (backend == "threads") {
    ThreadPool pool(workers);
    return run(pool);
  }
  throw py::value_error("backend = '" + backend + "'; it must be 'threads' or 'serial'");
}

py::dict run_info(const RunInfo& run, std::uint64_t seed) {
  py::dict d;
  d["backend"] = run.backend;
  d["workers"] = run.workers;
  d["seed"] = seed;
  d["blocks_done"] = run.blocks_done;
  d["blocks_total"] = run.blocks_total;
  d["seconds"] = run.seconds;
  d["complete"] = run.complete;
  return d;
}

py::dict pi(std::uint64_t samples, std::uint64_t seed, std::size_t workers,
            const std::string& backend) {
  const mc::PiOptions options{.samples = samples, .seed = seed};
  mc::validate(options);
  const mc::PiResult r = on_backend(backend, workers, [&](auto& executor) {
    return run_interruptibly([&](std::stop_token stop) {
      return mc::estimate_pi(executor, options, RunControl{.stop = std::move(stop)});
    });
  });
  py::dict d;
  d["estimate"] = r.estimate;
  d["std_error"] = r.std_error;
  d["low"] = r.interval.low;
  d["high"] = r.interval.high;
  d["level"] = r.interval.level;
  d["samples"] = r.samples;
  d["hits"] = r.hits;
  d["block_samples"] = mc::pi_block_samples(options);
  d["run"] = run_info(r.run, seed);
  return d;
}

}  // namespace

void bind_workloads(py::module_& m) {
  m.def("_pi", &pi, py::arg("samples"), py::arg("seed"), py::arg("workers"), py::arg("backend"));
}

}  // namespace pardo::python

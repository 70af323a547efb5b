// pardo.optimize: pardo's solvers from Python, on a built-in test model (the bits of `pardo
// optimize`), a compiled C objective (without the GIL) or a Python one (under the GIL).
// python/pardo/optimize.py checks the arguments and builds the result object.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "callbacks.hpp"
#include "interrupt.hpp"
#include "module.hpp"
#include "pardo/opt/by_name.hpp"
#include "pardo/opt/models.hpp"
#include "pardo/serial/serial_executor.hpp"
#include "pardo/threads/thread_pool.hpp"

namespace py = pybind11;

namespace pardo::python {
namespace {

struct Search {
  std::string method;
  opt::Problem problem{};
  std::size_t population = 0;
  std::uint64_t max_evaluations = 0;
  std::optional<std::uint64_t> max_generations;
  double time_limit = 0;
  std::optional<double> target;
};

/// The built-in model `name`, or ValueError listing them.
const opt::models::Model& model_named(const std::string& name) {
  std::string names;
  for (const auto& m : opt::models::all()) {
    if (m.name == name) return m;
    names += (names.empty() ? "" : ", ") + std::string(m.name);
  }
  throw py::value_error("fun = '" + name + "'; the built-in models are " + names);
}

/// `pardo optimize`'s stop: the solver's default, the evaluation budget, then the optional
/// generation and time limits, the value to reach first.
opt::Termination stopping_rule(const Search& s, const opt::Solver& solver) {
  opt::Termination stop =
      opt::default_termination(s.method, s.problem.dim(), opt::population_of(solver)) ||
      opt::evaluation_limit(s.max_evaluations);
  if (s.max_generations) stop = stop || opt::generation_limit(*s.max_generations);
  if (s.time_limit > 0) stop = stop || opt::time_limit(s.time_limit);
  if (s.target) stop = opt::value_to_reach(*s.target) || stop;
  return stop;
}

/// Ends a solve between generations once Ctrl-C asked (run_interruptibly's token).
class StopMonitor : public opt::Monitor {
 public:
  explicit StopMonitor(std::stop_token stop) : stop_(std::move(stop)) {}
  void generation(const opt::Status&) override {
    if (stop_.stop_requested()) throw std::runtime_error("interrupted");
  }

 private:
  std::stop_token stop_;
};

template <class F>
opt::Result solve(const Search& s, const F& f, std::size_t workers, const std::string& backend) {
  const std::unique_ptr<opt::Solver> solver = opt::make_solver(s.method, s.problem, s.population);
  const opt::Termination stop = stopping_rule(s, *solver);
  const auto run = [&](auto& executor) {
    return run_interruptibly([&](const std::stop_token& token) {
      StopMonitor monitor(token);
      solver->add_monitor(monitor);
      return solver->solve(executor, f, stop);
    });
  };
  if (backend == "serial") {
    if (workers > 1) {
      throw py::value_error("backend 'serial' runs 1 worker; workers = " + std::to_string(workers));
    }
    SerialExecutor serial;
    return run(serial);
  }
  if (backend != "threads") {
    throw py::value_error("backend = '" + backend + "'; optimize runs on 'threads' or 'serial'");
  }
  ThreadPool pool(workers);
  return run(pool);
}

py::dict minimize(const py::object& fun, std::vector<double> lower, std::vector<double> upper,
                  std::size_t dim, std::vector<double> x0, const std::string& method,
                  std::size_t population, std::uint64_t max_evaluations,
                  std::optional<std::uint64_t> max_generations, double time_limit,
                  std::optional<double> target, bool maximize, std::uint64_t seed,
                  std::size_t workers, const std::string& backend) {
  CallbackError errors;
  Search s{.method = method,
           .problem = {},
           .population = population,
           .max_evaluations = max_evaluations,
           .max_generations = max_generations,
           .time_limit = time_limit,
           .target = target};
  s.problem.sense = maximize ? opt::Sense::maximize : opt::Sense::minimize;
  s.problem.seed = seed;
  s.problem.x0 = std::move(x0);
  const opt::models::Model* model = nullptr;
  if (py::isinstance<py::str>(fun)) {
    model = &model_named(fun.cast<std::string>());
    if (model->fixed_dim != 0 && dim != 0 && dim != model->fixed_dim) {
      throw py::value_error("dim = " + std::to_string(dim) + ": " + std::string(model->name) +
                            " is defined in " + std::to_string(model->fixed_dim) +
                            " dimensions only");
    }
    if (model->fixed_dim != 0) dim = model->fixed_dim;
    if (lower.empty() && dim < model->min_dim) {
      throw py::value_error("dim = " + std::to_string(dim) + ": " + std::string(model->name) +
                            " needs at least " + std::to_string(model->min_dim));
    }
    if (lower.empty()) {
      lower.assign(dim, model->low);
      upper.assign(dim, model->high);
    }
  }
  s.problem.bounds = opt::Bounds{std::move(lower), std::move(upper)};
  const opt::Result r = errors.run([&] {
    try {
      if (model != nullptr) return solve(s, opt::Objective(model->function), workers, backend);
      if (py::isinstance<py::capsule>(fun)) {
        return solve(s, CFunction(fun.cast<py::capsule>()), workers, backend);
      }
      return solve(s, PythonScalarFunction(fun.cast<py::function>(), "the objective", errors),
                   workers, backend);
    } catch (const std::invalid_argument& e) {
      throw py::value_error(e.what());
    }
  });
  py::dict d;
  d["x"] = py::array_t<double>(static_cast<py::ssize_t>(r.x.size()), r.x.data());
  d["fun"] = r.value;
  d["nfev"] = r.evaluations;
  d["nit"] = r.generations;
  d["message"] = r.termination;
  d["history"] = py::array_t<double>(static_cast<py::ssize_t>(r.history.size()), r.history.data());
  d["failures"] = r.failures;
  d["seconds"] = r.seconds;
  return d;
}

}  // namespace

void bind_optimize(py::module_& m) {
  m.def("_minimize", &minimize, py::arg("fun"), py::arg("lower"), py::arg("upper"), py::arg("dim"),
        py::arg("x0"), py::arg("method"), py::arg("population"), py::arg("max_evaluations"),
        py::arg("max_generations"), py::arg("time_limit"), py::arg("target"), py::arg("maximize"),
        py::arg("seed"), py::arg("workers"), py::arg("backend"));
}

}  // namespace pardo::python

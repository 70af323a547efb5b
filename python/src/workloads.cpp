// The workloads for pardo's Python functions (python/pardo/_workloads.py checks their
// arguments and builds the result objects): each runs on the executor named by `backend`,
// without the GIL, stopped by Ctrl-C.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "callbacks.hpp"
#include "interrupt.hpp"
#include "module.hpp"
#include "pardo/mc/integrate.hpp"
#include "pardo/mc/pi.hpp"
#include "pardo/mcmc/metropolis.hpp"
#include "pardo/mcmc/targets.hpp"
#include "pardo/process/process_pool.hpp"
#include "pardo/serial/serial_executor.hpp"
#include "pardo/stats/bootstrap.hpp"
#include "pardo/stats/fit.hpp"
#include "pardo/stats/permutation.hpp"
#include "pardo/stats/power.hpp"
#include "pardo/threads/thread_pool.hpp"

namespace py = pybind11;

namespace pardo::python {
namespace {

/// Whether a workload's function can run in worker processes: only pardo's registered
/// built-ins can; a compiled or Python user function lives in this process.
template <class F>
inline constexpr bool travels =
    !std::is_same_v<F, CFunction> && !std::is_same_v<F, CFunction2> &&
    !std::is_same_v<F, PythonBatchIntegrand> && !std::is_same_v<F, PythonScalarFunction> &&
    !std::is_same_v<F, PythonPairFunction>;

/// The worker processes of backend 'processes': Python interpreters running pardo's worker
/// loop (pardo._pool's command), with the command line's retries and stall limit.
std::unique_ptr<ProcessPool> python_process_pool(std::size_t workers) {
  auto command =
      py::module_::import("pardo._pool").attr("_worker_command")().cast<std::vector<std::string>>();
  ProcessOptions options{.stall_timeout = std::chrono::seconds(10),
                         .max_retries = 2,
                         .worker_command = std::move(command)};
  py::gil_scoped_release released;
  return std::make_unique<ProcessPool>(workers == 0 ? default_workers() : workers,
                                       std::move(options));
}

/// `run(executor)` on the executor `backend` names with `workers` workers (0: the default):
/// 'serial', 'threads', or, where `Processes`, 'processes'.
template <bool Processes = true, class Run>
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
  if (backend == "processes") {
    if constexpr (Processes) {
      std::unique_ptr<ProcessPool> pool = python_process_pool(workers);
      auto result = run(*pool);
      py::gil_scoped_release released;  // the workers' exit is waited for without the GIL
      pool.reset();
      return result;
    } else {
      throw py::value_error(
          "backend 'processes' runs pardo's built-in functions only: a compiled or Python "
          "function lives in this process; use backend 'threads' or 'serial'");
    }
  }
  throw py::value_error("backend = '" + backend +
                        "'; it must be 'threads', 'serial' or 'processes'");
}

/// An interval's ends and level as the dict's "low", "high" and "level".
void put_interval(py::dict& d, const Interval& interval) {
  d["low"] = interval.low;
  d["high"] = interval.high;
  d["level"] = interval.level;
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
  put_interval(d, r.interval);
  d["samples"] = r.samples;
  d["hits"] = r.hits;
  d["block_samples"] = mc::pi_block_samples(options);
  d["run"] = run_info(r.run, seed);
  return d;
}

using Samples = py::array_t<double, py::array::c_style | py::array::forcecast>;

stats::BootstrapMethod bootstrap_method(const std::string& name) {
  const auto method = stats::parse_bootstrap_method(name);
  if (!method) {
    throw py::value_error("method = '" + name + "'; it must be 'percentile', 'basic' or 'BCa'");
  }
  return *method;
}

/// One sample (`columns` empty) or the paired columns of pearson, resampled by row. The
/// statistic is a built-in one's name, a compiled C function's capsule or a Python callable.
py::dict bootstrap(const Samples& sample, const std::vector<Samples>& columns,
                   const py::object& function, const stats::BootstrapOptions& options,
                   std::size_t workers, const std::string& backend) {
  CallbackError errors;
  const std::string statistic =
      py::isinstance<py::str>(function) ? function.cast<std::string>() : std::string();
  const bool is_compiled = py::isinstance<py::capsule>(function);
  const std::optional<CFunction> compiled =
      is_compiled ? std::optional<CFunction>(function.cast<py::capsule>()) : std::nullopt;
  const std::optional<PythonScalarFunction> python =
      !is_compiled && statistic.empty()
          ? std::optional<PythonScalarFunction>(std::in_place, function.cast<py::function>(),
                                                "the statistic", errors)
          : std::nullopt;
  const auto run = [&](auto& executor, const std::stop_token& stop) {
    const RunControl control{.stop = stop};
    const std::span<const double> x(sample.data(), static_cast<std::size_t>(sample.size()));
    if constexpr (!std::is_same_v<std::decay_t<decltype(executor)>, ProcessPool>) {
      if (compiled) return stats::bootstrap(executor, x, *compiled, options, control);
      if (python) return stats::bootstrap(executor, x, *python, options, control);
    }
    if (statistic == "pearson") {
      std::vector<double> stacked;
      for (const Samples& c : columns) stacked.insert(stacked.end(), c.data(), c.data() + c.size());
      const stats::Columns table(stacked, columns.size());
      return stats::bootstrap(executor, table, stats::pearson, options, control);
    }
    if (statistic == "mean") return stats::bootstrap(executor, x, stats::mean, options, control);
    if (statistic == "median") {
      return stats::bootstrap(executor, x, stats::median, options, control);
    }
    if (statistic == "std") return stats::bootstrap(executor, x, stats::std_dev, options, control);
    return stats::bootstrap(executor, x, stats::variance, options, control);
  };
  const stats::BootstrapResult r = errors.run([&] {
    if (compiled || python) {
      return on_backend<false>(backend, workers, [&](auto& executor) {
        return run_interruptibly([&](const std::stop_token& stop) { return run(executor, stop); });
      });
    }
    return on_backend(backend, workers, [&](auto& executor) {
      return run_interruptibly([&](const std::stop_token& stop) { return run(executor, stop); });
    });
  });
  py::dict d;
  d["estimate"] = r.estimate;
  d["standard_error"] = r.std_error;
  put_interval(d, r.interval);
  d["bias"] = r.bias;
  d["bias_correction"] = r.bias_correction;
  d["acceleration"] = r.acceleration;
  d["note"] = r.note;
  d["n_resamples"] = r.resamples;
  d["bootstrap_distribution"] =
      py::array_t<double>(static_cast<py::ssize_t>(r.distribution.size()), r.distribution.data());
  d["run"] = run_info(r.run, options.seed);
  return d;
}

/// `statistic`: a built-in's name, a compiled two-sample function's capsule or a Python
/// callable `f(x, y)`.
py::dict permutation_test(const Samples& x, const Samples& y, const py::object& function,
                          const stats::PermutationOptions& options, std::size_t workers,
                          const std::string& backend) {
  CallbackError errors;
  const std::span<const double> xs(x.data(), static_cast<std::size_t>(x.size()));
  const std::span<const double> ys(y.data(), static_cast<std::size_t>(y.size()));
  const auto run_with = [&](const auto& statistic) {
    return on_backend<travels<std::decay_t<decltype(statistic)>>>(
        backend, workers, [&](auto& executor) {
          return run_interruptibly([&](const std::stop_token& stop) {
            return stats::permutation_test(executor, xs, ys, statistic, options,
                                           RunControl{.stop = stop});
          });
        });
  };
  const stats::PermutationResult r = errors.run([&] {
    if (py::isinstance<py::capsule>(function)) {
      return run_with(CFunction2(function.cast<py::capsule>()));
    }
    if (!py::isinstance<py::str>(function)) {
      return run_with(PythonPairFunction(function.cast<py::function>(), "the statistic", errors));
    }
    const auto statistic = function.cast<std::string>();
    if (statistic == "t") return run_with(stats::t_statistic);
    if (statistic == "pearson") return run_with(stats::pearson_r);
    return run_with(stats::mean_difference);
  });
  py::dict d;
  d["statistic"] = r.statistic;
  d["pvalue"] = r.p_value;
  d["std_error"] = r.std_error;
  d["n_resamples"] = r.permutations;
  d["exact"] = r.exact;
  d["null_distribution"] = py::array_t<double>(static_cast<py::ssize_t>(r.null_distribution.size()),
                                               r.null_distribution.data());
  d["run"] = run_info(r.run, options.seed);
  return d;
}

double (*builtin_integrand(const std::string& name))(std::span<const double>) {
  if (name == "ball") return mc::integrands::unit_ball;
  if (name == "cross-polytope") return mc::integrands::cross_polytope;
  if (name == "gaussian") return mc::integrands::gaussian;
  if (name == "cosine") return mc::integrands::cosine;
  throw py::value_error("function = '" + name +
                        "'; it must be 'ball', 'cross-polytope', 'gaussian' or 'cosine'");
}

/// Integrates `function`: a built-in integrand's name, a compiled C function's capsule (run
/// on all workers without the GIL) or a Python callable of points (d, m) (under the GIL).
py::dict integrate(const py::object& function, const mc::Box& box,
                   const mc::IntegrateOptions& options, std::size_t workers,
                   const std::string& backend) {
  CallbackError errors;
  const auto run_with = [&](const auto& f) {
    return on_backend<travels<std::decay_t<decltype(f)>>>(backend, workers, [&](auto& executor) {
      return run_interruptibly([&](const std::stop_token& stop) {
        return mc::integrate(executor, f, box, options, RunControl{.stop = stop});
      });
    });
  };
  const mc::IntegrateResult r = errors.run([&] {
    if (py::isinstance<py::str>(function)) {
      return run_with(mc::ScalarIntegrand(builtin_integrand(function.cast<std::string>())));
    }
    if (py::isinstance<py::capsule>(function)) {
      return run_with(CFunction(function.cast<py::capsule>()));
    }
    return run_with(PythonBatchIntegrand(function.cast<py::function>(), box.dim(), errors));
  });
  py::dict d;
  d["estimate"] = r.estimate;
  d["std_error"] = r.std_error;
  put_interval(d, r.interval);
  d["samples"] = r.samples;
  d["strata"] = r.strata;
  d["tolerance_met"] = r.tolerance_met;
  d["warning"] = r.warning;
  d["run"] = run_info(r.run, options.seed);
  return d;
}

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& values) {
  return py::array_t<T>(static_cast<py::ssize_t>(values.size()), values.data());
}

mcmc::LogDensity builtin_density(const std::string& target, std::size_t dim) {
  if (target == "mvnormal") return mcmc::correlated_normal;
  if (target == "banana") {
    if (dim < 2)
      throw py::value_error("dim = " + std::to_string(dim) + ": the banana needs at least 2");
    return mcmc::banana;
  }
  throw py::value_error("target = '" + target + "'; it must be 'mvnormal' or 'banana'");
}

/// Chains on `target`: a built-in's name, a compiled C log-density's capsule (run on all
/// workers without the GIL) or a Python callable of one point (under the GIL).
py::dict mcmc(const py::object& target, const std::vector<double>& initial,
              const mcmc::MetropolisOptions& options, std::size_t workers,
              const std::string& backend) {
  CallbackError errors;
  const auto run_with = [&](const auto& density) {
    return on_backend<travels<std::decay_t<decltype(density)>>>(
        backend, workers, [&](auto& executor) {
          return run_interruptibly([&](const std::stop_token& stop) {
            return mcmc::run_chains(executor, density, initial, options, RunControl{.stop = stop});
          });
        });
  };
  const mcmc::ChainsResult r = errors.run([&] {
    if (py::isinstance<py::capsule>(target)) {
      return run_with(CFunction(target.cast<py::capsule>()));
    }
    if (!py::isinstance<py::str>(target)) {
      return run_with(PythonScalarFunction(target.cast<py::function>(), "the log-density", errors));
    }
    return run_with(builtin_density(target.cast<std::string>(), initial.size()));
  });
  py::dict d;
  // (chains, draws, dim), a view of a copy that the array owns.
  py::array_t<double> draws({static_cast<py::ssize_t>(r.chains),
                             static_cast<py::ssize_t>(r.draws_per_chain),
                             static_cast<py::ssize_t>(r.dim)});
  std::copy(r.draws.begin(), r.draws.end(), draws.mutable_data());
  d["draws"] = draws;
  d["mean"] = to_numpy(r.mean);
  d["sd"] = to_numpy(r.sd);
  d["mcse"] = to_numpy(r.mcse);
  d["rhat"] = to_numpy(r.rhat);
  d["ess"] = to_numpy(r.ess);
  d["acceptance_rate"] = to_numpy(r.acceptance_rate);
  d["step_size"] = to_numpy(r.step_size);
  d["steps"] = r.steps;
  d["sampling_seconds"] = r.sampling_seconds;
  d["run"] = run_info(r.run, options.seed);
  return d;
}

py::dict power_dict(const stats::PowerResult& r, std::uint64_t seed) {
  py::dict d;
  d["power"] = r.power;
  d["std_error"] = r.std_error;
  put_interval(d, r.interval);
  d["replications"] = r.replications;
  d["rejections"] = r.rejections;
  d["run"] = run_info(r.run, seed);
  return d;
}

py::dict power(const stats::PowerOptions& options, std::size_t workers,
               const std::string& backend) {
  const stats::PowerResult r = on_backend(backend, workers, [&](auto& executor) {
    return run_interruptibly([&](const std::stop_token& stop) {
      return stats::power(executor, options, RunControl{.stop = stop});
    });
  });
  return power_dict(r, options.seed);
}

/// The smallest n reaching `search.target_power`, as `pardo power --target-power`.
py::dict sample_size(const stats::PowerOptions& options, const stats::SampleSizeOptions& search,
                     std::size_t workers, const std::string& backend) {
  const stats::SampleSizeResult r = on_backend(backend, workers, [&](auto& executor) {
    return run_interruptibly([&](const std::stop_token& stop) {
      return stats::find_sample_size(executor, options, search, RunControl{.stop = stop});
    });
  });
  py::dict d;
  d["n1"] = r.n1;
  d["n2"] = r.n2;
  d["found"] = r.found;
  d["at_n"] = power_dict(r.at_n, options.seed);
  py::list evaluations;
  for (const auto& e : r.evaluations) {
    evaluations.append(py::make_tuple(e.n1, e.n2, e.power, e.rejections));
  }
  d["evaluations"] = evaluations;
  d["run"] = run_info(r.run, options.seed);
  return d;
}

/// The same model on every data set, as `pardo fit`: one dict per data set, in order.
py::dict fit_many(const std::vector<stats::Dataset>& datasets, const stats::FitOptions& options,
                  double level, std::size_t workers, const std::string& backend) {
  stats::validate(options);
  const stats::FitTable table = on_backend(backend, workers, [&](auto& executor) {
    return run_interruptibly([&](const std::stop_token& stop) {
      return stats::fit_many(executor, datasets, options, RunControl{.stop = stop});
    });
  });
  py::list rows;
  for (const stats::FitRow& row : table.rows) {
    py::dict r;
    r["name"] = row.name;
    r["terms"] = row.terms;
    r["n"] = row.n;
    r["r_squared"] = row.r_squared;
    r["sigma"] = row.sigma;
    r["log_likelihood"] = row.log_likelihood;
    r["iterations"] = row.iterations;
    r["converged"] = row.converged;
    r["error"] = row.error;
    const auto coefficients = row.error.empty() ? stats::coefficients(row, options.model, level)
                                                : std::vector<stats::Coefficient>{};
    const auto column = [&](auto field) {
      std::vector<double> values;
      for (const auto& c : coefficients) values.push_back(field(c));
      return to_numpy(values);
    };
    r["params"] = column([](const stats::Coefficient& c) { return c.estimate; });
    r["bse"] = column([](const stats::Coefficient& c) { return c.std_error; });
    r["tvalues"] = column([](const stats::Coefficient& c) { return c.statistic; });
    r["pvalues"] = column([](const stats::Coefficient& c) { return c.p_value; });
    r["low"] = column([](const stats::Coefficient& c) { return c.low; });
    r["high"] = column([](const stats::Coefficient& c) { return c.high; });
    rows.append(r);
  }
  py::dict d;
  d["rows"] = rows;
  d["failed"] = table.failed;
  d["run"] = run_info(table.run, 0);
  return d;
}

}  // namespace

void bind_workloads(py::module_& m) {
  m.def("_pi", &pi, py::arg("samples"), py::arg("seed"), py::arg("workers"), py::arg("backend"));
  m.def(
      "_bootstrap",
      [](const Samples& sample, const std::vector<Samples>& columns, const py::object& statistic,
         std::uint64_t resamples, double level, const std::string& method, std::uint64_t seed,
         std::uint64_t jackknife_groups, std::size_t workers, const std::string& backend) {
        const stats::BootstrapOptions options{.resamples = resamples,
                                              .level = level,
                                              .method = bootstrap_method(method),
                                              .seed = seed,
                                              .keep_distribution = true,
                                              .jackknife_groups = jackknife_groups};
        return bootstrap(sample, columns, statistic, options, workers, backend);
      },
      py::arg("sample"), py::arg("columns"), py::arg("statistic"), py::arg("resamples"),
      py::arg("level"), py::arg("method"), py::arg("seed"), py::arg("jackknife_groups"),
      py::arg("workers"), py::arg("backend"));
  m.def(
      "_permutation_test",
      [](const Samples& x, const Samples& y, const py::object& statistic, const std::string& design,
         const std::string& alternative, std::uint64_t permutations, std::uint64_t seed,
         std::size_t workers, const std::string& backend) {
        const auto parsed_design = stats::parse_design(design);
        const auto parsed_alternative = stats::parse_alternative(alternative);
        if (!parsed_design || !parsed_alternative) {
          throw py::value_error("unknown design '" + design + "' or alternative '" + alternative +
                                "'");
        }
        const stats::PermutationOptions options{.design = *parsed_design,
                                                .alternative = *parsed_alternative,
                                                .permutations = permutations,
                                                .seed = seed,
                                                .keep_distribution = true};
        return permutation_test(x, y, statistic, options, workers, backend);
      },
      py::arg("x"), py::arg("y"), py::arg("statistic"), py::arg("design"), py::arg("alternative"),
      py::arg("permutations"), py::arg("seed"), py::arg("workers"), py::arg("backend"));
  m.def(
      "_integrate",
      [](const py::object& function, const std::vector<double>& lower,
         const std::vector<double>& upper, std::uint64_t samples, const std::string& method,
         std::uint64_t strata, std::optional<double> abs_tol, std::optional<double> rel_tol,
         std::uint64_t seed, std::size_t workers, const std::string& backend) {
        const auto parsed = mc::parse_integration_method(method);
        if (!parsed) {
          throw py::value_error("method = '" + method + "'; it must be 'plain' or 'stratified'");
        }
        const mc::IntegrateOptions options{.samples = samples,
                                           .seed = seed,
                                           .method = *parsed,
                                           .strata = strata,
                                           .abs_tol = abs_tol,
                                           .rel_tol = rel_tol};
        return integrate(function, mc::Box{lower, upper}, options, workers, backend);
      },
      py::arg("function"), py::arg("lower"), py::arg("upper"), py::arg("samples"),
      py::arg("method"), py::arg("strata"), py::arg("abs_tol"), py::arg("rel_tol"), py::arg("seed"),
      py::arg("workers"), py::arg("backend"));
  m.def(
      "_mcmc",
      [](const py::object& target, const std::vector<double>& initial, std::uint64_t chains,
         std::uint64_t warmup, std::uint64_t draws, std::uint64_t thin, double step_size,
         std::uint64_t seed, std::size_t workers, const std::string& backend) {
        const mcmc::MetropolisOptions options{.chains = chains,
                                              .warmup = warmup,
                                              .draws = draws,
                                              .thin = thin,
                                              .seed = seed,
                                              .step_size = step_size};
        return mcmc(target, initial, options, workers, backend);
      },
      py::arg("target"), py::arg("initial"), py::arg("chains"), py::arg("warmup"), py::arg("draws"),
      py::arg("thin"), py::arg("step_size"), py::arg("seed"), py::arg("workers"),
      py::arg("backend"));
  m.def(
      "_fit_many",
      [](const std::vector<std::tuple<std::string, std::vector<std::string>,
                                      std::vector<std::vector<double>>>>& tables,
         const std::string& model, const std::string& response,
         const std::vector<std::string>& predictors, bool intercept, double tolerance,
         std::uint32_t max_iterations, double level, std::size_t workers,
         const std::string& backend) {
        const auto parsed = stats::parse_fit_model(model);
        if (!parsed)
          throw py::value_error("model = '" + model + "'; it must be 'ols' or 'logistic'");
        std::vector<stats::Dataset> datasets;
        datasets.reserve(tables.size());
        for (const auto& [name, columns, data] : tables) {
          datasets.push_back({.name = name, .columns = columns, .data = data});
        }
        const stats::FitOptions options{.model = *parsed,
                                        .response = response,
                                        .predictors = predictors,
                                        .intercept = intercept,
                                        .tolerance = tolerance,
                                        .max_iterations = max_iterations};
        return fit_many(datasets, options, level, workers, backend);
      },
      py::arg("tables"), py::arg("model"), py::arg("response"), py::arg("predictors"),
      py::arg("intercept"), py::arg("tolerance"), py::arg("max_iterations"), py::arg("level"),
      py::arg("workers"), py::arg("backend"));
  m.def(
      "_power",
      [](std::size_t n1, std::size_t n2, double effect, const std::string& test, double alpha,
         const std::string& alternative, std::uint64_t replications, std::uint64_t permutations,
         std::uint64_t seed, std::size_t workers, const std::string& backend,
         std::optional<double> target_power, double ratio, std::size_t min_n, std::size_t max_n) {
        const auto parsed_test = stats::parse_power_test(test);
        if (!parsed_test) {
          throw py::value_error("test = '" + test + "'; it must be 't', 'welch' or 'permutation'");
        }
        const auto parsed_alternative = stats::parse_alternative(alternative);
        if (!parsed_alternative) {
          throw py::value_error("alternative = '" + alternative +
                                "'; it must be 'two-sided', 'less' or 'greater'");
        }
        const stats::PowerOptions options{.effect = effect,
                                          .n1 = n1,
                                          .n2 = n2,
                                          .alpha = alpha,
                                          .alternative = *parsed_alternative,
                                          .replications = replications,
                                          .seed = seed,
                                          .test = *parsed_test,
                                          .permutations = permutations};
        if (!target_power) return power(options, workers, backend);
        const stats::SampleSizeOptions search{
            .target_power = *target_power, .ratio = ratio, .min_n = min_n, .max_n = max_n};
        return sample_size(options, search, workers, backend);
      },
      py::arg("n1"), py::arg("n2"), py::arg("effect"), py::arg("test"), py::arg("alpha"),
      py::arg("alternative"), py::arg("replications"), py::arg("permutations"), py::arg("seed"),
      py::arg("workers"), py::arg("backend"), py::arg("target_power") = py::none(),
      py::arg("ratio") = 1.0, py::arg("min_n") = 2, py::arg("max_n") = 1'000'000);
}

}  // namespace pardo::python

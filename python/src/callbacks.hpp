#pragma once
// User functions from Python for the in-process workloads: a compiled C function (a numba
// @cfunc or a scipy.LowLevelCallable), called from every worker without the GIL, or a plain
// Python callable, called under the GIL. _workloads.py turns either into what these take.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Python.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace pardo::python {

/// A C function of one vector, `double f(int n, double* x)`, or of two, `double f(int nx,
/// double* x, int ny, double* y)`; `long` may stand for `int`, `const double*` for
/// `double*`, and a trailing `void* user_data` may follow: numba's `@cfunc("float64(intc,
/// CPointer(float64))")` and scipy's LowLevelCallable conventions (scipy.integrate.nquad's).
/// Built from a LowLevelCallable's capsule: its name is the signature, its pointer the
/// function, its context the user data.
template <int Vectors>
class CompiledFunction {
  static_assert(Vectors == 1 || Vectors == 2);

 public:
  explicit CompiledFunction(const pybind11::capsule& capsule) {
    const char* name = PyCapsule_GetName(capsule.ptr());
    const std::string given = name == nullptr ? "" : name;
    const std::string signature = normalised(given);
    bool matched = false;
    for (const std::string count : {"int", "long"}) {
      for (const bool data : {false, true}) {
        if (signature == expected(count, data)) {
          matched = true;
          long_count_ = count == "long";
          with_data_ = data;
        }
      }
    }
    if (!matched) {
      throw pybind11::type_error("the compiled function's signature is '" + given +
                                 "'; pardo calls '" + expected("int", false) + "' ('long' for '" +
                                 "int' and a trailing 'void *' user data allowed)");
    }
    address_ = PyCapsule_GetPointer(capsule.ptr(), name);
    if (address_ == nullptr) throw pybind11::error_already_set();
    user_data_ = PyCapsule_GetContext(capsule.ptr());
  }

  double operator()(std::span<const double> x) const requires(Vectors == 1) {
    return long_count_ ? call<long>(x, {}) : call<int>(x, {});
  }

  double operator()(std::span<const double> x, std::span<const double> y) const
      requires(Vectors == 2) {
    return long_count_ ? call<long>(x, y) : call<int>(x, y);
  }

 private:
  /// "double(int,double*)", "double(long,double*,long,double*,void*)", ...
  static std::string expected(const std::string& count, bool data) {
    std::string out = "double(";
    for (int v = 0; v < Vectors; ++v) out += (v == 0 ? "" : ",") + count + ",double*";
    return out + (data ? ",void*)" : ")");
  }

  /// Without spaces and `const`, so that "double (int, const double *)" reads as
  /// "double(int,double*)".
  static std::string normalised(const std::string& signature) {
    std::string out;
    for (char c : signature) {
      if (c != ' ') out += c;
    }
    for (std::size_t at; (at = out.find("const")) != std::string::npos;) out.erase(at, 5);
    return out;
  }

  template <class N>
  double call(std::span<const double> x, std::span<const double> y) const {
    // The C conventions say double*; nothing writes through it.
    auto* a = const_cast<double*>(x.data());
    auto* b = const_cast<double*>(y.data());
    const auto nx = static_cast<N>(x.size());
    const auto ny = static_cast<N>(y.size());
    if constexpr (Vectors == 1) {
      if (with_data_)
        return reinterpret_cast<double (*)(N, double*, void*)>(address_)(nx, a, user_data_);
      return reinterpret_cast<double (*)(N, double*)>(address_)(nx, a);
    } else {
      if (with_data_) {
        return reinterpret_cast<double (*)(N, double*, N, double*, void*)>(address_)(nx, a, ny, b,
                                                                                     user_data_);
      }
      return reinterpret_cast<double (*)(N, double*, N, double*)>(address_)(nx, a, ny, b);
    }
  }

  bool long_count_ = false;
  bool with_data_ = false;
  void* address_ = nullptr;
  void* user_data_ = nullptr;
};

/// An integrand, statistic, log-density or objective: `double f(int n, double* x)`.
using CFunction = CompiledFunction<1>;
/// A two-sample statistic: `double f(int nx, double* x, int ny, double* y)`.
using CFunction2 = CompiledFunction<2>;

/// The first exception a Python callback raised during a run, kept to re-raise in the
/// caller once the run has stopped; the run itself is stopped by a C++ exception.
class CallbackError {
 public:
  /// Keeps the Python error being raised (the GIL held), and throws to stop the run.
  [[noreturn]] void keep_and_stop(pybind11::error_already_set& error) {
    {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = std::make_shared<pybind11::error_already_set>(std::move(error));
    }
    throw std::runtime_error("a Python callback raised an exception");
  }

  /// `run()`'s result; if it throws after a Python callback raised, that Python exception
  /// is raised instead (the GIL held).
  template <class Run>
  auto run(Run run) {
    try {
      return run();
    } catch (...) {
      rethrow_if_any();
      throw;
    }
  }

 private:
  void rethrow_if_any() {
    std::lock_guard lock(mutex_);
    if (error_) {
      auto error = std::move(error_);
      throw pybind11::error_already_set(*error);
    }
  }

  std::mutex mutex_;
  std::shared_ptr<pybind11::error_already_set> error_;
};

/// A Python integrand `f(x)` with x of shape (d, m), scipy.integrate.qmc_quad's convention:
/// m points as columns (pardo's batch, transposed); f returns m values.
class PythonBatchIntegrand {
 public:
  PythonBatchIntegrand(pybind11::function f, std::size_t dim, CallbackError& errors)
      : f_(std::move(f)), dim_(dim), errors_(&errors) {}

  void operator()(std::span<const double> points, std::span<double> values) const {
    pybind11::gil_scoped_acquire gil;
    try {
      const auto d = static_cast<pybind11::ssize_t>(dim_);
      const auto m = static_cast<pybind11::ssize_t>(values.size());
      // A copy (no base object): f may keep x after it returns.
      constexpr auto word = static_cast<pybind11::ssize_t>(sizeof(double));
      const pybind11::array_t<double> x(std::vector<pybind11::ssize_t>{d, m},
                                        std::vector<pybind11::ssize_t>{word, d * word},
                                        points.data());
      const auto y = pybind11::array_t<double, pybind11::array::forcecast>(f_(x));
      if (y.ndim() != 1 || y.shape(0) != m) {
        throw pybind11::value_error("the integrand returned shape " + shape_of(y) + " for " +
                                    std::to_string(m) + " points; it must return (" +
                                    std::to_string(m) + ",): f takes x of shape (d, m)");
      }
      const auto r = y.unchecked<1>();
      for (pybind11::ssize_t i = 0; i < m; ++i) values[static_cast<std::size_t>(i)] = r(i);
    } catch (pybind11::error_already_set& e) {
      errors_->keep_and_stop(e);
    } catch (const pybind11::builtin_exception& e) {
      e.set_error();
      pybind11::error_already_set raised;
      errors_->keep_and_stop(raised);
    }
  }

 private:
  static std::string shape_of(const pybind11::array& a) {
    std::string out = "(";
    for (pybind11::ssize_t i = 0; i < a.ndim(); ++i) {
      out += std::to_string(a.shape(i)) + (a.ndim() == 1 ? "," : i + 1 < a.ndim() ? ", " : "");
    }
    return out + ")";
  }

  pybind11::function f_;
  std::size_t dim_;
  CallbackError* errors_;
};

/// A Python function of one vector returning a number: a statistic of one resample, a
/// log-density or an objective at one point. `what` names it in errors ("the statistic").
class PythonScalarFunction {
 public:
  PythonScalarFunction(pybind11::function f, std::string what, CallbackError& errors)
      : f_(std::move(f)), what_(std::move(what)), errors_(&errors) {}

  double operator()(std::span<const double> x) const {
    pybind11::gil_scoped_acquire gil;
    return call([&] { return f_(copy(x)); });
  }

 protected:
  /// A copy: f may keep or change it.
  static pybind11::array_t<double> copy(std::span<const double> x) {
    return pybind11::array_t<double>(static_cast<pybind11::ssize_t>(x.size()), x.data());
  }

  /// `apply()`'s number, or its Python error kept and the run stopped (the GIL held).
  template <class Apply>
  double call(Apply apply) const {
    try {
      return apply().template cast<double>();
    } catch (pybind11::error_already_set& e) {
      errors_->keep_and_stop(e);
    } catch (const pybind11::cast_error&) {
      PyErr_SetString(PyExc_TypeError, (what_ + " must return a number").c_str());
      pybind11::error_already_set raised;
      errors_->keep_and_stop(raised);
    }
  }

  pybind11::function f_;

 private:
  std::string what_;
  CallbackError* errors_;
};

/// A Python two-sample statistic `f(x, y) -> float`.
class PythonPairFunction : private PythonScalarFunction {
 public:
  using PythonScalarFunction::PythonScalarFunction;

  double operator()(std::span<const double> x, std::span<const double> y) const {
    pybind11::gil_scoped_acquire gil;
    return call([&] { return f_(copy(x), copy(y)); });
  }
};

}  // namespace pardo::python

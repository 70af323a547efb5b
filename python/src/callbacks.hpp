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

/// A C function `double f(int n, const double* x)`, or `double f(long n, const double* x)`,
/// optionally with a trailing `void* user_data`: what numba's `@cfunc("float64(intc,
/// CPointer(float64))")` and scipy's LowLevelCallable conventions (scipy.integrate.nquad's)
/// give. Built from a LowLevelCallable's capsule: its name is the signature, its pointer the
/// function, its context the user data.
class CFunction {
 public:
  explicit CFunction(const pybind11::capsule& capsule) {
    const char* name = PyCapsule_GetName(capsule.ptr());
    const std::string signature = name == nullptr ? "" : normalised(name);
    if (signature == "double(int,double*)" || signature == "double(int,constdouble*)") {
      kind_ = Kind::int_n;
    } else if (signature == "double(long,double*)" || signature == "double(long,constdouble*)") {
      kind_ = Kind::long_n;
    } else if (signature == "double(int,double*,void*)" ||
               signature == "double(int,constdouble*,void*)") {
      kind_ = Kind::int_n_data;
    } else if (signature == "double(long,double*,void*)" ||
               signature == "double(long,constdouble*,void*)") {
      kind_ = Kind::long_n_data;
    } else {
      throw pybind11::type_error(
          "the compiled function's signature is '" + std::string(name == nullptr ? "" : name) +
          "'; pardo calls 'double (int, double *)', 'double (long, double *)', or either with a "
          "trailing 'void *' user data");
    }
    address_ = PyCapsule_GetPointer(capsule.ptr(), name);
    if (address_ == nullptr) throw pybind11::error_already_set();
    user_data_ = PyCapsule_GetContext(capsule.ptr());
  }

  double operator()(std::span<const double> x) const {
    auto* data = const_cast<double*>(x.data());  // the C conventions say double*; nothing writes
    const auto n = static_cast<long>(x.size());
    switch (kind_) {
      case Kind::int_n:
        return reinterpret_cast<double (*)(int, double*)>(address_)(static_cast<int>(n), data);
      case Kind::long_n:
        return reinterpret_cast<double (*)(long, double*)>(address_)(n, data);
      case Kind::int_n_data:
        return reinterpret_cast<double (*)(int, double*, void*)>(address_)(static_cast<int>(n),
                                                                           data, user_data_);
      case Kind::long_n_data:
        return reinterpret_cast<double (*)(long, double*, void*)>(address_)(n, data, user_data_);
    }
    return 0;
  }

 private:
  enum class Kind { int_n, long_n, int_n_data, long_n_data };

  static std::string normalised(const char* signature) {
    std::string out;
    for (const char* c = signature; *c != '\0'; ++c) {
      if (*c != ' ') out += *c;
    }
    return out;
  }

  Kind kind_ = Kind::int_n;
  void* address_ = nullptr;
  void* user_data_ = nullptr;
};

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

  /// Re-raises the kept Python exception, if there is one (the GIL held).
  void rethrow_if_any() {
    std::lock_guard lock(mutex_);
    if (error_) {
      auto error = std::move(error_);
      throw pybind11::error_already_set(*error);
    }
  }

 private:
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

/// A Python function of one vector, `f(x) -> float`: a statistic of one resample, a
/// log-density at one point. `what` names it in errors ("the statistic").
class PythonScalarFunction {
 public:
  PythonScalarFunction(pybind11::function f, std::string what, CallbackError& errors)
      : f_(std::move(f)), what_(std::move(what)), errors_(&errors) {}

  double operator()(std::span<const double> x) const {
    pybind11::gil_scoped_acquire gil;
    try {
      // A copy: f may keep or change it.
      const pybind11::array_t<double> vector(static_cast<pybind11::ssize_t>(x.size()), x.data());
      return f_(vector).cast<double>();
    } catch (pybind11::error_already_set& e) {
      errors_->keep_and_stop(e);
    } catch (const pybind11::cast_error&) {
      PyErr_SetString(PyExc_TypeError, (what_ + " must return a number").c_str());
      pybind11::error_already_set raised;
      errors_->keep_and_stop(raised);
    }
  }

 private:
  pybind11::function f_;
  std::string what_;
  CallbackError* errors_;
};

}  // namespace pardo::python

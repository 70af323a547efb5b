// pardo._pardo: the compiled half of the pardo package (python/pardo holds the rest).

#include <pybind11/pybind11.h>

#include "module.hpp"
#include "pardo/core/version.hpp"

PYBIND11_MODULE(_pardo, m) {
  m.doc() = "pardo's C++ core; import pardo, not this module.";
  m.attr("__version__") = std::string(pardo::version());
  pardo::python::bind_optimize(m);
  pardo::python::bind_pool(m);
  pardo::python::bind_random(m);
  pardo::python::bind_shared(m);
  pardo::python::bind_workloads(m);
}

#pragma once
// The parts of pardo's compiled module, each bound in a file of its own.

#include <pybind11/pybind11.h>

namespace pardo::python {

void bind_optimize(pybind11::module_& m);
void bind_pool(pybind11::module_& m);
void bind_random(pybind11::module_& m);
void bind_shared(pybind11::module_& m);
void bind_workloads(pybind11::module_& m);

}  // namespace pardo::python

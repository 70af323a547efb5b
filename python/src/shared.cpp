// pardo._pardo._SharedBytes: bytes placed once in a shared memory segment (pardo::SharedArray)
// that worker interpreters map by handle and read in place, for pardo's Python broadcast
// (python/pardo/_state.py). The handle is a tuple of SharedHandle's fields.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "module.hpp"
#include "pardo/process/shared_memory.hpp"

namespace py = pybind11;

namespace pardo::python {
namespace {

using HandleTuple = std::tuple<std::int32_t, std::int32_t, std::uint64_t, std::uint32_t,
                               std::uint32_t, std::uint64_t, std::uint64_t, std::uint64_t>;

/// A read-only run of bytes in a shared segment: the creator's copy of a buffer, or a worker's
/// mapping of it. A segment holds at least one byte, so `length` is carried apart.
class SharedBytes {
 public:
  /// The parts' bytes one after the other, copied once (without the GIL).
  explicit SharedBytes(const std::vector<py::buffer>& parts) : SharedBytes(requested(parts)) {}

  static SharedBytes attach(const HandleTuple& t) {
    const auto [pid, fd, bytes, element_size, element_align, type_tag, id, length] = t;
    const SharedHandle handle{pid, fd, bytes, element_size, element_align, type_tag, id};
    if (length > bytes) {
      throw std::invalid_argument("_SharedBytes.attach: a length of " + std::to_string(length) +
                                  " bytes in a segment of " + std::to_string(bytes));
    }
    return SharedBytes(SharedArray<std::byte>::attach(handle), static_cast<std::size_t>(length));
  }

  HandleTuple handle() const {
    const SharedHandle& h = array_.handle();
    return {h.pid, h.fd, h.bytes, h.element_size, h.element_align, h.type_tag, h.id, length_};
  }
  std::size_t size() const noexcept { return length_; }

  py::buffer_info view() {
    return py::buffer_info(array_.data(), 1, py::format_descriptor<std::uint8_t>::format(), 1,
                           {static_cast<py::ssize_t>(length_)}, {py::ssize_t{1}}, true);
  }

 private:
  static std::size_t bytes_of(const py::buffer_info& view) {
    return static_cast<std::size_t>(view.size * view.itemsize);
  }

  static bool contiguous(const py::buffer_info& view) {
    py::ssize_t stride = view.itemsize;
    for (auto k = view.ndim; k-- > 0;) {
      const auto i = static_cast<std::size_t>(k);
      if (view.shape[i] > 1 && view.strides[i] != stride) return false;
      stride *= view.shape[i];
    }
    return true;
  }

  static std::vector<py::buffer_info> requested(const std::vector<py::buffer>& parts) {
    std::vector<py::buffer_info> views;
    views.reserve(parts.size());
    for (const py::buffer& part : parts) {
      views.push_back(part.request());
      const py::buffer_info& view = views.back();
      if (!contiguous(view)) {
        throw std::invalid_argument("_SharedBytes: part " + std::to_string(views.size() - 1) +
                                    " is not contiguous");
      }
    }
    return views;
  }

  static std::size_t total(const std::vector<py::buffer_info>& views) {
    std::size_t sum = 0;
    for (const py::buffer_info& view : views) sum += bytes_of(view);
    return sum;
  }

  explicit SharedBytes(const std::vector<py::buffer_info>& views)
      : array_(std::max<std::size_t>(total(views), 1)), length_(total(views)) {
    py::gil_scoped_release released;
    std::byte* at = array_.data();
    for (const py::buffer_info& view : views) {
      if (bytes_of(view) != 0) std::memcpy(at, view.ptr, bytes_of(view));
      at += bytes_of(view);
    }
  }

  SharedBytes(SharedArray<std::byte> array, std::size_t length)
      : array_(std::move(array)), length_(length) {}

  SharedArray<std::byte> array_;
  std::size_t length_ = 0;
};

}  // namespace

void bind_shared(py::module_& m) {
  py::class_<SharedBytes>(m, "_SharedBytes", py::buffer_protocol())
      .def(py::init<const std::vector<py::buffer>&>())
      .def_static("attach", &SharedBytes::attach)
      .def_property_readonly("handle", &SharedBytes::handle)
      .def("__len__", &SharedBytes::size)
      .def_buffer(&SharedBytes::view);
}

}  // namespace pardo::python

// pardo.random.Philox: pardo's random streams as a numpy BitGenerator.

#include <numpy/random/bitgen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "module.hpp"
#include "pardo/random/stream.hpp"

namespace py = pybind11;

namespace pardo::python {
namespace {

/// Holds a threading.Lock for a scope, as numpy does around every draw.
class Locked {
 public:
  explicit Locked(const py::object& lock) : lock_(lock) { lock_.attr("acquire")(); }
  ~Locked() { lock_.attr("release")(); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  const py::object& lock_;
};

/// numpy draws through `bitgen`, whose state points back at this object; the Python object
/// outlives every Generator built on it, since a Generator keeps its BitGenerator.
class Philox {
 public:
  Philox(std::uint64_t seed, std::uint64_t stream)
      : seed_(seed), stream_(seed, stream), lock_(py::module_::import("threading").attr("Lock")()) {
    bitgen_.state = &stream_;
    bitgen_.next_uint64 = [](void* s) { return static_cast<random::Stream*>(s)->next_u64(); };
    bitgen_.next_uint32 = [](void* s) { return static_cast<random::Stream*>(s)->next_u32(); };
    bitgen_.next_double = [](void* s) { return static_cast<random::Stream*>(s)->next_double(); };
    bitgen_.next_raw = bitgen_.next_uint64;
    capsule_ = py::capsule(&bitgen_, "BitGenerator");
  }
  // bitgen_ points at stream_ and the capsule at bitgen_: the object stays where it is.
  Philox(const Philox&) = delete;
  Philox& operator=(const Philox&) = delete;

  std::uint64_t seed() const { return seed_; }
  std::uint64_t stream() const { return stream_.id(); }
  const py::capsule& capsule() const { return capsule_; }
  const py::object& lock() const { return lock_; }

  /// Words drawn so far, 4 per block: a Python int, since past a position set near 2^64
  /// the count no longer fits 64 bits.
  py::int_ position() const {
    const random::Position p = stream_.position();
    return py::int_(py::int_(p.block) * py::int_(4) + py::int_(p.word));
  }

  random::Position exact_position() const { return stream_.position(); }

  /// Back to a position that exact_position() gave.
  void restore(random::Position p) {
    random::Stream fresh(seed_, stream_.id());
    for (int quarter = 0; quarter < 4; ++quarter) fresh.discard(p.block);
    fresh.discard(p.word);
    const Locked locked(lock_);
    stream_ = fresh;
  }

  /// Moves to word `words` of the stream, as numpy's Philox.advance moves forward; only the
  /// first 2^64 words are reachable, so that no draw numpy makes can pass the end.
  void set_position(std::uint64_t words) {
    random::Stream fresh(seed_, stream_.id());
    fresh.discard(words);
    const Locked locked(lock_);
    stream_ = fresh;
  }

  void advance(std::uint64_t delta) {
    const random::Position p = stream_.position();
    if (p.block > std::numeric_limits<std::uint64_t>::max() / 4) {
      throw std::out_of_range("Philox.advance: the stream is past word 2^64 - 1 already");
    }
    const std::uint64_t at = p.block * 4 + p.word;
    if (delta > std::numeric_limits<std::uint64_t>::max() - at) {
      throw std::out_of_range("Philox.advance: delta = " + std::to_string(delta) +
                              " would move past word 2^64 - 1 of the stream (at word " +
                              std::to_string(at) + ")");
    }
    set_position(at + delta);
  }

  py::object random_raw(const std::optional<py::ssize_t>& size, bool output) {
    if (size && *size < 0) {
      throw py::value_error("Philox.random_raw: size = " + std::to_string(*size) +
                            "; it must be >= 0");
    }
    const Locked locked(lock_);
    if (!size) {
      const std::uint64_t value = stream_.next_u64();
      return output ? py::object(py::int_(value)) : py::object(py::none());
    }
    py::array_t<std::uint64_t> out(*size);
    auto* data = out.mutable_data();
    {
      py::gil_scoped_release released;
      for (py::ssize_t i = 0; i < *size; ++i) data[i] = stream_.next_u64();
    }
    return output ? py::object(out) : py::object(py::none());
  }

 private:
  std::uint64_t seed_;
  random::Stream stream_;
  bitgen_t bitgen_{};
  py::capsule capsule_;
  py::object lock_;
};

}  // namespace

void bind_random(py::module_& m) {
  py::class_<Philox>(m, "Philox", R"doc(
pardo's random stream `stream` of `seed` as a numpy BitGenerator: Philox4x32-10 keyed by the
seed's SplitMix64 hash, counting blocks of 4 words, the same words as the C++
``pardo::random::Stream(seed, stream)``.

numpy draws 64-bit values as two words, the first the low half (``lo | hi << 32``), 32-bit
values as one word, and doubles as ``(u64 >> 11) * 2**-53``: ``Generator.random()`` gives the
C++ ``next_double()`` bit for bit.

>>> import numpy as np, pardo
>>> g = np.random.Generator(pardo.random.Philox(7, stream=3))
>>> x = g.normal(size=5)
)doc")
      .def(py::init<std::uint64_t, std::uint64_t>(), py::arg("seed"), py::arg("stream") = 0)
      .def_property_readonly("seed", &Philox::seed, "The seed: the streams' family.")
      .def_property_readonly("stream", &Philox::stream, "This stream's id within the family.")
      .def_property_readonly(
          "capsule", &Philox::capsule,
          "numpy's bitgen_t for this stream, as numpy.random.Generator reads it.")
      .def_property_readonly("lock", &Philox::lock,
                             "The threading.Lock numpy holds while it draws from this stream.")
      .def_property("position", &Philox::position, &Philox::set_position,
                    "Words drawn so far (4 per Philox block); settable, 0 to 2^64 - 1.")
      .def("advance", &Philox::advance, py::arg("delta"),
           "Skips `delta` words in O(1), as if drawn; returns nothing.")
      .def("random_raw", &Philox::random_raw, py::arg("size") = py::none(),
           py::arg("output") = true,
           "The next 64-bit values (two words each), as numpy's BitGenerator.random_raw.")
      .def(py::pickle(
          [](const Philox& p) {
            const random::Position at = p.exact_position();
            return py::make_tuple(p.seed(), p.stream(), at.block, at.word);
          },
          [](const py::tuple& t) {
            if (t.size() != 4) throw std::runtime_error("Philox: bad pickled state");
            auto p =
                std::make_unique<Philox>(t[0].cast<std::uint64_t>(), t[1].cast<std::uint64_t>());
            p->restore({t[2].cast<std::uint64_t>(), t[3].cast<unsigned>()});
            return p;
          }))
      .def("__repr__", [](const Philox& p) {
        return "pardo.random.Philox(seed=" + std::to_string(p.seed()) +
               ", stream=" + std::to_string(p.stream()) + ")";
      });
}

}  // namespace pardo::python

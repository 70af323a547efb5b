// The engine of pardo.ProcessPoolExecutor and pardo.Pool: pardo's C++ ProcessPool, whose
// workers are Python interpreters running two registered functions. Tasks and replies are
// opaque bytes here; python/pardo/_pool.py packs them (cloudpickle, pickle protocol 5) and
// python/pardo/_worker.py runs them. The GIL is released whenever C++ waits or takes a lock.

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <Python.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "module.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/core/workers.hpp"
#include "pardo/process/process_pool.hpp"
#include "pardo/remote/remote.hpp"

namespace py = pybind11;

namespace pardo::python {
namespace {

/// In a worker: runs one task through pardo._worker.run, which turns every Python outcome,
/// exceptions included, into reply bytes.
std::string python_call(std::string payload) {
  py::gil_scoped_acquire gil;
  try {
    const py::bytearray task(payload.data(), payload.size());
    payload.clear();
    return std::string(py::bytes(py::module_::import("pardo._worker").attr("run")(task)));
  } catch (const py::error_already_set& e) {
    // A C++ exception that needs no GIL to destroy; the Python one goes here, with the GIL.
    throw std::runtime_error(e.what());
  }
}
PARDO_REMOTE(python_call);

/// In a worker, before its first task: the pool's initializer. A Python exception fails it,
/// and with it every task of the pool, with the worker's traceback in the message.
void python_initialize(std::string payload) {
  py::gil_scoped_acquire gil;
  try {
    py::module_::import("pardo._worker").attr("initialize")(py::bytes(payload));
  } catch (const py::error_already_set& e) {
    // A C++ exception that needs no GIL to destroy; the Python one goes here, with the GIL.
    throw std::runtime_error(e.what());
  }
}
PARDO_REMOTE(python_initialize);

/// A Python object owned from threads that may not hold the GIL: the I/O thread drops it.
class Owned {
 public:
  explicit Owned(py::object object) : object_(object.release().ptr()) {}
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() {
    if (Py_IsInitialized() == 0) return;  // the interpreter is gone: nothing left to free
    py::gil_scoped_acquire gil;
    Py_DECREF(object_);
  }
  PyObject* get() const noexcept { return object_; }

 private:
  PyObject* object_;
};

/// One submitted task: a pardo future of the worker's reply bytes.
class Task {
 public:
  explicit Task(Future<std::string> future) : future_(std::move(future)) {}

  bool done() const { return future_.done(); }
  bool running() const { return future_.running(); }

  bool cancel() {
    py::gil_scoped_release released;
    return future_.cancel();
  }

  /// Waits without the GIL; Ctrl-C raises KeyboardInterrupt. None waits for ever.
  bool wait(std::optional<double> timeout) const {
    using Clock = std::chrono::steady_clock;
    const auto deadline =
        timeout ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(std::max(*timeout, 0.0)))
                : Clock::time_point::max();
    for (;;) {
      const auto slice = std::min(deadline, Clock::now() + std::chrono::milliseconds(50));
      bool finished = false;
      {
        py::gil_scoped_release released;
        finished = future_.wait_until(slice);
      }
      if (finished) return true;
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (Clock::now() >= deadline) return false;
    }
  }

  /// How the task ended, for _pool.py to turn into a value or an exception: ("ok", reply),
  /// ("crashed", message, pid, signal, exit status, stalled), ("timeout", message),
  /// ("cancelled", message), ("shutdown", message), ("remote", type, message) or
  /// ("error", message). The task must be done.
  py::tuple outcome() const {
    if (!future_.done()) throw py::value_error("outcome: the task is not done");
    try {
      const std::string& reply = future_.get();
      return py::make_tuple("ok", py::bytearray(reply.data(), reply.size()));
    } catch (const WorkerCrashed& e) {
      return py::make_tuple("crashed", e.what(), e.pid(), e.signal(), e.exit_status(),
                            dynamic_cast<const WorkerStalled*>(&e) != nullptr);
    } catch (const TimeoutError& e) {
      return py::make_tuple("timeout", e.what());
    } catch (const CancelledError& e) {
      return py::make_tuple("cancelled", e.what());
    } catch (const ShutdownError& e) {
      return py::make_tuple("shutdown", e.what());
    } catch (const RemoteError& e) {
      return py::make_tuple("remote", e.type_name(), e.message());
    } catch (const std::exception& e) {
      return py::make_tuple("error", e.what());
    }
  }

  /// Calls `callback()` once the task is done, with the GIL, on the thread that finishes it
  /// (the pool's I/O thread), or now if it is done. An exception it raises is printed as
  /// unraisable.
  void add_done_callback(const py::function& callback) {
    auto owned = std::make_shared<Owned>(callback);
    py::gil_scoped_release released;
    future_.add_done_callback([owned](const Future<std::string>&) {
      py::gil_scoped_acquire gil;
      try {
        py::handle(owned->get())();
      } catch (py::error_already_set& e) {
        e.discard_as_unraisable("pardo task done callback");
      }
    });
  }

 private:
  Future<std::string> future_;
};

/// A ProcessPool of Python interpreters. Destroying it waits for its tasks without the GIL.
class PythonPool {
 public:
  PythonPool(std::size_t workers, std::vector<std::string> command, int max_retries,
             double task_timeout, double stall_timeout, std::int64_t max_tasks_per_child,
             std::optional<py::bytes> initializer) {
    ProcessOptions options{.max_tasks_per_child = max_tasks_per_child,
                           .task_timeout = std::chrono::duration<double>(task_timeout),
                           .stall_timeout = std::chrono::duration<double>(stall_timeout),
                           .max_retries = max_retries,
                           .worker_command = std::move(command)};
    if (initializer) options.initializer = RemoteCall(python_initialize, std::string(*initializer));
    py::gil_scoped_release released;
    pool_ = std::make_unique<ProcessPool>(workers, std::move(options));
  }
  PythonPool(const PythonPool&) = delete;
  PythonPool& operator=(const PythonPool&) = delete;
  ~PythonPool() {
    py::gil_scoped_release released;
    pool_.reset();
  }

  std::vector<Task> submit_many(const std::vector<std::string>& payloads) {
    std::vector<Future<std::string>> futures;
    {
      py::gil_scoped_release released;
      futures = pool_->submit_each(python_call, payloads);
    }
    return {std::make_move_iterator(futures.begin()), std::make_move_iterator(futures.end())};
  }

  /// One task on worker `worker` alone (its state is that worker's).
  Task submit_on(std::size_t worker, const std::string& payload) {
    if (worker >= pool_->size()) {
      throw py::index_error("worker " + std::to_string(worker) + " of a pool of " +
                            std::to_string(pool_->size()) + " workers (0 to " +
                            std::to_string(pool_->size() - 1) + ")");
    }
    py::gil_scoped_release released;
    return Task(pool_->on_worker(worker, python_call, payload));
  }

  void shutdown(bool wait, bool cancel_pending) {
    py::gil_scoped_release released;
    pool_->shutdown(wait, cancel_pending);
  }

  void terminate() {
    py::gil_scoped_release released;
    pool_->terminate();
  }

  std::vector<int> worker_pids() const { return pool_->worker_pids(); }
  std::size_t size() const { return pool_->size(); }

 private:
  std::unique_ptr<ProcessPool> pool_;
};

/// In a new worker interpreter: hands `--pardo-worker <fd> <parent pid>` to pardo::init, which
/// runs the worker loop and ends the process.
void worker_main(const std::vector<std::string>& args) {
  std::vector<std::string> owned{"pardo-worker"};
  owned.insert(owned.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : owned) argv.push_back(arg.data());
  argv.push_back(nullptr);
  py::gil_scoped_release released;
  init(static_cast<int>(owned.size()), argv.data());
}

}  // namespace

void bind_pool(py::module_& m) {
  static char program[] = "python";
  static char* argv[] = {program, nullptr};
  init(1, argv);

  py::class_<Task>(m, "_Task")
      .def("done", &Task::done)
      .def("running", &Task::running)
      .def("cancel", &Task::cancel)
      .def("wait", &Task::wait, py::arg("timeout") = py::none())
      .def("outcome", &Task::outcome)
      .def("add_done_callback", &Task::add_done_callback);

  py::class_<PythonPool>(m, "_ProcessPool")
      .def(py::init<std::size_t, std::vector<std::string>, int, double, double, std::int64_t,
                    std::optional<py::bytes>>(),
           py::arg("workers"), py::arg("command"), py::arg("max_retries"), py::arg("task_timeout"),
           py::arg("stall_timeout"), py::arg("max_tasks_per_child"), py::arg("initializer"))
      .def("submit_many", &PythonPool::submit_many)
      .def("submit_on", &PythonPool::submit_on)
      .def("shutdown", &PythonPool::shutdown, py::arg("wait"), py::arg("cancel_pending"))
      .def("terminate", &PythonPool::terminate)
      .def("worker_pids", &PythonPool::worker_pids)
      .def("size", &PythonPool::size);

  m.def("_worker_main", &worker_main);
  m.def("_default_workers", [] { return default_workers(); });
}

}  // namespace pardo::python

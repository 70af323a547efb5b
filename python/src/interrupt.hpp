#pragma once
// Long C++ runs from Python: without the GIL, yet stopped by Ctrl-C.

#include <pybind11/pybind11.h>

#include <chrono>
#include <future>
#include <stop_token>
#include <utility>

namespace pardo::python {

/// Runs `work(stop_token)` on a thread of its own and waits for it without the GIL, taking
/// the GIL back every 50 ms only to let Python run its signal handlers. If one raises (Ctrl-C
/// raises KeyboardInterrupt), the stop is requested, the work is waited for, and the Python
/// exception propagates: the work must return soon once its token asks it to stop.
template <class F>
auto run_interruptibly(F&& work) {
  std::stop_source stop;
  auto result =
      std::async(std::launch::async, [&work, token = stop.get_token()] { return work(token); });
  pybind11::gil_scoped_release released;
  while (result.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    pybind11::gil_scoped_acquire acquired;
    if (PyErr_CheckSignals() != 0) {
      // Keep the exception while waiting without the GIL: error_already_set fetches it.
      pybind11::error_already_set interrupted;
      stop.request_stop();
      {
        pybind11::gil_scoped_release waiting;
        result.wait();
      }
      throw interrupted;
    }
  }
  return result.get();
}

}  // namespace pardo::python

// The devices of a GPU run, and a host thread for each.
#include "cuda/devices.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

#include "cuda/runtime.hpp"

namespace pardo::cuda {

bool compiled_in() noexcept { return detail::runtime_compiled_in(); }

std::vector<Device> devices() { return detail::list_devices(); }

namespace detail {

std::vector<int> chosen_devices(const Devices& where, std::string_view caller) {
  const std::size_t present = devices().size();
  std::vector<int> chosen = where.devices.empty() ? std::vector<int>{0} : where.devices;
  const std::string prefix = "cuda::" + std::string(caller) + ": device ";
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const int d = chosen[i];
    if (d < 0 || static_cast<std::size_t>(d) >= present) {
      throw std::invalid_argument(prefix + std::to_string(d) + " does not exist (" +
                                  std::to_string(present) + " CUDA device(s), numbered from 0)");
    }
    if (std::find(chosen.begin(), chosen.begin() + static_cast<std::ptrdiff_t>(i), d) !=
        chosen.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument(prefix + std::to_string(d) + " is named twice");
    }
  }
  return chosen;
}

void on_each_device(const std::vector<int>& chosen,
                    const std::function<void(int device, std::size_t i)>& work) {
  std::vector<std::exception_ptr> errors(chosen.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      threads.emplace_back([&, i] {
        try {
          work(chosen[i], i);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace detail

}  // namespace pardo::cuda

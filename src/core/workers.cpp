#include "pardo/core/workers.hpp"

#include <algorithm>
#include <thread>

namespace pardo {

std::size_t hardware_concurrency() noexcept {
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

std::size_t default_workers() noexcept { return hardware_concurrency(); }

std::size_t max_workers() noexcept {
  return std::max<std::size_t>(256, 64 * hardware_concurrency());
}

}  // namespace pardo

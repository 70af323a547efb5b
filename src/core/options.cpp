#include "pardo/core/options.hpp"

#include <stdexcept>
#include <string>

namespace pardo {

std::string to_string(Schedule schedule) {
  switch (schedule) {
    case Schedule::automatic:
      return "automatic";
    case Schedule::static_blocks:
      return "static_blocks";
    case Schedule::round_robin:
      return "round_robin";
    case Schedule::dynamic:
      return "dynamic";
    case Schedule::guided:
      return "guided";
  }
  return "Schedule(" + std::to_string(static_cast<int>(schedule)) + ")";
}

namespace detail {

void validate(const MapOptions& options, const char* caller) {
  switch (options.schedule) {
    case Schedule::automatic:
    case Schedule::static_blocks:
    case Schedule::round_robin:
    case Schedule::dynamic:
    case Schedule::guided:
      return;
  }
  throw std::invalid_argument(std::string(caller) + ": unknown schedule " +
                              to_string(options.schedule));
}

}  // namespace detail
}  // namespace pardo

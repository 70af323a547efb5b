#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/validate.hpp"

namespace pardo::detail {

void throw_invalid(std::string_view caller, std::string_view message) {
  std::string text(caller);
  text += ": ";
  text += message;
  throw std::invalid_argument(text);
}

void require_finite(std::span<const double> values, std::string_view caller,
                    std::string_view what) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw_invalid(caller, std::string(what) + "[" + std::to_string(i) + "] is " +
                                format_number(values[i]) + " (every value must be finite)");
    }
  }
}

void require_at_least(std::size_t size, std::size_t minimum, std::string_view caller,
                      std::string_view what) {
  if (size < minimum) {
    throw_invalid(caller, std::string(what) + " has " + std::to_string(size) +
                              (size == 1 ? " value" : " values") + "; at least " +
                              std::to_string(minimum) + " needed");
  }
}

void require_positive(std::uint64_t count, std::string_view caller, std::string_view what) {
  if (count == 0) throw_invalid(caller, std::string(what) + " is 0; it must be at least 1");
}

void require_open_unit(double level, std::string_view caller, std::string_view what) {
  if (!(level > 0 && level < 1)) {
    throw_invalid(caller, std::string(what) + " " + format_number(level) + " is outside (0, 1)");
  }
}

void require_same_size(std::size_t a, std::size_t b, std::string_view caller,
                       std::string_view what_a, std::string_view what_b) {
  if (a != b) {
    throw_invalid(caller, std::string(what_a) + " has " + std::to_string(a) + " values but " +
                              std::string(what_b) + " has " + std::to_string(b) +
                              "; they must match");
  }
}

}  // namespace pardo::detail

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include "core/validate.hpp"
#include "pardo/core/memory.hpp"

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

std::string format_bytes(double bytes) {
  constexpr std::array<const char*, 7> units{"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  std::size_t unit = 0;
  while (bytes >= 999.5 && unit + 1 < units.size()) {
    bytes /= 1000;
    ++unit;
  }
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), bytes < 9.95 && unit > 0 ? "%.1f %s" : "%.0f %s", bytes,
                units[unit]);
  return text.data();
}

void require_memory(double bytes, std::string_view caller, std::string_view request,
                    std::string_view purpose) {
  if (const auto why = memory_shortfall(bytes, purpose)) {
    throw_invalid(caller, std::string(request) + " " + *why);
  }
}

}  // namespace pardo::detail

namespace pardo {

namespace {

struct MemoryLimit {
  double bytes;
  std::string words;  // "this machine has " or "the process may use (RLIMIT_AS) "
};

MemoryLimit memory_limit() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  MemoryLimit limit{pages > 0 && page_size > 0
                        ? static_cast<double>(pages) * static_cast<double>(page_size)
                        : std::numeric_limits<double>::infinity(),
                    "this machine has "};
  for (const auto& [resource, name] :
       {std::pair{RLIMIT_AS, "RLIMIT_AS"}, std::pair{RLIMIT_DATA, "RLIMIT_DATA"}}) {
    rlimit r{};
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
        static_cast<double>(r.rlim_cur) < limit.bytes) {
      limit = {static_cast<double>(r.rlim_cur), std::string("the process may use (") + name + ") "};
    }
  }
  return limit;
}

}  // namespace

std::optional<std::string> memory_shortfall(double bytes, std::string_view purpose) {
  const MemoryLimit limit = memory_limit();
  if (bytes <= limit.bytes) return std::nullopt;
  return "needs " + detail::format_bytes(bytes) + " of memory for " + std::string(purpose) + "; " +
         limit.words + detail::format_bytes(limit.bytes);
}

std::string describe_memory_limit() {
  const MemoryLimit limit = memory_limit();
  return limit.words + detail::format_bytes(limit.bytes);
}

}  // namespace pardo

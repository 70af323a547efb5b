#include "parse.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <pardo/core/memory.hpp>
#include <utility>

namespace pardo::cli {

namespace {

[[noreturn]] void fail(std::string_view option, std::string_view text, std::string_view why) {
  throw UsageError(std::string(option) + ": '" + std::string(text) + "' " + std::string(why));
}

}  // namespace

std::uint64_t parse_count(std::string_view text, std::string_view option) {
  static constexpr std::pair<std::string_view, double> suffixes[] = {
      {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
      {"k", 1e3},     {"K", 1e3},        {"M", 1e6},           {"G", 1e9},
      {"T", 1e12}};
  std::string_view number = text;
  double scale = 1.0;
  for (const auto& [suffix, factor] : suffixes) {
    if (number.size() > suffix.size() && number.ends_with(suffix)) {
      number.remove_suffix(suffix.size());
      scale = factor;
      break;
    }
  }
  if (number.empty() || number.front() == '-' || number.front() == '+') {
    fail(option, text, "is not a positive count");
  }
  const std::string digits(number);
  const bool plain = digits.find_first_not_of("0123456789") == std::string::npos;
  if (plain && scale == 1.0) {
    errno = 0;
    char* end = nullptr;
    const unsigned long long value = std::strtoull(digits.c_str(), &end, 10);
    if (errno == ERANGE) fail(option, text, "is too large (at most 18446744073709551615)");
    if (value == 0) fail(option, text, "must be positive");
    return value;
  }
  char* end = nullptr;
  const double value = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size() || !std::isfinite(value)) {
    fail(option, text, "is not a number");
  }
  const double count = value * scale;
  if (count <= 0) fail(option, text, "must be positive");
  // 2^64 as a double; every double below it converts exactly to a uint64_t.
  if (count >= 18446744073709551616.0)
    fail(option, text, "is too large (at most 18446744073709551615)");
  if (count != std::floor(count)) fail(option, text, "is not a whole number");
  return static_cast<std::uint64_t>(count);
}

std::uint64_t parse_decimal(std::string_view text, std::string_view option, std::uint64_t min,
                            std::uint64_t max) {
  std::uint64_t value = 0;
  bool ok = !text.empty();
  for (const char c : text) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (c < '0' || c > '9' || value > (max - digit) / 10) {
      ok = false;
      break;
    }
    value = 10 * value + digit;
  }
  if (!ok || value < min) {
    throw UsageError(std::string(option) + ": '" + std::string(text) +
                     "' is not a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max));
  }
  return value;
}

void require_memory(double bytes, std::string_view request, std::string_view purpose) {
  if (const auto why = memory_shortfall(bytes, purpose)) {
    throw UsageError(std::string(request) + " " + *why);
  }
}

}  // namespace pardo::cli

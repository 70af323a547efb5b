#pragma once
/// @file
/// Vocabulary shared by the statistics toolkit: intervals and the direction of a test.

#include <optional>
#include <string_view>

#include "pardo/workload/run_info.hpp"

namespace pardo::stats {

/// The interval every workload reports: `pardo::Interval`, [low, high] at confidence `level`.
/// @code
/// pardo::stats::Interval ci{.low = 1.2, .high = 3.4, .level = 0.95};
/// @endcode
using Interval = pardo::Interval;

/// Which departures from the null hypothesis a test counts as evidence.
/// @code
/// auto alternative = pardo::stats::Alternative::greater;  // H1: statistic is larger
/// @endcode
enum class Alternative {
  two_sided,  ///< larger or smaller than under the null
  less,       ///< smaller
  greater,    ///< larger
};

/// "two-sided", "less" or "greater".
/// @code
/// assert(pardo::stats::to_string(pardo::stats::Alternative::less) == "less");
/// @endcode
constexpr std::string_view to_string(Alternative alternative) noexcept {
  switch (alternative) {
    case Alternative::less:
      return "less";
    case Alternative::greater:
      return "greater";
    case Alternative::two_sided:
      break;
  }
  return "two-sided";
}

/// The alternative named `name` ("two-sided", "less", "greater"), or nullopt.
/// @code
/// auto a = pardo::stats::parse_alternative("greater");  // Alternative::greater
/// @endcode
constexpr std::optional<Alternative> parse_alternative(std::string_view name) noexcept {
  if (name == "two-sided") return Alternative::two_sided;
  if (name == "less") return Alternative::less;
  if (name == "greater") return Alternative::greater;
  return std::nullopt;
}

}  // namespace pardo::stats

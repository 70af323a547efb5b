#pragma once
/// @file
/// Vocabulary shared by the statistics toolkit: intervals and the direction of a test.

#include <optional>
#include <string_view>

namespace pardo::stats {

/// A two-sided interval [low, high] at confidence `level`.
/// @code
/// pardo::stats::Interval ci{.low = 1.2, .high = 3.4, .level = 0.95};
/// @endcode
struct Interval {
  double low = 0;
  double high = 0;
  double level = 0;
  /// Whether `value` lies in [low, high].
  /// @code
  /// assert((pardo::stats::Interval{0, 1, 0.95}.contains(0.5)));
  /// @endcode
  bool contains(double value) const noexcept { return low <= value && value <= high; }
};

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

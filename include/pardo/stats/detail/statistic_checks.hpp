#pragma once
// What the resampling workloads check of a statistic's values: the name to report a
// statistic by, and the checks that a value, or a run's values, are finite. For the templates
// of pardo/stats/permutation.hpp and pardo/stats/bootstrap.hpp.

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "pardo/remote/remote_function.hpp"

namespace pardo::stats::detail {

/// The registered name of `statistic` (a RemoteFunction, or a function registered with
/// PARDO_REMOTE_FUNCTION), or "" for any other callable.
template <class Signature, class F>
std::string statistic_name(const F& statistic) {
  using Handle = RemoteFunction<Signature>;
  if constexpr (std::is_same_v<F, Handle>) {
    return std::string(statistic.name());
  } else if constexpr (!std::is_class_v<F> &&
                       std::is_convertible_v<const F&, typename Handle::pointer>) {
    try {
      return std::string(Handle(statistic).name());
    } catch (const std::invalid_argument&) {
      return {};
    }
  } else {
    return {};
  }
}

/// Throws std::invalid_argument "<caller>: statistic <name> is <value> <where> (<hint>)"
/// unless `value` is finite.
void require_finite_statistic(double value, std::string_view caller, std::string_view name,
                              std::string_view where);

/// Throws std::invalid_argument naming how many of `values` (the statistic on each of a
/// run's `what`, e.g. "resamples") are NaN and how many infinite, unless none is.
void require_finite_statistics(std::span<const double> values, std::string_view caller,
                               std::string_view name, std::string_view what);

}  // namespace pardo::stats::detail

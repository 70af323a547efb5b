#pragma once
// split_rhat and ess_bulk of one parameter together, sharing the sort they both need.

#include <cstddef>
#include <span>

namespace pardo::mcmc::detail {

struct RankDiagnostics {
  double rhat = 0;
  double ess = 0;
};

/// Both diagnostics of checked draws (chain after chain, at least 4 per chain).
RankDiagnostics rank_diagnostics(std::span<const double> draws, std::size_t chains);

}  // namespace pardo::mcmc::detail

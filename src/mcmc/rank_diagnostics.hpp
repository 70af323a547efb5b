#pragma once
// split_rhat and ess_bulk of one parameter together, sharing the sort they both need.

#include <cstddef>
#include <memory>
#include <span>

namespace pardo::mcmc::detail {

struct RankDiagnostics {
  double rhat = 0;
  double ess = 0;
};

/// The buffers of one parameter's diagnostics, kept for the next parameter's: fresh ones
/// would fault their pages in again each time. For one thread at a time.
class Workspace {
 public:
  struct Buffers;
  Workspace();
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  Buffers& buffers() { return *buffers_; }

 private:
  std::unique_ptr<Buffers> buffers_;
};

/// Both diagnostics of checked draws (chain after chain, at least 4 per chain).
RankDiagnostics rank_diagnostics(std::span<const double> draws, std::size_t chains,
                                 Workspace& workspace);

}  // namespace pardo::mcmc::detail

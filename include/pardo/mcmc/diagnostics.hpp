#pragma once
/// @file
/// Convergence diagnostics of several MCMC chains for one parameter, as defined by Vehtari,
/// Gelman, Simpson, Carpenter and Bürkner (2021), "Rank-normalization, folding, and
/// localization: an improved R-hat for assessing convergence of MCMC", and computed as
/// ArviZ and Stan compute them. Draws come chain after chain: `draws[c * n + i]` is draw i
/// of chain c, with n = draws.size() / chains.
///
/// Both split each chain into halves (the middle draw of an odd-length chain is dropped)
/// and rank-normalise the pooled draws: z = Phi^-1((r - 3/8) / (S + 1/4)), r the rank of a
/// draw among all S draws, ties given their average rank.

#include <cstddef>
#include <span>

namespace pardo::mcmc {

/// The rank-normalised split R-hat recommended by the paper: the larger of the split R-hat
/// of the rank-normalised draws (bulk) and of the rank-normalised |draw - median| (tails).
/// Near 1 when the chains agree; the paper asks for below 1.01. NaN if every draw is equal.
/// Throws std::invalid_argument naming chains = 0, a size that is not a multiple of chains,
/// fewer than 4 draws per chain, or a non-finite draw.
/// @code
/// std::vector<double> draws = ...;  // 4 chains of 1000 draws, chain after chain
/// double rhat = pardo::mcmc::split_rhat(draws, 4);
/// @endcode
double split_rhat(std::span<const double> draws, std::size_t chains);

/// The bulk effective sample size: the ESS of the rank-normalised split chains, with the
/// autocorrelations combined across chains and truncated by Geyer's initial monotone
/// sequence. About chains * n for independent draws; never above (chains * n) log10(chains * n).
/// NaN if every draw is equal. Throws as split_rhat does.
/// @code
/// double ess = pardo::mcmc::ess_bulk(draws, 4);
/// double mcse = sd / std::sqrt(ess);
/// @endcode
double ess_bulk(std::span<const double> draws, std::size_t chains);

}  // namespace pardo::mcmc

#pragma once
// One block's moments in Monte Carlo integration: what a block returns on every backend, the
// GPU's threads included (a plain struct, so that device code can fill it too).

namespace pardo::mc::detail {

/// A block's values: their count, mean and sum of squared deviations from the mean, the
/// within-cell sum of squared deviations with its degrees of freedom, and how many values
/// are not zero.
struct BlockMoments {
  double n = 0;
  double mean = 0;
  double m2 = 0;
  double within = 0;
  double within_df = 0;
  double nonzero = 0;
};

}  // namespace pardo::mc::detail

#include "pardo/mcmc/diagnostics.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include <unsupported/Eigen/FFT>

#include "core/validate.hpp"
#include "mcmc/rank_diagnostics.hpp"
#include "pardo/stats/descriptive.hpp"

namespace pardo::mcmc {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Phi^-1(p) for 0 < p < 1 by Wichura's algorithm AS 241 (PPND16, 1988), relative error
/// about 1e-16: as exact as Boost's, without its long double arithmetic, which matters
/// when every draw of every parameter is transformed.
double normal_quantile(double p) {
  const double q = p - 0.5;
  if (std::abs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) *
                    r +
                45921.953931549871457) *
                   r +
               13731.693765509461125) *
                  r +
              1971.5909503065514427) *
                 r +
             133.14166789178437745) *
                r +
            3.387132872796366608) /
           (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) *
                    r +
                21213.794301586595867) *
                   r +
               5394.1960214247511077) *
                  r +
              687.1870074920579083) *
                 r +
             42.313330701600911252) *
                r +
            1.0);
  }
  double r = q < 0 ? p : 1 - p;
  r = std::sqrt(-std::log(r));
  double value;
  if (r <= 5) {
    r -= 1.6;
    value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r +
                  0.24178072517745061177) *
                     r +
                 1.27045825245236838258) *
                    r +
                3.64784832476320460504) *
                   r +
               5.7694972214606914055) *
                  r +
              4.6303378461565452959) *
                 r +
             1.42343711074968357734) /
            (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r +
                  0.0151986665636164571966) *
                     r +
                 0.14810397642748007459) *
                    r +
                0.68976733498510000455) *
                   r +
               1.6763848301838038494) *
                  r +
              2.05319162663775882187) *
                 r +
             1.0);
  } else {
    r -= 5;
    value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
                  0.0012426609473880784386) *
                     r +
                 0.026532189526576123093) *
                    r +
                0.29656057182850489123) *
                   r +
               1.7848265399172913358) *
                  r +
              5.4637849111641143699) *
                 r +
             6.6579046435011037772) /
            (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r +
                  1.8463183175100546818e-5) *
                     r +
                 7.868691311456132591e-4) *
                    r +
                0.0148753612908506148525) *
                   r +
               0.13692988092273580531) *
                  r +
              0.59983220655588793769) *
                 r +
             1.0);
  }
  return q < 0 ? -value : value;
}

/// Chains of equal length, chain after chain.
struct Chains {
  std::vector<double> values;
  std::size_t count = 0;
  std::size_t length = 0;
  std::span<const double> chain(std::size_t c) const {
    return std::span<const double>(values).subspan(c * length, length);
  }
};

void check(std::span<const double> draws, std::size_t chains, std::string_view caller) {
  pardo::detail::require_positive(chains, caller, "chains");
  if (draws.size() % chains != 0) {
    pardo::detail::throw_invalid(
        caller, "draws has " + std::to_string(draws.size()) +
                    " values, not a multiple of chains = " + std::to_string(chains));
  }
  pardo::detail::require_at_least(draws.size() / chains, 4, caller, "each chain");
  pardo::detail::require_finite(draws, caller, "draws");
}

/// Each chain's first and last halves as two chains; an odd chain loses its middle draw.
Chains split(std::span<const double> draws, std::size_t chains) {
  const std::size_t n = draws.size() / chains;
  const std::size_t half = n / 2;
  Chains out{{}, 2 * chains, half};
  out.values.reserve(2 * chains * half);
  for (std::size_t c = 0; c < chains; ++c) {
    const auto chain = draws.subspan(c * n, n);
    out.values.insert(out.values.end(), chain.begin(), chain.begin() + static_cast<long>(half));
    out.values.insert(out.values.end(), chain.end() - static_cast<long>(half), chain.end());
  }
  return out;
}

/// Maximal stretches of equal consecutive values within each split chain, in order: a
/// Metropolis chain repeats its state on every rejection, so there are about
/// (acceptance rate) x (draws) of them to sort.
struct Runs {
  std::vector<double> value;
  std::vector<std::uint32_t> length;
};

Runs runs_of(const Chains& chains) {
  const std::span<const double> x = chains.values;
  Runs runs;
  // Untouched capacity costs no memory: reserve for draws that all differ.
  runs.value.reserve(x.size());
  runs.length.reserve(x.size());
  for (std::size_t i = 0; i < x.size();) {
    const std::size_t end = (i / chains.length + 1) * chains.length;
    std::size_t j = i + 1;
    while (j < end && x[j] == x[i]) ++j;
    runs.value.push_back(x[i]);
    runs.length.push_back(static_cast<std::uint32_t>(j - i));
    i = j;
  }
  return runs;
}

/// Unsigned keys in the order of the doubles (-0 just before +0).
std::uint64_t order_key(double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

/// The indices of `values` in ascending order: a least-significant-digit radix sort on bytes,
/// passing over a byte that every key shares (the sign's, when no value is negative).
std::vector<std::uint32_t> sorted_indices(std::span<const double> values) {
  const std::size_t size = values.size();
  std::vector<std::uint64_t> keys(size);
  std::vector<std::uint32_t> index(size);
  std::vector<std::array<std::size_t, 256>> counts(8);
  for (auto& c : counts) c.fill(0);
  for (std::size_t i = 0; i < size; ++i) {
    keys[i] = order_key(values[i]);
    index[i] = static_cast<std::uint32_t>(i);
    for (std::size_t d = 0; d < 8; ++d) ++counts[d][(keys[i] >> (8 * d)) & 0xff];
  }
  std::vector<std::uint64_t> keys_to(size);
  std::vector<std::uint32_t> index_to(size);
  for (std::size_t d = 0; d < 8; ++d) {
    auto& count = counts[d];
    if (std::find(count.begin(), count.end(), size) != count.end()) continue;
    std::size_t offset = 0;
    for (std::size_t& c : count) offset += std::exchange(c, offset);
    for (std::size_t i = 0; i < size; ++i) {
      const std::size_t to = count[(keys[i] >> (8 * d)) & 0xff]++;
      keys_to[to] = keys[i];
      index_to[to] = index[i];
    }
    keys.swap(keys_to);
    index.swap(index_to);
  }
  return index;
}

/// Rank-normalises the runs taken in the order `order` of their values `key` (ascending):
/// z = Phi^-1((r - 3/8) / (S + 1/4)) for every draw of a run, ties given their average rank.
/// One z per run, in run order.
std::vector<double> rank_normalise(const Runs& runs, std::span<const std::uint32_t> order,
                                   std::span<const double> key, std::size_t size) {
  std::vector<double> of_run(order.size());
  const double denominator = static_cast<double>(size) + 0.25;
  std::size_t first = 0;  // draws before the tied group
  for (std::size_t g = 0; g < order.size();) {
    std::size_t h = g;
    std::size_t tied = 0;
    while (h < order.size() && key[order[h]] == key[order[g]]) tied += runs.length[order[h++]];
    // Ranks first + 1 .. last + 1 tie: each gets their average.
    const std::size_t last = first + tied - 1;
    const double rank = 0.5 * static_cast<double>(first + last) + 1.0;
    const double value = normal_quantile((rank - 0.375) / denominator);
    for (; g < h; ++g) of_run[order[g]] = value;
    first = last + 1;
  }
  return of_run;
}

/// A value per run as a value per draw, in the runs' chains.
Chains expand(const Runs& runs, std::span<const double> of_run, std::size_t count,
              std::size_t length) {
  Chains out{{}, count, length};
  out.values.reserve(count * length);
  for (std::size_t r = 0; r < of_run.size(); ++r) {
    out.values.insert(out.values.end(), runs.length[r], of_run[r]);
  }
  return out;
}

/// The median of every draw (the middle draws of odd chains too, as `extra`, sorted): the
/// value of rank k among the sorted runs and the extra values, for k = S / 2 and below it.
double median_of(const Runs& runs, std::span<const std::uint32_t> order,
                 std::span<const double> extra) {
  std::size_t size = extra.size();
  for (const std::uint32_t length : runs.length) size += length;
  const auto nth = [&](std::size_t k) {
    std::size_t r = 0;
    std::size_t e = 0;
    std::size_t seen = 0;
    for (;;) {
      const bool from_extra =
          e < extra.size() && (r == order.size() || extra[e] < runs.value[order[r]]);
      const std::size_t weight = from_extra ? 1 : runs.length[order[r]];
      const double v = from_extra ? extra[e] : runs.value[order[r]];
      if (k < seen + weight) return v;
      seen += weight;
      if (from_extra) {
        ++e;
      } else {
        ++r;
      }
    }
  };
  if (size % 2 == 1) return nth(size / 2);
  const double below = nth(size / 2 - 1);
  return below + (nth(size / 2) - below) / 2;
}

/// Gelman-Rubin R-hat of already split chains of `length` draws, given as a value per run:
/// each chain's mean and (two-pass) variance summed run by run.
double rhat(const Runs& runs, std::span<const double> of_run, std::size_t count,
            std::size_t length) {
  const double n = static_cast<double>(length);
  std::vector<double> means(count, 0.0);
  std::size_t position = 0;
  for (std::size_t r = 0; r < of_run.size(); ++r) {
    means[position / length] += runs.length[r] * of_run[r];
    position += runs.length[r];
  }
  for (double& m : means) m /= n;
  std::vector<double> squares(count, 0.0);
  position = 0;
  for (std::size_t r = 0; r < of_run.size(); ++r) {
    const std::size_t c = position / length;
    const double d = of_run[r] - means[c];
    squares[c] += runs.length[r] * d * d;
    position += runs.length[r];
  }
  double within = 0;
  for (const double sq : squares) within += sq / (n - 1);
  within /= static_cast<double>(count);
  const double between = n * stats::variance(means);
  return std::sqrt((between / within + n - 1) / n);
}

/// The autocovariances of every chain at increasing lags, averaged over chains, computed
/// as needed: direct sums for the first lags, where Geyer's truncation stops for nearly
/// independent draws, and the lags up to the one asked for and beyond by FFT if it looks
/// further.
class MeanAutocovariance {
 public:
  /// Takes the chains over, centring each on its mean in `means`.
  MeanAutocovariance(Chains chains, std::span<const double> means)
      : count_(chains.count), length_(chains.length), centred_(std::move(chains.values)) {
    for (std::size_t c = 0; c < count_; ++c) {
      for (std::size_t i = 0; i < length_; ++i) centred_[c * length_ + i] -= means[c];
    }
  }

  /// (1/n) sum_i (x_i - mean)(x_{i+lag} - mean), averaged over chains.
  double operator()(std::size_t lag) {
    if (lag >= lags_.size() && lags_.size() >= direct_lags) transform(lag);
    while (lags_.size() <= lag) lags_.push_back(direct(lags_.size()));
    return lags_[lag];
  }

 private:
  static constexpr std::size_t direct_lags = 4;

  double direct(std::size_t lag) const {
    const std::size_t n = length_;
    double total = 0;
    for (std::size_t c = 0; c < count_; ++c) {
      const double* x = centred_.data() + c * n;
      // Four sums, so that the additions need not wait for each other.
      std::array<double, 4> sums{};
      std::size_t i = 0;
      for (; i + 3 + lag < n; i += 4) {
        for (std::size_t u = 0; u < 4; ++u) sums[u] += x[i + u] * x[i + u + lag];
      }
      for (; i + lag < n; ++i) sums[0] += x[i] * x[i + lag];
      total += ((sums[0] + sums[1]) + (sums[2] + sums[3])) / static_cast<double>(n);
    }
    return total / static_cast<double>(count_);
  }

  // Wiener-Khinchin: the autocovariance is the inverse transform of |FFT(x)|^2, with x
  // zero-padded to m >= n + lag so that the circular sums up to that lag do not wrap: a
  // transform no longer than the lags asked for need, at least n / 4 of them. Only the sum
  // over chains is needed, so two real chains share one complex transform z = x + i y:
  // |X_k|^2 + |Y_k|^2 = (|Z_k|^2 + |Z_{m-k}|^2) / 2, and one inverse transform serves all.
  void transform(std::size_t lag) {
    const std::size_t n = length_;
    std::size_t m = 1;
    while (m < n + std::max(lag, n / 4)) m *= 2;
    Eigen::FFT<double> fft;
    std::vector<std::complex<double>> packed(m);
    std::vector<std::complex<double>> spectrum;
    std::vector<std::complex<double>> power(m, 0.0);
    for (std::size_t c = 0; c < count_; c += 2) {
      std::fill(packed.begin(), packed.end(), 0.0);
      const double* x = centred_.data() + c * n;
      const double* y = c + 1 < count_ ? x + n : nullptr;
      for (std::size_t i = 0; i < n; ++i) packed[i] = {x[i], y != nullptr ? y[i] : 0.0};
      fft.fwd(spectrum, packed);
      for (std::size_t k = 0; k < m; ++k) {
        power[k] += 0.5 * (std::norm(spectrum[k]) + std::norm(spectrum[(m - k) % m]));
      }
    }
    std::vector<std::complex<double>> sums;
    fft.inv(sums, power);
    const double scale = 1 / (static_cast<double>(n) * static_cast<double>(count_));
    const std::size_t exact = std::min(n, m - n + 1);
    for (std::size_t t = lags_.size(); t < exact; ++t) lags_.push_back(sums[t].real() * scale);
  }

  std::size_t count_;
  std::size_t length_;
  std::vector<double> centred_;
  std::vector<double> lags_;
};

/// The effective sample size of already split chains (Vehtari et al. 2021, eqs. 10-11),
/// step by step as ArviZ's _ess.
double ess(Chains chains) {
  const std::size_t n = chains.length;
  const std::size_t count = chains.count;
  const double nd = static_cast<double>(n);
  std::vector<double> means(count);
  for (std::size_t c = 0; c < count; ++c) means[c] = stats::mean(chains.chain(c));
  MeanAutocovariance acov(std::move(chains), means);
  const double mean_var = acov(0) * nd / (nd - 1);
  double var_plus = mean_var * (nd - 1) / nd;
  if (count > 1) var_plus += stats::variance(means);
  if (!(var_plus > 0)) return nan;
  const auto rho_at = [&](std::size_t lag) { return 1 - (mean_var - acov(lag)) / var_plus; };

  std::vector<double> rho(n, 0.0);
  double rho_even = 1;
  double rho_odd = rho_at(1);
  rho[0] = rho_even;
  rho[1] = rho_odd;
  // Geyer's initial positive sequence: sums of pairs while they stay positive.
  std::size_t t = 1;
  while (t + 3 < n && rho_even + rho_odd > 0) {
    rho_even = rho_at(t + 1);
    rho_odd = rho_at(t + 2);
    if (rho_even + rho_odd >= 0) {
      rho[t + 1] = rho_even;
      rho[t + 2] = rho_odd;
    }
    t += 2;
  }
  const auto max_t = static_cast<std::ptrdiff_t>(t) - 2;
  if (rho_even > 0) rho[static_cast<std::size_t>(max_t + 1)] = rho_even;
  // Geyer's initial monotone sequence: pair sums never increase.
  for (std::ptrdiff_t s = 1; s <= max_t - 2; s += 2) {
    const auto u = static_cast<std::size_t>(s);
    if (rho[u + 1] + rho[u + 2] > rho[u - 1] + rho[u]) {
      rho[u + 1] = (rho[u - 1] + rho[u]) / 2;
      rho[u + 2] = rho[u + 1];
    }
  }
  const double size = static_cast<double>(count) * nd;
  double sum = 0;
  for (std::ptrdiff_t s = 0; s <= max_t; ++s) sum += rho[static_cast<std::size_t>(s)];
  double tau = -1 + 2 * sum + rho[static_cast<std::size_t>(max_t + 1)];
  tau = std::max(tau, 1 / std::log10(size));
  return std::isnan(tau) ? nan : size / tau;
}

}  // namespace

namespace detail {

RankDiagnostics rank_diagnostics(std::span<const double> draws, std::size_t chains) {
  const std::size_t n = draws.size() / chains;
  const std::size_t half = n / 2;
  const std::size_t count = 2 * chains;
  const std::size_t size = count * half;
  const Runs runs = runs_of(split(draws, chains));
  const std::vector<std::uint32_t> order = sorted_indices(runs.value);
  const std::vector<double> bulk = rank_normalise(runs, order, runs.value, size);

  std::vector<double> middles;
  if (n % 2 == 1) {
    for (std::size_t c = 0; c < chains; ++c) middles.push_back(draws[c * n + n / 2]);
    std::sort(middles.begin(), middles.end());
  }
  const double median = median_of(runs, order, middles);
  // |x - median| in order: walk outwards from the median, merging the two sides.
  std::vector<double> folded(runs.value.size());
  for (std::size_t r = 0; r < folded.size(); ++r) folded[r] = std::abs(runs.value[r] - median);
  const auto split_at = static_cast<std::size_t>(
      std::partition_point(order.begin(), order.end(),
                           [&](std::uint32_t r) { return runs.value[r] < median; }) -
      order.begin());
  std::vector<std::uint32_t> folded_order;
  folded_order.reserve(order.size());
  std::size_t below = split_at;
  std::size_t above = split_at;
  while (below > 0 || above < order.size()) {
    const bool take_below =
        above == order.size() || (below > 0 && folded[order[below - 1]] <= folded[order[above]]);
    folded_order.push_back(take_below ? order[--below] : order[above++]);
  }
  const std::vector<double> tails = rank_normalise(runs, folded_order, folded, size);

  const double bulk_rhat = rhat(runs, bulk, count, half);
  const double tail_rhat = rhat(runs, tails, count, half);
  const double r =
      std::isnan(bulk_rhat) || std::isnan(tail_rhat) ? nan : std::max(bulk_rhat, tail_rhat);
  return {r, ess(expand(runs, bulk, count, half))};
}

}  // namespace detail

double split_rhat(std::span<const double> draws, std::size_t chains) {
  check(draws, chains, "split_rhat");
  return detail::rank_diagnostics(draws, chains).rhat;
}

double ess_bulk(std::span<const double> draws, std::size_t chains) {
  check(draws, chains, "ess_bulk");
  return detail::rank_diagnostics(draws, chains).ess;
}

}  // namespace pardo::mcmc

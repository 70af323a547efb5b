#include "pardo/mcmc/diagnostics.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "core/huge_pages.hpp"
#include "core/validate.hpp"
#include "mcmc/rank_diagnostics.hpp"
#include "mcmc/real_fft.hpp"
#include "pardo/stats/descriptive.hpp"

namespace pardo::mcmc {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

template <class T>
using Buffer = std::vector<T, pardo::detail::HugePageAllocator<T>>;

// Phi^-1(p) for 0 < p < 1 by Wichura's algorithm AS 241 (PPND16, 1988), relative error
// about 1e-16: as exact as Boost's, without its long double arithmetic, which matters
// when every draw of every parameter is transformed. In two parts: the central range
// |p - 0.5| <= 0.425 has no branch and vectorises; the tails take a log.
constexpr double central_range = 0.425;

/// Phi^-1(0.5 + q) for |q| <= central_range.
double central_quantile(double q) {
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
         (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
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

/// Phi^-1(p) for |p - 0.5| > central_range.
double tail_quantile(double p) {
  const double q = p - 0.5;
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

/// Maximal stretches of equal consecutive values within each split chain, in order: a
/// Metropolis chain repeats its state on every rejection, so there are about
/// (acceptance rate) x (draws) of them to sort.
struct Runs {
  Buffer<double> value;
  Buffer<std::uint32_t> length;
};

/// Runs in ascending order of a value: for each, its index among the runs, the value and its
/// length, side by side so that the passes over them read memory in order.
struct Ordered {
  Buffer<std::uint32_t> run;
  Buffer<double> value;
  Buffer<std::uint32_t> length;
};

}  // namespace

namespace detail {

/// Every buffer of one parameter's diagnostics. The vectors are resized, not cleared, where
/// every element is written again: that keeps their pages and skips zeroing them.
struct Workspace::Buffers {
  Buffer<double> halves;  // the split chains, when a chain's length is odd
  Buffer<std::uint32_t> starts;
  Runs runs;
  Buffer<std::uint64_t> keys;
  Buffer<std::uint64_t> keys_to;
  Buffer<std::uint32_t> index_to;
  Ordered ordered;
  Ordered folded;
  Buffer<double> probability;
  Buffer<double> bulk;
  Buffer<double> tails;
  Buffer<double> means;
  Buffer<double> tail_means;
  Buffer<double> rho;
  Buffer<double> sums;  // the inverse transform: lagged sums of products
  Buffer<double> power;
  // Kept with the buffers: it keeps its plan and twiddles from chain to chain and parameter
  // to parameter. Not thread-safe, like the workspace.
  RealFft fft;
};

Workspace::Workspace() : buffers_(std::make_unique<Buffers>()) {}

Workspace::~Workspace() = default;

}  // namespace detail

namespace {

using Buffers = detail::Workspace::Buffers;

/// Each chain's first and last halves as two chains; an odd chain loses its middle draw.
void split(std::span<const double> draws, std::size_t chains, Buffer<double>& out) {
  const std::size_t n = draws.size() / chains;
  const std::size_t half = n / 2;
  out.clear();
  for (std::size_t c = 0; c < chains; ++c) {
    const auto chain = draws.subspan(c * n, n);
    out.insert(out.end(), chain.begin(), chain.begin() + static_cast<long>(half));
    out.insert(out.end(), chain.end() - static_cast<long>(half), chain.end());
  }
}

/// The runs of split chains of `length` draws each. Where each run starts is found first,
/// without a branch per draw: runs last about 1 / (acceptance rate) draws, too irregularly
/// for a branch on their ends to be predicted.
void runs_of(std::span<const double> x, std::size_t length, Runs& runs,
             Buffer<std::uint32_t>& starts) {
  runs.value.clear();
  runs.length.clear();
  // Untouched capacity costs no memory: reserve for draws that all differ.
  runs.value.reserve(x.size());
  runs.length.reserve(x.size());
  starts.resize(length + 1);
  for (std::size_t start = 0; start < x.size(); start += length) {
    const double* y = x.data() + start;
    std::size_t k = 1;
    starts[0] = 0;
    for (std::size_t i = 1; i < length; ++i) {
      starts[k] = static_cast<std::uint32_t>(i);
      k += y[i] != y[i - 1] ? 1 : 0;
    }
    starts[k] = static_cast<std::uint32_t>(length);
    for (std::size_t q = 0; q < k; ++q) {
      runs.value.push_back(y[starts[q]]);
      runs.length.push_back(starts[q + 1] - starts[q]);
    }
  }
}

/// Unsigned keys in the order of the doubles (-0 just before +0).
std::uint64_t order_key(double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

double from_order_key(std::uint64_t key) {
  return std::bit_cast<double>((key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key);
}

/// Least-significant-digit radix passes over bytes `from` to 7 of the keys, carrying their
/// runs' indices, passing over a byte that every key shares (the sign's, when no value is
/// negative). `counts` holds each byte's histogram, and is used up.
void radix_passes(std::array<std::array<std::size_t, 256>, 8>& counts, std::size_t from,
                  Buffers& b) {
  Buffer<std::uint64_t>& keys = b.keys;
  Buffer<std::uint32_t>& index = b.ordered.run;
  const std::size_t size = keys.size();
  for (std::size_t d = from; d < 8; ++d) {
    auto& count = counts[d];
    if (std::find(count.begin(), count.end(), size) != count.end()) continue;
    std::size_t offset = 0;
    for (std::size_t& c : count) offset += std::exchange(c, offset);
    for (std::size_t i = 0; i < size; ++i) {
      const std::size_t to = count[(keys[i] >> (8 * d)) & 0xff]++;
      b.keys_to[to] = keys[i];
      b.index_to[to] = index[i];
    }
    keys.swap(b.keys_to);
    index.swap(b.index_to);
  }
}

/// Puts keys in order where, sorted on their top halves, they are not yet: by insertion,
/// stable, carrying the indices along. False, part-way, after as many moves as there are
/// keys: then many keys differ in their low halves alone, and sorting them on every byte
/// costs less.
bool order_by_insertion(Buffer<std::uint64_t>& keys, Buffer<std::uint32_t>& index) {
  std::size_t moves = keys.size();
  for (std::size_t g = 1; g < keys.size(); ++g) {
    const std::uint64_t key = keys[g];
    if (keys[g - 1] <= key) continue;
    const std::uint32_t run = index[g];
    std::size_t h = g;
    for (; h > 0 && keys[h - 1] > key; --h) {
      if (moves-- == 0) return false;
      keys[h] = keys[h - 1];
      index[h] = index[h - 1];
    }
    keys[h] = key;
    index[h] = run;
  }
  return true;
}

/// The runs in ascending order of their values, into b.ordered, equal values in run order:
/// a radix sort on the keys' top halves, which hold a double's sign, exponent and 20 bits of
/// its mantissa and so rarely tie between draws of a continuous law, then insertion where
/// they do. Half the passes of a sort on every byte, and the same order.
void sort_runs(const Runs& runs, Buffers& b) {
  const std::size_t size = runs.value.size();
  Buffer<std::uint64_t>& keys = b.keys;
  Buffer<std::uint32_t>& index = b.ordered.run;
  keys.resize(size);
  index.resize(size);
  b.keys_to.resize(size);
  b.index_to.resize(size);
  std::array<std::array<std::size_t, 256>, 8> counts{};
  const auto load = [&](std::size_t from) {
    for (auto& count : counts) count.fill(0);
    for (std::size_t i = 0; i < size; ++i) {
      keys[i] = order_key(runs.value[i]);
      index[i] = static_cast<std::uint32_t>(i);
      for (std::size_t d = from; d < 8; ++d) ++counts[d][(keys[i] >> (8 * d)) & 0xff];
    }
  };
  load(4);
  radix_passes(counts, 4, b);
  if (!order_by_insertion(keys, index)) {
    load(0);
    radix_passes(counts, 0, b);
  }
  b.ordered.value.resize(size);
  b.ordered.length.resize(size);
  for (std::size_t g = 0; g < size; ++g) {
    b.ordered.value[g] = from_order_key(keys[g]);
    b.ordered.length[g] = runs.length[index[g]];
  }
}

/// Rank-normalises the ordered runs: z = Phi^-1((r - 3/8) / (S + 1/4)) for every draw of a
/// run, ties given their average rank. One z per run, in run order, into `of_run`. The
/// probabilities come first, in rank order, so that those in Phi^-1's central range are one
/// stretch, transformed in a loop without a branch.
void rank_normalise(const Ordered& ordered, std::size_t size, Buffer<double>& of_run,
                    Buffer<double>& probability) {
  const std::size_t runs = ordered.run.size();
  probability.resize(runs);
  const double denominator = static_cast<double>(size) + 0.25;
  std::size_t first = 0;  // draws before the tied group
  for (std::size_t g = 0; g < runs;) {
    std::size_t h = g;
    std::size_t tied = 0;
    while (h < runs && ordered.value[h] == ordered.value[g]) tied += ordered.length[h++];
    // Ranks first + 1 .. last + 1 tie: each gets their average.
    const std::size_t last = first + tied - 1;
    const double rank = 0.5 * static_cast<double>(first + last) + 1.0;
    for (; g < h; ++g) probability[g] = (rank - 0.375) / denominator;
    first = last + 1;
  }
  const auto central_begin = std::partition_point(
      probability.begin(), probability.end(), [](double p) { return p - 0.5 < -central_range; });
  const auto central_end = std::partition_point(central_begin, probability.end(),
                                                [](double p) { return p - 0.5 <= central_range; });
  std::transform(probability.begin(), central_begin, probability.begin(), tail_quantile);
  std::transform(central_begin, central_end, central_begin,
                 [](double p) { return central_quantile(p - 0.5); });
  std::transform(central_end, probability.end(), central_end, tail_quantile);
  of_run.resize(runs);
  for (std::size_t g = 0; g < runs; ++g) of_run[ordered.run[g]] = probability[g];
}

/// The ordered runs of |x - median|, into `out`: a merge of the runs below the median, walked
/// downwards, with those above it, walked upwards, equal distances below first. The merge
/// runs from both ends at once, as two chains of steps that do not wait for each other: from
/// the median outwards, taking the nearer run, and from the outermost runs inwards, taking the
/// farther, equal distances above first.
void fold(const Ordered& ordered, double median, Ordered& out) {
  const std::size_t size = ordered.run.size();
  out.run.resize(size);
  out.value.resize(size);
  out.length.resize(size);
  const auto split_at =
      static_cast<std::size_t>(std::partition_point(ordered.value.begin(), ordered.value.end(),
                                                    [&](double v) { return v < median; }) -
                               ordered.value.begin());
  const auto distance = [&](std::size_t g) { return std::abs(ordered.value[g] - median); };
  const auto take = [&](std::size_t p, std::size_t g) {
    out.run[p] = ordered.run[g];
    out.value[p] = distance(g);
    out.length[p] = ordered.length[g];
  };
  // Outwards, the next runs are below - 1 and above; inwards, low and high - 1.
  std::size_t below = split_at;
  std::size_t above = split_at;
  std::size_t low = 0;
  std::size_t high = size;
  const std::size_t front = size / 2;
  // Which side comes next is a coin toss: selected, not branched on. Where a side has run
  // out, its distance is read from the other's run, and that side is not taken.
  for (std::size_t p = 0; p < front; ++p) {
    const std::size_t down = below > 0 ? below - 1 : above;
    const std::size_t up = above < size ? above : below - 1;
    const bool take_below = below > 0 && (above == size || distance(down) <= distance(up));
    take(p, take_below ? down : up);
    below -= take_below ? 1 : 0;
    above += take_below ? 0 : 1;
    const std::size_t in_low = low < split_at ? low : high - 1;
    const std::size_t in_high = high > split_at ? high - 1 : low;
    const bool take_high =
        high > split_at && (low == split_at || distance(in_high) >= distance(in_low));
    take(size - 1 - p, take_high ? in_high : in_low);
    high -= take_high ? 1 : 0;
    low += take_high ? 0 : 1;
  }
  // Of an odd number of runs, one is left between the two.
  if (size % 2 == 1) take(front, below > low ? below - 1 : above);
}

/// The median of every draw (the middle draws of odd chains too, as `extra`, sorted): the
/// value of rank k among the ordered runs and the extra values, for k = S / 2 and below it.
double median_of(const Ordered& ordered, std::span<const double> extra) {
  std::size_t size = extra.size();
  for (const std::uint32_t length : ordered.length) size += length;
  const std::size_t runs = ordered.run.size();
  const auto nth = [&](std::size_t k) {
    std::size_t r = 0;
    std::size_t e = 0;
    std::size_t seen = 0;
    for (;;) {
      const bool from_extra = e < extra.size() && (r == runs || extra[e] < ordered.value[r]);
      const std::size_t weight = from_extra ? 1 : ordered.length[r];
      const double v = from_extra ? extra[e] : ordered.value[r];
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

/// Gelman-Rubin R-hat of already split chains of `length` draws, of the bulk and of the
/// tails at once, each given as a value per run: each chain's mean and (two-pass) variance
/// summed run by run. Runs never cross chains, so a chain ends where the draws counted reach
/// its end.
std::array<double, 2> rhats(const Runs& runs, std::span<const double> bulk,
                            std::span<const double> tails, std::size_t count, std::size_t length,
                            Buffers& b) {
  const double n = static_cast<double>(length);
  Buffer<double>& means = b.means;
  Buffer<double>& tail_means = b.tail_means;
  means.resize(count);
  tail_means.resize(count);
  // Sums in registers, stored as each chain ends.
  std::size_t c = 0;
  std::size_t position = 0;
  double bulk_sum = 0;
  double tail_sum = 0;
  for (std::size_t r = 0; r < runs.length.size(); ++r) {
    bulk_sum += runs.length[r] * bulk[r];
    tail_sum += runs.length[r] * tails[r];
    position += runs.length[r];
    if (position == (c + 1) * length) {
      means[c] = std::exchange(bulk_sum, 0.0);
      tail_means[c] = std::exchange(tail_sum, 0.0);
      ++c;
    }
  }
  for (double& m : means) m /= n;
  for (double& m : tail_means) m /= n;
  std::array<double, 2> within{};
  std::array<double, 2> squares{};
  c = 0;
  position = 0;
  for (std::size_t r = 0; r < runs.length.size(); ++r) {
    const double d = bulk[r] - means[c];
    const double e = tails[r] - tail_means[c];
    squares[0] += runs.length[r] * d * d;
    squares[1] += runs.length[r] * e * e;
    position += runs.length[r];
    if (position == (c + 1) * length) {
      for (std::size_t v = 0; v < 2; ++v) within[v] += std::exchange(squares[v], 0.0) / (n - 1);
      ++c;
    }
  }
  const auto rhat = [&](double within_sum, std::span<const double> chain_means) {
    const double w = within_sum / static_cast<double>(count);
    const double between = n * stats::variance(chain_means);
    return std::sqrt((between / w + n - 1) / n);
  };
  return {rhat(within[0], means), rhat(within[1], tail_means)};
}

/// The autocovariances of every chain at increasing lags, averaged over chains, by FFT: up to
/// about n / 16 lags at first, where Geyer's truncation stops for all but the most correlated
/// chains, and as far as asked for beyond. The chains are given as runs and expanded one at a
/// time, into the transform's input, not all at once.
class MeanAutocovariance {
 public:
  /// Of the split chains of `length` draws whose draws are the runs' values `of_run`, and
  /// whose means are `means`.
  MeanAutocovariance(const Runs& runs, std::span<const double> of_run,
                     std::span<const double> means, std::size_t length, Buffers& b)
      : runs_(runs), of_run_(of_run), means_(means), length_(length), b_(b) {
    transform(0);
  }

  /// (1/n) sum_i (x_i - mean)(x_{i+lag} - mean), averaged over chains.
  double operator()(std::size_t lag) {
    if (lag >= lags_.size()) transform(lag);
    return lags_[lag];
  }

 private:
  static constexpr std::size_t least_lags = 8;
  static constexpr std::size_t expand_slack = 3;

  /// Writes the chain whose first run is `r`, less `mean`, as its even draws to `even` and
  /// its odd draws to `odd`, with up to 3 draws past its end; returns the next chain's first
  /// run. Runs are short, about 1 / (acceptance rate) draws: whole groups of 4 draws, two of
  /// each parity, the next run overwriting the excess, beat a loop of exact length per run.
  std::size_t expand(std::size_t r, double mean, double* even, double* odd) const {
    for (std::size_t written = 0; written < length_; ++r) {
      const double v = of_run_[r] - mean;
      // Draws written .. written + 3: even ones (written + 1) / 2 and the next, odd ones
      // written / 2 and the next.
      double* e = even + (written + 1) / 2;
      double* o = odd + written / 2;
      for (std::size_t i = 0; 2 * i < runs_.length[r]; i += 2)
        e[i] = e[i + 1] = o[i] = o[i + 1] = v;
      written += runs_.length[r];
    }
    return r;
  }

  // Wiener-Khinchin: the autocovariance is the inverse transform of |FFT(x)|^2, with x
  // zero-padded to m >= n + lag so that the circular sums up to that lag do not wrap: a
  // transform no longer than the lags asked for need. Only the sum over chains is needed, so
  // the chains' power spectra (m / 2 + 1 bins of a real transform) are added and one inverse
  // transform serves all.
  void transform(std::size_t lag) {
    const std::size_t n = length_;
    // A margin of n / 16 lags at first, doubled whenever more are asked for.
    const std::size_t m =
        detail::RealFft::length_at_least(n + std::max({lag, 2 * lags_.size(), n / 16, least_lags}));
    // m - n leaves room to expand into.
    static_assert(expand_slack < least_lags);
    detail::RealFft& fft = b_.fft;
    fft.plan(m);
    b_.power.assign(m / 2 + 1, 0.0);
    std::size_t r = 0;
    for (const double mean : means_) {
      const auto [even, odd] = fft.samples();
      r = expand(r, mean, even, odd);
      std::fill(even + (n + 1) / 2, even + m / 2, 0.0);
      std::fill(odd + n / 2, odd + m / 2, 0.0);
      fft.add_power(b_.power.data());
    }
    b_.sums.resize(m);
    fft.inverse(b_.power.data(), b_.sums.data());
    const double scale =
        1 / (static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(means_.size()));
    const std::size_t exact = std::min(n, m - n + 1);
    for (std::size_t t = lags_.size(); t < exact; ++t) lags_.push_back(b_.sums[t] * scale);
  }

  const Runs& runs_;
  std::span<const double> of_run_;
  std::span<const double> means_;
  std::size_t length_;
  Buffers& b_;
  std::vector<double> lags_;
};

/// The effective sample size (Vehtari et al. 2021, eqs. 10-11), step by step as ArviZ's
/// _ess, of the split chains of n draws whose draws are the runs' values `of_run`, and whose
/// means are `means`.
double ess(const Runs& runs, std::span<const double> of_run, std::span<const double> means,
           std::size_t n, Buffers& b) {
  const double nd = static_cast<double>(n);
  const std::size_t count = means.size();
  MeanAutocovariance acov(runs, of_run, means, n, b);
  const double mean_var = acov(0) * nd / (nd - 1);
  double var_plus = mean_var * (nd - 1) / nd;
  if (count > 1) var_plus += stats::variance(means);
  if (!(var_plus > 0)) return nan;
  const auto rho_at = [&](std::size_t lag) { return 1 - (mean_var - acov(lag)) / var_plus; };

  Buffer<double>& rho = b.rho;
  // As far as the truncation reaches, zero where a pair is left out: often a few hundred
  // lags of n.
  rho.assign(2, 0.0);
  double rho_even = 1;
  double rho_odd = rho_at(1);
  rho[0] = rho_even;
  rho[1] = rho_odd;
  // Geyer's initial positive sequence: sums of pairs while they stay positive.
  std::size_t t = 1;
  while (t + 3 < n && rho_even + rho_odd > 0) {
    rho_even = rho_at(t + 1);
    rho_odd = rho_at(t + 2);
    rho.resize(t + 3, 0.0);
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

RankDiagnostics rank_diagnostics(std::span<const double> draws, std::size_t chains,
                                 Workspace& workspace) {
  Buffers& b = workspace.buffers();
  const std::size_t n = draws.size() / chains;
  const std::size_t half = n / 2;
  const std::size_t count = 2 * chains;
  const std::size_t size = count * half;
  // Chains of even length are already their halves, one after the other.
  if (n % 2 == 1) split(draws, chains, b.halves);
  runs_of(n % 2 == 1 ? std::span<const double>(b.halves) : draws, half, b.runs, b.starts);
  sort_runs(b.runs, b);
  rank_normalise(b.ordered, size, b.bulk, b.probability);

  std::vector<double> middles;
  if (n % 2 == 1) {
    for (std::size_t c = 0; c < chains; ++c) middles.push_back(draws[c * n + n / 2]);
    std::sort(middles.begin(), middles.end());
  }
  fold(b.ordered, median_of(b.ordered, middles), b.folded);
  rank_normalise(b.folded, size, b.tails, b.probability);

  const auto [bulk_rhat, tail_rhat] = rhats(b.runs, b.bulk, b.tails, count, half, b);
  const double r =
      std::isnan(bulk_rhat) || std::isnan(tail_rhat) ? nan : std::max(bulk_rhat, tail_rhat);
  // rhats took each split chain's mean of the bulk.
  return {r, ess(b.runs, b.bulk, b.means, half, b)};
}

}  // namespace detail

double split_rhat(std::span<const double> draws, std::size_t chains) {
  check(draws, chains, "split_rhat");
  detail::Workspace workspace;
  return detail::rank_diagnostics(draws, chains, workspace).rhat;
}

double ess_bulk(std::span<const double> draws, std::size_t chains) {
  check(draws, chains, "ess_bulk");
  detail::Workspace workspace;
  return detail::rank_diagnostics(draws, chains, workspace).ess;
}

}  // namespace pardo::mcmc

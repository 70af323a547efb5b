#include "pardo/mc/integrate.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <stop_token>
#include <string>

#include "core/validate.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::mc {

namespace {

using pardo::format_number;
using pardo::detail::require_at_least;
using pardo::detail::require_finite;
using pardo::detail::require_positive;
using pardo::detail::require_same_size;
using pardo::detail::throw_invalid;

constexpr std::string_view caller = "integrate";
constexpr double z95 = 1.959963984540054;
constexpr std::uint64_t first_round_blocks = 8;
// Bounds the per-round vector of block results in long runs.
constexpr std::uint64_t max_round_blocks = std::uint64_t{1} << 16;
// Each block holds two sweeps at least: this bounds its memory.
constexpr std::uint64_t max_strata = std::uint64_t{1} << 24;
// Points evaluated per call of the integrand.
constexpr std::uint64_t chunk_points = 512;

void validate_box(const Box& box) {
  require_at_least(box.lower.size(), 1, caller, "box.lower");
  require_same_size(box.lower.size(), box.upper.size(), caller, "box.lower", "box.upper");
  require_finite(box.lower, caller, "box.lower");
  require_finite(box.upper, caller, "box.upper");
  double volume = 1;
  for (std::size_t i = 0; i < box.dim(); ++i) {
    if (!(box.lower[i] < box.upper[i])) {
      std::string message = "box.lower[" + std::to_string(i);
      message += "] = " + format_number(box.lower[i]);
      message += " is not below box.upper[" + std::to_string(i);
      message += "] = " + format_number(box.upper[i]);
      throw_invalid(caller, message);
    }
    volume *= box.upper[i] - box.lower[i];
  }
  if (!std::isfinite(volume) || !(volume > 0)) {
    throw_invalid(caller, "the box's volume is " + format_number(volume) +
                              "; it must be finite and positive");
  }
}

void validate_tolerance(const std::optional<double>& tol, std::string_view name) {
  if (tol && !(std::isfinite(*tol) && *tol > 0)) {
    throw_invalid(caller,
                  std::string(name) + " is " + format_number(*tol) + "; it must be finite and > 0");
  }
}

// k^m, or a value above `limit` if it would exceed it.
std::uint64_t capped_power(std::uint64_t k, std::uint64_t m, std::uint64_t limit) {
  std::uint64_t p = 1;
  for (std::uint64_t i = 0; i < m; ++i) {
    if (p > limit / k) return limit + 1;
    p *= k;
  }
  return p;
}

double volume_of(const detail::IntegratePlan& plan) {
  double volume = 1;
  for (std::size_t i = 0; i < plan.lower.size(); ++i) volume *= plan.upper[i] - plan.lower[i];
  return volume;
}

bool adaptive(const IntegrateOptions& options) {
  return options.abs_tol.has_value() || options.rel_tol.has_value();
}

struct Estimate {
  double value;
  double std_error;
};

Estimate estimate_of(const detail::IntegratePlan& plan, const detail::IntegrateTotals& totals) {
  const detail::BlockMoments& m = totals.moments;
  if (m.n == 0) {
    return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  }
  const double volume = volume_of(plan);
  // Plain sampling: the sample variance of all values; a grid: the pooled within-cell one.
  const bool grid = detail::strata(plan) > 1;
  const double df = grid ? m.within_df : m.n - 1;
  const double variance =
      df > 0 ? (grid ? m.within : m.m2) / df : std::numeric_limits<double>::quiet_NaN();
  return {volume * m.mean, volume * std::sqrt(variance / m.n)};
}

[[noreturn]] void throw_not_finite(double value, std::span<const double> x) {
  std::string point = "(";
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i > 0) point += ", ";
    point += format_number(x[i]);
  }
  throw std::domain_error("integrate: the integrand is " + format_number(value) +
                          " at x = " + point + ")");
}

}  // namespace

std::string_view to_string(IntegrationMethod method) noexcept {
  switch (method) {
    case IntegrationMethod::plain:
      return "plain";
    case IntegrationMethod::stratified:
      return "stratified";
  }
  return "unknown";
}

std::optional<IntegrationMethod> parse_integration_method(std::string_view name) noexcept {
  if (name == "plain") return IntegrationMethod::plain;
  if (name == "stratified") return IntegrationMethod::stratified;
  return std::nullopt;
}

namespace detail {

void IntegrateTotals::add(const BlockMoments& block) noexcept {
  ++blocks;
  if (block.n == 0) return;
  BlockMoments& a = moments;
  const double n = a.n + block.n;
  const double delta = block.mean - a.mean;
  a.mean += delta * (block.n / n);
  a.m2 += block.m2 + delta * delta * (a.n * block.n / n);
  a.n = n;
  a.within += block.within;
  a.within_df += block.within_df;
  a.nonzero += block.nonzero;
}

IntegratePlan make_plan(const Box& box, const IntegrateOptions& options) {
  validate_box(box);
  if (options.samples < 2) {
    throw_invalid(caller, "samples is " + std::to_string(options.samples) +
                              "; at least 2 are needed for an error estimate");
  }
  require_positive(options.block_samples, caller, "block_samples");
  require_positive(options.strata, caller, "strata");
  if (options.strata > max_strata) {
    throw_invalid(caller, "strata is " + std::to_string(options.strata) + "; at most " +
                              std::to_string(max_strata) + " cells");
  }
  if (!parse_integration_method(to_string(options.method))) {
    throw_invalid(caller, "unknown method " + std::to_string(static_cast<int>(options.method)));
  }
  validate_tolerance(options.abs_tol, "abs_tol");
  validate_tolerance(options.rel_tol, "rel_tol");

  IntegratePlan plan;
  plan.lower = box.lower;
  plan.upper = box.upper;
  plan.seed = options.seed;
  if (options.method == IntegrationMethod::stratified) {
    // At least two sweeps, so that every cell has a variance.
    const std::uint64_t cells = std::min(options.strata, options.samples / 2);
    const auto m =
        std::min<std::uint64_t>(box.dim(), static_cast<std::uint64_t>(std::bit_width(cells)) - 1);
    if (m > 0) {
      auto k = static_cast<std::uint64_t>(
          std::floor(std::pow(static_cast<double>(cells), 1.0 / static_cast<double>(m))));
      while (capped_power(k + 1, m, cells) <= cells) ++k;
      while (k > 1 && capped_power(k, m, cells) > cells) --k;
      plan.strata_axes = m;
      plan.strata_per_axis = k;
    }
  }
  const std::uint64_t h = strata(plan);
  plan.sweeps_total = options.samples / h;
  plan.sweeps_per_block = std::max<std::uint64_t>(2, options.block_samples / h);
  return plan;
}

std::uint64_t strata(const IntegratePlan& plan) noexcept {
  return capped_power(plan.strata_per_axis, plan.strata_axes,
                      std::numeric_limits<std::uint64_t>::max());
}

std::uint64_t blocks_total(const IntegratePlan& plan) noexcept {
  return plan.sweeps_total / plan.sweeps_per_block +
         (plan.sweeps_total % plan.sweeps_per_block != 0 ? 1 : 0);
}

void require_block_memory(const IntegratePlan& plan, std::size_t workers) {
  // A block keeps its values, one per stratum's sums, and one chunk of points.
  const double cells = static_cast<double>(strata(plan));
  const double per_block =
      (static_cast<double>(plan.sweeps_per_block) * cells + cells +
       static_cast<double>(chunk_points) * static_cast<double>(plan.lower.size())) *
      sizeof(double);
  pardo::detail::require_memory(static_cast<double>(workers) * per_block, "integrate",
                                std::to_string(workers) + " blocks at once of " +
                                    std::to_string(plan.sweeps_per_block * strata(plan)) +
                                    " samples",
                                "the values they keep");
}

BlockMoments integrate_block(const IntegratePlan& plan, std::uint64_t block, IntegrandRef f,
                             const std::stop_token& stop) {
  const std::size_t dim = plan.lower.size();
  const std::uint64_t cells = strata(plan);
  const std::uint64_t sweeps =
      std::min(plan.sweeps_per_block, plan.sweeps_total - block * plan.sweeps_per_block);
  const std::uint64_t n = sweeps * cells;
  const auto k = static_cast<double>(plan.strata_per_axis);
  std::vector<double> width(dim);
  for (std::size_t i = 0; i < dim; ++i) width[i] = plan.upper[i] - plan.lower[i];

  random::Stream stream(plan.seed, block);
  std::vector<double> values(n);
  std::vector<double> points(std::min(n, chunk_points) * dim);
  for (std::uint64_t first = 0; first < n; first += chunk_points) {
    throw_if_stopped(stop);
    const auto count = static_cast<std::size_t>(std::min(chunk_points, n - first));
    const std::span<double> chunk(points.data(), count * dim);
    stream.fill(chunk);
    for (std::size_t j = 0; j < count; ++j) {
      double* x = chunk.data() + j * dim;
      // Point first + j lies in cell (first + j) mod cells: its digits in base k place it
      // along the cut axes.
      std::uint64_t cell = (first + j) % cells;
      for (std::size_t i = 0; i < dim; ++i) {
        double t = x[i];
        if (i < plan.strata_axes) {
          t = (static_cast<double>(cell % plan.strata_per_axis) + t) / k;
          cell /= plan.strata_per_axis;
        }
        x[i] = plan.lower[i] + width[i] * t;
      }
    }
    const std::span<double> out(values.data() + first, count);
    f.call(f.f, dim, chunk, out);
    for (std::size_t j = 0; j < count; ++j) {
      if (!std::isfinite(out[j])) throw_not_finite(out[j], chunk.subspan(j * dim, dim));
    }
  }

  // Two passes over the stored values: the means first, then squared deviations from them.
  BlockMoments moments;
  moments.n = static_cast<double>(n);
  std::vector<double> cell_sum(cells, 0.0);
  double sum = 0;
  for (std::uint64_t p = 0; p < n; ++p) {
    sum += values[p];
    cell_sum[p % cells] += values[p];
    moments.nonzero += values[p] != 0 ? 1.0 : 0.0;
  }
  moments.mean = sum / moments.n;
  for (double& s : cell_sum) s /= static_cast<double>(sweeps);
  for (std::uint64_t p = 0; p < n; ++p) {
    const double d = values[p] - moments.mean;
    const double e = values[p] - cell_sum[p % cells];
    moments.m2 += d * d;
    moments.within += e * e;
  }
  moments.within_df = static_cast<double>(cells * (sweeps - 1));
  return moments;
}

namespace {

// How many blocks the next round runs, given what is done (0: stop).
std::uint64_t next_round(const IntegratePlan& plan, const IntegrateOptions& options,
                         const IntegrateTotals& totals, bool* tolerance_met) {
  const std::uint64_t remaining = blocks_total(plan) - totals.blocks;
  if (!adaptive(options)) return std::min(remaining, max_round_blocks);
  if (totals.blocks == 0) return std::min(remaining, first_round_blocks);
  const Estimate e = estimate_of(plan, totals);
  const double half_width = z95 * e.std_error;
  const double target =
      std::max(options.abs_tol.value_or(0.0), options.rel_tol.value_or(0.0) * std::abs(e.value));
  const bool informative = totals.moments.nonzero >= static_cast<double>(min_nonzero_samples);
  if (half_width <= target && informative) {
    *tolerance_met = true;
    return 0;
  }
  if (remaining == 0) return 0;
  const auto done = static_cast<double>(totals.blocks);
  // The half-width shrinks as 1/sqrt(samples): aim at 1.1 times the blocks it needs. Too few
  // points where f is not zero say nothing of the half-width: grow 4-fold until there are.
  const double needed = done * 1.1 * (half_width / target) * (half_width / target);
  std::uint64_t more = 3 * totals.blocks;
  if (informative && std::isfinite(needed) && needed - done < static_cast<double>(more)) {
    more = static_cast<std::uint64_t>(std::ceil(std::max(needed - done, 0.0)));
  }
  return std::min({remaining, std::max(more, first_round_blocks), max_round_blocks});
}

}  // namespace

Rounds run_rounds(const IntegratePlan& plan, const IntegrateOptions& options,
                  const RunRound& run_round) {
  Rounds done;
  for (std::uint64_t count = next_round(plan, options, done.totals, &done.tolerance_met);
       count > 0 && !done.stopped;
       count = next_round(plan, options, done.totals, &done.tolerance_met)) {
    const std::vector<std::optional<BlockMoments>> blocks = run_round(done.totals.blocks, count);
    ++done.rounds;
    for (const auto& block : blocks) {
      if (!block) {
        done.stopped = true;
        break;
      }
      done.totals.add(*block);
    }
  }
  return done;
}

IntegrateResult summarise(const IntegratePlan& plan, const Rounds& rounds) {
  const IntegrateTotals& totals = rounds.totals;
  const Estimate e = estimate_of(plan, totals);
  IntegrateResult r;
  r.estimate = e.value;
  r.std_error = e.std_error;
  r.interval = {e.value - z95 * e.std_error, e.value + z95 * e.std_error, 0.95};
  r.samples = static_cast<std::uint64_t>(totals.moments.n);
  r.strata = strata(plan);
  r.rounds = rounds.rounds;
  r.tolerance_met = rounds.tolerance_met;
  r.nonzero_samples = static_cast<std::uint64_t>(totals.moments.nonzero);
  if (r.nonzero_samples < min_nonzero_samples) {
    r.warning = "f is not zero at only " + std::to_string(r.nonzero_samples) + " of " +
                std::to_string(r.samples) + " points, fewer than " +
                std::to_string(min_nonzero_samples) +
                ": the estimate and its standard error carry no information (does the "
                "integrand's region lie within the box, and is it hit often enough?)";
  }
  return r;
}

void require_integrand(bool present) {
  if (!present) throw_invalid(caller, "the integrand is an empty RemoteFunction");
}

BlockMoments integrate_scalar_block(ScalarIntegrateTask task) {
  return integrate_block(task.plan, task.block, make_integrand_ref(task.f));
}
PARDO_REMOTE(integrate_scalar_block);

BlockMoments integrate_batch_block(BatchIntegrateTask task) {
  return integrate_block(task.plan, task.block, make_integrand_ref(task.f));
}
PARDO_REMOTE(integrate_batch_block);

}  // namespace detail

std::uint64_t integration_blocks(const Box& box, const IntegrateOptions& options) {
  return detail::blocks_total(detail::make_plan(box, options));
}

namespace integrands {

double unit_ball(std::span<const double> x) {
  double r2 = 0;
  for (const double xi : x) r2 += xi * xi;
  return r2 <= 1.0 ? 1.0 : 0.0;
}
PARDO_REMOTE_FUNCTION(unit_ball);

double unit_ball_volume(std::size_t dim) {
  const double half = static_cast<double>(dim) / 2;
  return std::pow(std::numbers::pi, half) / std::tgamma(half + 1);
}

double cross_polytope(std::span<const double> x) {
  double r = 0;
  for (const double xi : x) r += std::abs(xi);
  return r <= 1.0 ? 1.0 : 0.0;
}
PARDO_REMOTE_FUNCTION(cross_polytope);

double cross_polytope_volume(std::size_t dim) {
  double v = 1;
  for (std::size_t i = 1; i <= dim; ++i) v *= 2.0 / static_cast<double>(i);
  return v;
}

double gaussian(std::span<const double> x) {
  double r2 = 0;
  for (const double xi : x) r2 += xi * xi;
  return std::exp(-r2);
}
PARDO_REMOTE_FUNCTION(gaussian);

double gaussian_integral(const Box& box) {
  validate_box(box);
  double integral = 1;
  for (std::size_t i = 0; i < box.dim(); ++i) {
    const double a = box.lower[i];
    const double b = box.upper[i];
    // erfc on a tail keeps the difference of two numbers near 1 from cancelling.
    const double mass = a >= 0   ? std::erfc(a) - std::erfc(b)
                        : b <= 0 ? std::erfc(-b) - std::erfc(-a)
                                 : std::erf(b) - std::erf(a);
    integral *= std::sqrt(std::numbers::pi) / 2 * mass;
  }
  return integral;
}

double cosine(std::span<const double> x) {
  double s = 0;
  for (const double xi : x) s += xi;
  return std::cos(s);
}
PARDO_REMOTE_FUNCTION(cosine);

double cosine_integral(const Box& box) {
  validate_box(box);
  // The integral of e^(i sum x) factorises over the axes; cos is its real part.
  std::complex<double> integral = 1;
  const std::complex<double> i(0, 1);
  for (std::size_t j = 0; j < box.dim(); ++j) {
    integral *= (std::exp(i * box.upper[j]) - std::exp(i * box.lower[j])) / i;
  }
  return integral.real();
}

}  // namespace integrands

}  // namespace pardo::mc

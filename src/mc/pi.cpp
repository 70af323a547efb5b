#include "pardo/mc/pi.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <random>
#include <span>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "pardo/random/bulk.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::mc {

namespace {

// A long block checks the stop flag between slices of this many samples (a few ms of work).
constexpr std::uint64_t stop_check_samples = std::uint64_t{1} << 22;

std::uint64_t count_naive(std::uint64_t seed, std::uint64_t block, std::uint64_t samples,
                          const std::stop_token& stop) {
  // Seeded from (seed, block) so that a block draws the same numbers on any worker.
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32)};
  std::mt19937_64 engine(seq);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uint64_t hits = 0;
  for (std::uint64_t i = 0; i < samples; ++i) {
    if (i % stop_check_samples == stop_check_samples - 1) throw_if_stopped(stop);
    const double x = uniform(engine);
    const double y = uniform(engine);
    hits += x * x + y * y < 1.0 ? 1u : 0u;
  }
  return hits;
}

std::uint64_t count_batched(std::uint64_t seed, std::uint64_t block, std::uint64_t samples,
                            const std::stop_token& stop) {
  // Bounded memory: 64 Ki points (1 MiB of doubles) at a time, like a chunked numpy loop.
  constexpr std::size_t chunk_points = std::size_t{1} << 16;
  thread_local std::vector<double> buffer(2 * chunk_points);
  random::Stream stream(seed, block);
  std::uint64_t hits = 0;
  for (std::uint64_t done = 0; done < samples;) {
    if (done % stop_check_samples == 0 && done > 0) throw_if_stopped(stop);
    const auto points =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk_points, samples - done));
    const std::span<double> xy(buffer.data(), 2 * points);
    stream.fill(xy);
    for (std::size_t i = 0; i < points; ++i) {
      hits += xy[2 * i] * xy[2 * i] + xy[2 * i + 1] * xy[2 * i + 1] < 1.0 ? 1u : 0u;
    }
    done += points;
  }
  return hits;
}

std::uint64_t count_simd(std::uint64_t seed, std::uint64_t block, std::uint64_t samples,
                         const std::stop_token& stop) {
  const random::Key key = random::derive_key(seed);
  const std::uint64_t pairs = samples / 2;
  // Counting in slices gives the same integer as one call over every pair.
  constexpr std::uint64_t slice = stop_check_samples / 2;
  std::uint64_t hits = 0;
  for (std::uint64_t first = 0; first < pairs; first += slice) {
    if (first > 0) throw_if_stopped(stop);
    hits += random::count_in_quarter_disc(key, block, first, std::min(slice, pairs - first));
  }
  if (samples % 2 != 0) {
    // An odd sample count takes the first point of one more Philox block.
    hits += random::detail::first_point_in_quarter_disc(key[0], key[1], block, pairs) ? 1u : 0u;
  }
  return hits;
}

}  // namespace

std::string_view to_string(PiMethod method) noexcept {
  switch (method) {
    case PiMethod::naive:
      return "naive";
    case PiMethod::batched:
      return "batched";
    case PiMethod::simd:
      return "simd";
  }
  return "unknown";
}

std::optional<PiMethod> parse_pi_method(std::string_view name) noexcept {
  for (PiMethod method : {PiMethod::naive, PiMethod::batched, PiMethod::simd}) {
    if (name == to_string(method)) return method;
  }
  return std::nullopt;
}

void validate(const PiOptions& options) {
  if (options.samples == 0)
    throw std::invalid_argument("estimate_pi: samples must be positive, got 0");
  if (!parse_pi_method(to_string(options.method))) {
    throw std::invalid_argument("estimate_pi: unknown method " +
                                std::to_string(static_cast<int>(options.method)));
  }
}

std::uint64_t pi_block_samples(const PiOptions& options) noexcept {
  if (options.block_samples != 0) return options.block_samples;
  constexpr std::uint64_t standard = std::uint64_t{1} << 22;
  constexpr std::uint64_t max_blocks = std::uint64_t{1} << 22;
  const std::uint64_t fewest =
      options.samples / max_blocks + (options.samples % max_blocks != 0 ? 1 : 0);
  return std::max(standard, fewest);
}

std::uint64_t pi_blocks(const PiOptions& options) noexcept {
  const std::uint64_t block = pi_block_samples(options);
  return options.samples / block + (options.samples % block != 0 ? 1 : 0);
}

namespace detail {

std::uint64_t count_block(const PiOptions& options, std::uint64_t block,
                          const std::stop_token& stop) {
  const std::uint64_t size = pi_block_samples(options);
  const std::uint64_t samples = std::min(size, options.samples - block * size);
  switch (options.method) {
    case PiMethod::naive:
      return count_naive(options.seed, block, samples, stop);
    case PiMethod::batched:
      return count_batched(options.seed, block, samples, stop);
    case PiMethod::simd:
      break;
  }
  return count_simd(options.seed, block, samples, stop);
}

std::uint64_t pi_block(PiTask task) { return count_block(task.options, task.block); }
PARDO_REMOTE(pi_block);

PiResult summarise(const PiOptions& options, const BlockRun<std::uint64_t>& run) {
  PiResult r;
  r.run = run.info;
  const std::uint64_t size = pi_block_samples(options);
  for (std::uint64_t b = 0; b < run.blocks.size(); ++b) {
    if (!run.blocks[b]) continue;
    r.hits += *run.blocks[b];
    r.samples += std::min(size, options.samples - b * size);
  }
  r.samples_per_second = r.run.seconds > 0 ? static_cast<double>(r.samples) / r.run.seconds : 0.0;
  r.interval.level = 0.95;
  if (r.samples == 0) {
    r.estimate = r.std_error = r.interval.low = r.interval.high = r.abs_error =
        std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  const double n = static_cast<double>(r.samples);
  const double p = static_cast<double>(r.hits) / n;
  r.estimate = 4.0 * p;
  r.std_error = 4.0 * std::sqrt(p * (1.0 - p) / n);
  constexpr double z95 = 1.959963984540054;
  r.interval.low = r.estimate - z95 * r.std_error;
  r.interval.high = r.estimate + z95 * r.std_error;
  r.abs_error = std::abs(r.estimate - std::numbers::pi);
  return r;
}

}  // namespace detail
}  // namespace pardo::mc

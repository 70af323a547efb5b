#include "pardo/opt/differential_evolution.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>

#include "core/validate.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::opt {

namespace {

std::size_t population_of(const DeOptions& o, std::size_t dim) {
  const std::size_t size = o.population == 0 ? std::max<std::size_t>(15 * dim, 5) : o.population;
  if (size < 5) {
    pardo::detail::throw_invalid("DifferentialEvolution",
                                 "population = " + std::to_string(size) +
                                     ": it needs at least 5 (the target and four others)");
  }
  return size;
}

DeOptions checked(const DeOptions& o) {
  const auto bad = [](const char* what, double value, const char* need) {
    char text[200];
    std::snprintf(text, sizeof text, "%s = %g: %s", what, value, need);
    pardo::detail::throw_invalid("DifferentialEvolution", text);
  };
  if (!(o.mutation_low > 0) || !(o.mutation_low <= o.mutation_high) || !(o.mutation_high <= 2)) {
    bad("mutation_low", o.mutation_low, "need 0 < mutation_low <= mutation_high <= 2");
  }
  if (!(o.crossover >= 0 && o.crossover <= 1)) bad("crossover", o.crossover, "need 0 <= it <= 1");
  return o;
}

}  // namespace

DifferentialEvolution::DifferentialEvolution(Problem problem, DeOptions options)
    : Solver(std::move(problem)),
      options_(checked(options)),
      size_(population_of(options_, dim())) {}

void DifferentialEvolution::initial_population(std::vector<double>& points) const {
  const std::size_t n = dim();
  const Bounds& b = problem().bounds;
  random::Stream stream(seed(), 0);
  points.resize(size_ * n);
  if (options_.latin_hypercube) {
    // Axis by axis: one point in each of size_ equal slices, the slices dealt at random.
    std::vector<std::size_t> slices(size_);
    for (std::size_t j = 0; j < n; ++j) {
      std::iota(slices.begin(), slices.end(), std::size_t{0});
      for (std::size_t i = size_ - 1; i > 0; --i) {
        std::swap(slices[i], slices[random::uniform_int(stream, 0, i)]);
      }
      const double width = (b.upper[j] - b.lower[j]) / static_cast<double>(size_);
      for (std::size_t i = 0; i < size_; ++i) {
        const double u = stream.next_double();
        points[i * n + j] =
            std::min(b.lower[j] + (static_cast<double>(slices[i]) + u) * width, b.upper[j]);
      }
    }
  } else {
    for (std::size_t i = 0; i < size_; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        points[i * n + j] = random::uniform(stream, b.lower[j], b.upper[j]);
      }
    }
  }
  if (!problem().x0.empty()) std::copy(problem().x0.begin(), problem().x0.end(), points.begin());
}

double DifferentialEvolution::mutation(random::Stream& stream) const {
  return options_.mutation_low == options_.mutation_high
             ? options_.mutation_low
             : random::uniform(stream, options_.mutation_low, options_.mutation_high);
}

std::size_t DifferentialEvolution::best_index() const {
  return static_cast<std::size_t>(std::min_element(values_.begin(), values_.end()) -
                                  values_.begin());
}

void DifferentialEvolution::trial(std::size_t i, random::Stream& stream, double f, std::size_t best,
                                  std::span<double> out) const {
  const std::size_t n = dim();
  const Bounds& b = problem().bounds;
  // Three distinct individuals, none the target.
  std::array<std::size_t, 3> r{};
  for (std::size_t k = 0; k < 3; ++k) {
    do {
      r[k] = random::uniform_int(stream, 0, size_ - 1);
    } while (r[k] == i || std::find(r.begin(), r.begin() + static_cast<long>(k), r[k]) !=
                              r.begin() + static_cast<long>(k));
  }
  const auto x = [&](std::size_t who, std::size_t j) { return population_[who * n + j]; };
  const std::size_t forced = random::uniform_int(stream, 0, n - 1);
  for (std::size_t j = 0; j < n; ++j) {
    double mutant = 0;
    switch (options_.strategy) {
      case DeStrategy::rand1bin:
        mutant = x(r[0], j) + f * (x(r[1], j) - x(r[2], j));
        break;
      case DeStrategy::best1bin:
        mutant = x(best, j) + f * (x(r[0], j) - x(r[1], j));
        break;
      case DeStrategy::current_to_best1bin:
        mutant = x(i, j) + f * (x(best, j) - x(i, j)) + f * (x(r[0], j) - x(r[1], j));
        break;
    }
    const bool cross = j == forced || stream.next_double() < options_.crossover;
    double value = cross ? mutant : x(i, j);
    if (!(value >= b.lower[j] && value <= b.upper[j])) {
      value = random::uniform(stream, b.lower[j], b.upper[j]);
    }
    out[j] = value;
  }
}

void DifferentialEvolution::trials(std::vector<double>& points) const {
  const std::size_t n = dim();
  // Generation g (counting from 1) draws from stream g: a restored solver draws the same.
  random::Stream stream(seed(), generation() + 1);
  const double f = mutation(stream);
  const std::size_t best = best_index();
  points.resize(size_ * n);
  for (std::size_t i = 0; i < size_; ++i) trial(i, stream, f, best, {points.data() + i * n, n});
}

void DifferentialEvolution::next_points(std::vector<double>& points) {
  if (!started_) {
    initial_population(points);
  } else if (options_.updating == DeUpdating::deferred) {
    trials(points);
  } else {
    // Generation g draws F from stream g, as deferred updating does, and trial i from a
    // stream of its own, so that a solver restored between two trials draws the same.
    if (next_ == 0) {
      random::Stream stream(seed(), generation() + 1);
      f_ = mutation(stream);
    }
    random::Stream stream(seed(), (std::uint64_t{1} << 63) | ((generation() + 1) << 24) | next_);
    points.resize(dim());
    trial(next_, stream, f_, best_index(), points);
  }
}

bool DifferentialEvolution::take_values(std::span<const double> points,
                                        std::span<const double> values) {
  const std::size_t n = dim();
  if (!started_) {
    population_.assign(points.begin(), points.end());
    values_.assign(values.begin(), values.end());
    started_ = true;
    return true;
  }
  if (options_.updating == DeUpdating::immediate) {
    if (values[0] <= values_[next_]) {
      std::copy_n(points.begin(), n, population_.begin() + static_cast<long>(next_ * n));
      values_[next_] = values[0];
    }
    next_ = next_ + 1 == size_ ? 0 : next_ + 1;
    return next_ == 0;
  }
  for (std::size_t i = 0; i < size_; ++i) {
    if (values[i] <= values_[i]) {
      std::copy_n(points.begin() + static_cast<long>(i * n), n,
                  population_.begin() + static_cast<long>(i * n));
      values_[i] = values[i];
    }
  }
  return true;
}

std::string DifferentialEvolution::options_bytes() const {
  std::string bytes;
  wire::Writer out(bytes);
  wire::encode(out, static_cast<std::uint64_t>(size_));
  wire::encode(out, static_cast<std::uint8_t>(options_.strategy));
  wire::encode(out, options_.mutation_low);
  wire::encode(out, options_.mutation_high);
  wire::encode(out, options_.crossover);
  wire::encode(out, options_.latin_hypercube);
  wire::encode(out, static_cast<std::uint8_t>(options_.updating));
  return bytes;
}

void DifferentialEvolution::save_state(wire::Writer& out) const {
  wire::encode(out, options_bytes());
  wire::encode(out, population_);
  wire::encode(out, values_);
  wire::encode(out, started_);
  wire::encode(out, static_cast<std::uint64_t>(next_));
  wire::encode(out, f_);
}

std::function<void()> DifferentialEvolution::restore_state(wire::Reader& in) {
  require_same_options(wire::decode<std::string>(in), options_bytes(), "DifferentialEvolution");
  auto population = wire::decode<std::vector<double>>(in);
  auto values = wire::decode<std::vector<double>>(in);
  const auto started = wire::decode<bool>(in);
  const auto next = wire::decode<std::uint64_t>(in);
  const auto f = wire::decode<double>(in);
  const bool fits = started ? population.size() == size_ * dim() && values.size() == size_
                            : population.empty() && values.empty();
  if (!fits || next >= size_) {
    throw SerializationError(
        "restore: the differential evolution state does not fit its "
        "population and dimension");
  }
  return [this, population = std::move(population), values = std::move(values), started, next,
          f]() mutable {
    population_ = std::move(population);
    values_ = std::move(values);
    started_ = started;
    next_ = static_cast<std::size_t>(next);
    f_ = f;
  };
}

}  // namespace pardo::opt

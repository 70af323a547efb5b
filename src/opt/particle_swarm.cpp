#include "pardo/opt/particle_swarm.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/validate.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/random/distributions.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::opt {

namespace {

PsoOptions checked(const PsoOptions& o) {
  if (o.particles < 2) {
    pardo::detail::throw_invalid("ParticleSwarm", "particles = " + std::to_string(o.particles) +
                                                      ": a swarm needs at least 2");
  }
  const auto require = [](double v, const char* what) {
    if (!std::isfinite(v) || v < 0) {
      char text[120];
      std::snprintf(text, sizeof text, "%s = %g must be finite and >= 0", what, v);
      pardo::detail::throw_invalid("ParticleSwarm", text);
    }
  };
  require(o.inertia, "inertia");
  require(o.cognitive, "cognitive");
  require(o.social, "social");
  return o;
}

}  // namespace

ParticleSwarm::ParticleSwarm(Problem problem, PsoOptions options)
    : Solver(std::move(problem)), options_(checked(options)) {}

void ParticleSwarm::next_points(std::vector<double>& points) {
  const std::size_t n = dim();
  const std::size_t count = options_.particles;
  const Bounds& b = problem().bounds;
  if (!started_) {
    random::Stream stream(seed(), 0);
    position_.resize(count * n);
    velocity_.resize(count * n);
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const double x = random::uniform(stream, b.lower[j], b.upper[j]);
        position_[i * n + j] = x;
        // SPSO 2007: a first velocity that keeps the next position within the box.
        velocity_[i * n + j] = random::uniform(stream, b.lower[j] - x, b.upper[j] - x) / 2;
      }
    }
    if (!problem().x0.empty())
      std::copy(problem().x0.begin(), problem().x0.end(), position_.begin());
  } else {
    random::Stream stream(seed(), generation() + 1);
    const std::span<const double> best = best_x();
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t k = i * n + j;
        const double r1 = stream.next_double();
        const double r2 = stream.next_double();
        double v = options_.inertia * velocity_[k] +
                   options_.cognitive * r1 * (own_best_[k] - position_[k]) +
                   options_.social * r2 * (best[j] - position_[k]);
        double x = position_[k] + v;
        if (!(x >= b.lower[j] && x <= b.upper[j])) {
          x = std::clamp(x, b.lower[j], b.upper[j]);
          v = 0;
        }
        velocity_[k] = v;
        position_[k] = x;
      }
    }
  }
  points = position_;
}

bool ParticleSwarm::take_values(std::span<const double> points, std::span<const double> values) {
  const std::size_t n = dim();
  if (!started_) {
    own_best_.assign(points.begin(), points.end());
    own_best_values_.assign(values.begin(), values.end());
    started_ = true;
    return true;
  }
  for (std::size_t i = 0; i < options_.particles; ++i) {
    if (values[i] < own_best_values_[i]) {
      own_best_values_[i] = values[i];
      std::copy_n(points.begin() + static_cast<long>(i * n), n,
                  own_best_.begin() + static_cast<long>(i * n));
    }
  }
  return true;
}

std::string ParticleSwarm::options_bytes() const {
  std::string bytes;
  wire::Writer out(bytes);
  wire::encode(out, static_cast<std::uint64_t>(options_.particles));
  wire::encode(out, options_.inertia);
  wire::encode(out, options_.cognitive);
  wire::encode(out, options_.social);
  return bytes;
}

void ParticleSwarm::save_state(wire::Writer& out) const {
  wire::encode(out, options_bytes());
  wire::encode(out, position_);
  wire::encode(out, velocity_);
  wire::encode(out, own_best_);
  wire::encode(out, own_best_values_);
  wire::encode(out, started_);
}

std::function<void()> ParticleSwarm::restore_state(wire::Reader& in) {
  require_same_options(wire::decode<std::string>(in), options_bytes(), "ParticleSwarm");
  auto position = wire::decode<std::vector<double>>(in);
  auto velocity = wire::decode<std::vector<double>>(in);
  auto own_best = wire::decode<std::vector<double>>(in);
  auto own_best_values = wire::decode<std::vector<double>>(in);
  const auto started = wire::decode<bool>(in);
  const std::size_t size = options_.particles * dim();
  const bool moved = position.size() == size && velocity.size() == size;
  const bool fits = (position.empty() && velocity.empty()) || moved;
  const bool bests_fit = started ? own_best.size() == size && own_best_values.size() * dim() == size
                                 : own_best.empty() && own_best_values.empty();
  if (!fits || !bests_fit) {
    throw SerializationError("restore: the particle swarm state does not fit its size");
  }
  return [this, position = std::move(position), velocity = std::move(velocity),
          own_best = std::move(own_best), own_best_values = std::move(own_best_values),
          started]() mutable {
    position_ = std::move(position);
    velocity_ = std::move(velocity);
    own_best_ = std::move(own_best);
    own_best_values_ = std::move(own_best_values);
    started_ = started;
  };
}

}  // namespace pardo::opt

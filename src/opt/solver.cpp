#include "pardo/opt/solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/validate.hpp"

namespace pardo::opt {

namespace {

std::string show(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", x);
  return text;
}

void check_problem(const Problem& p) {
  const Bounds& b = p.bounds;
  if (b.lower.empty()) pardo::detail::throw_invalid("solver", "the bounds have no dimension");
  if (b.upper.size() != b.lower.size()) {
    pardo::detail::throw_invalid("solver", "bounds.lower has " + std::to_string(b.lower.size()) +
                                               " values but bounds.upper has " +
                                               std::to_string(b.upper.size()));
  }
  for (std::size_t j = 0; j < b.lower.size(); ++j) {
    std::string at = "[";
    at += std::to_string(j);
    at += ']';
    if (!std::isfinite(b.lower[j]) || !std::isfinite(b.upper[j]) || !(b.lower[j] <= b.upper[j]) ||
        !std::isfinite(b.upper[j] - b.lower[j])) {
      pardo::detail::throw_invalid(
          "solver", "bounds" + at + " = [" + show(b.lower[j]) + ", " + show(b.upper[j]) +
                        "]: each must be finite, lower <= upper, with a finite width");
    }
  }
  if (!p.x0.empty()) {
    if (p.x0.size() != b.lower.size()) {
      pardo::detail::throw_invalid("solver", "x0 has " + std::to_string(p.x0.size()) +
                                                 " values for " + std::to_string(b.lower.size()) +
                                                 " bounds");
    }
    for (std::size_t j = 0; j < p.x0.size(); ++j) {
      if (!(p.x0[j] >= b.lower[j] && p.x0[j] <= b.upper[j])) {
        pardo::detail::throw_invalid("solver", "x0[" + std::to_string(j) + "] = " + show(p.x0[j]) +
                                                   " is outside its bounds [" + show(b.lower[j]) +
                                                   ", " + show(b.upper[j]) + "]");
      }
    }
  }
}

}  // namespace

Solver::Solver(Problem problem) : problem_(std::move(problem)) { check_problem(problem_); }

Solver::~Solver() = default;

std::span<const double> Solver::ask() {
  if (pending_.empty()) {
    next_points(pending_);
    if (pending_.empty() || pending_.size() % dim() != 0) {
      throw std::logic_error("pardo::opt::Solver: a solver asked for no points");
    }
  }
  return pending_;
}

double Solver::user_value(double minimised) const {
  return problem_.sense == Sense::maximize ? -minimised : minimised;
}

void Solver::tell(std::span<const double> values) {
  if (pending_.empty()) pardo::detail::throw_invalid("tell", "no points were asked for");
  const std::size_t count = pending_.size() / dim();
  if (values.size() != count) {
    pardo::detail::throw_invalid("tell", std::to_string(values.size()) + " values for " +
                                             std::to_string(count) + " points asked");
  }
  for (Monitor* m : monitors_) m->evaluations(pending_, dim(), values);
  scratch_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double v = problem_.sense == Sense::maximize ? -values[i] : values[i];
    scratch_[i] = std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
    if (best_x_.empty() || scratch_[i] < best_) {
      best_ = scratch_[i];
      best_x_.assign(pending_.begin() + static_cast<long>(i * dim()),
                     pending_.begin() + static_cast<long>((i + 1) * dim()));
    }
  }
  evaluations_ += count;
  std::vector<double> points;
  points.swap(pending_);
  const bool generation_ended = take_values(points, scratch_);
  if (generation_ended) {
    if (started_) ++generation_;
    started_ = true;
    history_.push_back(user_value(best_));
    const Status s = status();
    for (Monitor* m : monitors_) m->generation(s);
  }
}

Status Solver::status() const {
  Status s;
  s.generation = generation_;
  s.evaluations = evaluations_;
  s.best_value = user_value(best_);
  s.best_x = best_x_;
  s.history = history_;
  s.candidates = candidates();
  const std::span<const double> values = candidate_values();
  user_values_.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) user_values_[i] = user_value(values[i]);
  s.values = user_values_;
  s.dim = dim();
  s.sense = problem_.sense;
  s.seconds = seconds_before_;
  if (solving_) {
    s.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - solve_started_).count();
  }
  return s;
}

Result Solver::result() const {
  Result r;
  r.x = best_x_;
  r.value = user_value(best_);
  r.evaluations = evaluations_;
  r.generations = generation_;
  r.history = history_;
  r.seconds = status().seconds;
  return r;
}

void Solver::begin_solve() {
  solve_started_ = std::chrono::steady_clock::now();
  solving_ = true;
}

void Solver::end_solve() {
  seconds_before_ = status().seconds;
  solving_ = false;
}

Result Solver::finish_solve(const std::string& why) {
  end_solve();
  Result r = result();
  r.termination = why;
  return r;
}

void Solver::clip(std::span<double> x) const {
  for (std::size_t j = 0; j < x.size(); ++j) {
    x[j] = std::clamp(x[j], problem_.bounds.lower[j], problem_.bounds.upper[j]);
  }
}

}  // namespace pardo::opt

#include "pardo/opt/solver.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/validate.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::opt {

namespace {

std::string show(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", x);
  return text;
}

}  // namespace

namespace detail {

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

}  // namespace detail

namespace {

constexpr std::string_view state_magic = "pardo::opt state 3";

// What a state file must match: the solver's kind and its problem.
void save_problem(wire::Writer& out, std::string_view kind, const Problem& p) {
  wire::encode(out, std::string(kind));
  wire::encode(out, p.bounds.lower);
  wire::encode(out, p.bounds.upper);
  wire::encode(out, p.sense == Sense::maximize);
  wire::encode(out, p.x0);
  wire::encode(out, p.seed);
}

void check_problem_of(wire::Reader& in, std::string_view kind, const Problem& p,
                      const std::string& path) {
  const auto differs = [&](const std::string& what) {
    pardo::detail::throw_invalid("restore", path + " was saved " + what);
  };
  const auto saved_kind = wire::decode<std::string>(in);
  if (saved_kind != kind) differs("by a " + saved_kind + " solver, not " + std::string(kind));
  if (wire::decode<std::vector<double>>(in) != p.bounds.lower ||
      wire::decode<std::vector<double>>(in) != p.bounds.upper) {
    differs("with other bounds");
  }
  if (wire::decode<bool>(in) != (p.sense == Sense::maximize)) differs("with the other sense");
  if (wire::decode<std::vector<double>>(in) != p.x0) differs("with another x0");
  if (wire::decode<std::uint64_t>(in) != p.seed) differs("with another seed");
}

}  // namespace

Solver::Solver(Problem problem) : problem_(std::move(problem)) { detail::check_problem(problem_); }

Solver::~Solver() = default;

std::span<const double> Solver::ask() {
  if (pending_.empty()) {
    next_points(pending_);
    if (pending_.empty() || pending_.size() % dim() != 0) {
      throw std::logic_error("pardo::opt::Solver: a solver asked for no points");
    }
  }
  if (!constraints_.projection) return pending_;
  if (projected_.empty()) {
    std::vector<double> projected = pending_;
    for (std::size_t at = 0; at < projected.size(); at += dim()) {
      const std::span<double> x(projected.data() + at, dim());
      constraints_.projection(x);
      clip(x);
    }
    projected_ = std::move(projected);
  }
  return projected_;
}

void Solver::set_constraints(Constraints constraints) {
  constraints.check();
  constraints_ = std::move(constraints);
  projected_.clear();
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
  const std::span<const double> evaluated = ask();  // pending_, or its projection
  for (Monitor* m : monitors_) m->evaluations(evaluated, dim(), values);
  const bool penalised = !constraints_.inequalities.empty() || !constraints_.equalities.empty();
  scratch_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::span<const double> x = evaluated.subspan(i * dim(), dim());
    double v = problem_.sense == Sense::maximize ? -values[i] : values[i];
    if (penalised) v += constraints_.penalty(x);
    scratch_[i] = std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
    if (best_x_.empty() || scratch_[i] < best_) {
      best_ = scratch_[i];
      best_x_.assign(x.begin(), x.end());
    }
  }
  evaluations_ += count;
  std::vector<double> points;
  points.swap(pending_);
  projected_.clear();
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
  s.failures = failures_;
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
  r.failures = failures_;
  r.generations = generation_;
  r.history = history_;
  r.seconds = status().seconds;
  return r;
}

void Solver::note_failures(std::span<const double> points, const detail::IsolatedBatch& batch) {
  for (std::size_t k = 0; k < batch.failed.size(); ++k) {
    const std::span<const double> x = points.subspan(batch.failed[k] * dim(), dim());
    for (Monitor* m : monitors_) m->failure(x, batch.reasons[k], *failure_penalty_);
  }
  failures_ += batch.failed.size();
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

std::string Solver::save_to_bytes() const {
  std::string bytes;
  wire::Writer out(bytes);
  wire::encode(out, std::string(state_magic));
  save_problem(out, kind(), problem_);
  wire::encode(out, pending_);
  wire::encode(out, best_x_);
  wire::encode(out, best_);
  wire::encode(out, history_);
  wire::encode(out, generation_);
  wire::encode(out, evaluations_);
  wire::encode(out, failures_);
  wire::encode(out, started_);
  wire::encode(out, status().seconds);
  save_state(out);
  return bytes;
}

void Solver::save(const std::string& path) const {
  const std::string bytes = save_to_bytes();
  const std::string temporary = path + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) {
    throw std::runtime_error("save: cannot create " + temporary + ": " + std::strerror(errno));
  }
  // Synced before the rename: a crash then leaves the old state or the new one, never a
  // file whose bytes the disk has not got yet.
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() &&
                       std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  const int error = errno;
  if (std::fclose(file) != 0 || !written) {
    std::remove(temporary.c_str());
    throw std::runtime_error("save: cannot write " + path + ": " +
                             std::strerror(written ? errno : error));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int rename_error = errno;
    std::remove(temporary.c_str());
    throw std::runtime_error("save: cannot write " + path + ": " + std::strerror(rename_error));
  }
}

void Solver::restore(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("restore: cannot open " + path + ": " + std::strerror(errno));
  std::stringstream buffer;
  buffer << file.rdbuf();
  restore_from_bytes(buffer.str(), path);
}

void Solver::restore_from_bytes(std::string_view bytes, const std::string& origin) {
  wire::Reader in(bytes);
  if (bytes.size() < state_magic.size() + 8 || wire::decode<std::string>(in) != state_magic) {
    throw SerializationError("restore: " + origin + " is not a pardo::opt state file");
  }
  check_problem_of(in, kind(), problem_, origin);
  auto pending = wire::decode<std::vector<double>>(in);
  auto best_x = wire::decode<std::vector<double>>(in);
  const auto best = wire::decode<double>(in);
  auto history = wire::decode<std::vector<double>>(in);
  const auto generation = wire::decode<std::uint64_t>(in);
  const auto evaluations = wire::decode<std::uint64_t>(in);
  const auto failures = wire::decode<std::uint64_t>(in);
  const auto started = wire::decode<bool>(in);
  const auto seconds = wire::decode<double>(in);
  const std::function<void()> install = restore_state(in);
  in.expect_end();
  install();
  pending_ = std::move(pending);
  projected_.clear();
  best_x_ = std::move(best_x);
  best_ = best;
  history_ = std::move(history);
  generation_ = generation;
  evaluations_ = evaluations;
  failures_ = failures;
  started_ = started;
  seconds_before_ = seconds;
}

void Solver::require_same_options(const std::string& saved, const std::string& own,
                                  std::string_view solver) {
  if (saved != own) {
    pardo::detail::throw_invalid(
        "restore", "the state was saved with other " + std::string(solver) + " options");
  }
}

void Solver::clip(std::span<double> x) const {
  for (std::size_t j = 0; j < x.size(); ++j) {
    x[j] = std::clamp(x[j], problem_.bounds.lower[j], problem_.bounds.upper[j]);
  }
}

}  // namespace pardo::opt

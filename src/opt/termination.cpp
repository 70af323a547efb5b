#include "pardo/opt/termination.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "core/validate.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::opt {

/// A leaf (a condition and its parameters) or two rules joined by and / or: data, not code,
/// so that a rule can travel to a worker process with a nested solver.
struct Termination::Node {
  enum class Kind : std::uint8_t {
    value_to_reach,
    change_over_generations,
    normalized_change_over_generations,
    candidate_relative_tolerance,
    population_spread,
    evaluation_limit,
    generation_limit,
    time_limit,
    both,
    either,
  };
  Kind kind = Kind::generation_limit;
  double a = 0;
  double b = 0;
  std::uint64_t count = 0;
  std::shared_ptr<const Node> left;
  std::shared_ptr<const Node> right;
};

namespace {

using Node = Termination::Node;
using Kind = Node::Kind;

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

// The best value g generations back, if there have been that many.
std::optional<std::pair<double, double>> change_window(const Status& s, std::uint64_t g) {
  if (s.history.size() <= g) return std::nullopt;
  const double now = s.history.back();
  const double then = s.history[s.history.size() - 1 - g];
  return std::pair{then, now};
}

bool candidates_near_best(const Status& s, double xtol, double ftol) {
  if (s.values.size() < 2) return false;  // no spread to measure yet
  const double fscale = std::max(std::abs(s.best_value), 1.0);
  for (const double v : s.values) {
    if (!(std::abs(v - s.best_value) <= ftol * fscale)) return false;
  }
  for (std::size_t i = 0; i < s.candidates.size(); ++i) {
    const double best = s.best_x[i % s.dim];
    if (!(std::abs(s.candidates[i] - best) <= xtol * std::max(std::abs(best), 1.0))) return false;
  }
  return true;
}

bool values_close(const Status& s, double rtol, double atol) {
  if (s.values.size() < 2) return false;
  const double n = static_cast<double>(s.values.size());
  const double mean = std::accumulate(s.values.begin(), s.values.end(), 0.0) / n;
  double squares = 0;
  for (const double v : s.values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / n) <= atol + rtol * std::abs(mean);
}

bool leaf_holds(const Node& n, const Status& s) {
  switch (n.kind) {
    case Kind::value_to_reach:
      return s.sense == Sense::minimize ? s.best_value <= n.a + n.b : s.best_value >= n.a - n.b;
    case Kind::change_over_generations: {
      const auto w = change_window(s, n.count);
      return w && std::abs(w->first - w->second) <= n.a;
    }
    case Kind::normalized_change_over_generations: {
      const auto w = change_window(s, n.count);
      if (!w) return false;
      const double scale = std::max(std::abs(w->first), std::numeric_limits<double>::min());
      return std::abs(w->first - w->second) <= n.a * scale;
    }
    case Kind::candidate_relative_tolerance:
      return candidates_near_best(s, n.a, n.b);
    case Kind::population_spread:
      return values_close(s, n.a, n.b);
    case Kind::evaluation_limit:
      return s.evaluations >= n.count;
    case Kind::generation_limit:
      return s.generation >= n.count;
    case Kind::time_limit:
      return s.seconds >= n.a;
    case Kind::both:
    case Kind::either:
      break;
  }
  return false;
}

std::string leaf_name(const Node& n) {
  const std::string g = std::to_string(n.count);
  switch (n.kind) {
    case Kind::value_to_reach:
      return "value_to_reach(" + number(n.a) + ")";
    case Kind::change_over_generations:
      return "change_over_generations(" + number(n.a) + ", " + g + ")";
    case Kind::normalized_change_over_generations:
      return "normalized_change_over_generations(" + number(n.a) + ", " + g + ")";
    case Kind::candidate_relative_tolerance:
      return "candidate_relative_tolerance(" + number(n.a) + ", " + number(n.b) + ")";
    case Kind::population_spread:
      return "population_spread(" + number(n.a) + ", " + number(n.b) + ")";
    case Kind::evaluation_limit:
      return "evaluation_limit(" + g + ")";
    case Kind::generation_limit:
      return "generation_limit(" + g + ")";
    case Kind::time_limit:
      return "time_limit(" + number(n.a) + ")";
    case Kind::both:
    case Kind::either:
      break;
  }
  return {};
}

std::optional<std::string> met_by(const Node& node, const Status& status) {
  switch (node.kind) {
    case Kind::both: {
      auto a = met_by(*node.left, status);
      if (!a) return std::nullopt;
      auto b = met_by(*node.right, status);
      if (!b) return std::nullopt;
      return *a + " and " + *b;
    }
    case Kind::either:
      if (auto a = met_by(*node.left, status)) return a;
      return met_by(*node.right, status);
    default:
      if (leaf_holds(node, status)) return leaf_name(node);
      return std::nullopt;
  }
}

std::string describe(const Node& node, bool nested) {
  if (node.kind != Kind::both && node.kind != Kind::either) return leaf_name(node);
  const std::string text = describe(*node.left, true) +
                           (node.kind == Kind::both ? " and " : " or ") +
                           describe(*node.right, true);
  return nested ? "(" + text + ")" : text;
}

Termination leaf(Kind kind, double a, double b, std::uint64_t count) {
  auto node = std::make_shared<Node>();
  node->kind = kind;
  node->a = a;
  node->b = b;
  node->count = count;
  return Termination(std::move(node));
}

void require_tolerance(double value, std::string_view caller, std::string_view what) {
  if (!std::isfinite(value) || value < 0) {
    pardo::detail::throw_invalid(
        caller, std::string(what) + " must be finite and >= 0, not " + number(value));
  }
}

void encode_node(wire::Writer& out, const Node& n) {
  wire::encode(out, static_cast<std::uint8_t>(n.kind));
  if (n.kind == Kind::both || n.kind == Kind::either) {
    encode_node(out, *n.left);
    encode_node(out, *n.right);
  } else {
    wire::encode(out, n.a);
    wire::encode(out, n.b);
    wire::encode(out, n.count);
  }
}

std::shared_ptr<const Node> decode_node(wire::Reader& in, int depth) {
  // A rule read from bytes is as deep as its bytes say: bounded so that bad bytes cannot
  // exhaust the stack.
  if (depth > 64) throw SerializationError("termination: nested deeper than 64");
  auto node = std::make_shared<Node>();
  const auto kind = wire::decode<std::uint8_t>(in);
  if (kind > static_cast<std::uint8_t>(Kind::either)) {
    throw SerializationError("termination: unknown condition " + std::to_string(kind));
  }
  node->kind = static_cast<Kind>(kind);
  if (node->kind == Kind::both || node->kind == Kind::either) {
    node->left = decode_node(in, depth + 1);
    node->right = decode_node(in, depth + 1);
  } else {
    node->a = wire::decode<double>(in);
    node->b = wire::decode<double>(in);
    node->count = wire::decode<std::uint64_t>(in);
  }
  return node;
}

}  // namespace

Termination::Termination() : Termination(generation_limit(1)) {}

std::optional<std::string> Termination::met(const Status& status) const {
  return met_by(*node_, status);
}

std::string Termination::describe() const { return opt::describe(*node_, false); }

Termination operator&&(const Termination& a, const Termination& b) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::both;
  node->left = a.node_;
  node->right = b.node_;
  return Termination(std::move(node));
}

Termination operator||(const Termination& a, const Termination& b) {
  auto node = std::make_shared<Node>();
  node->kind = Kind::either;
  node->left = a.node_;
  node->right = b.node_;
  return Termination(std::move(node));
}

Termination value_to_reach(double target, double tolerance) {
  if (!std::isfinite(target)) {
    pardo::detail::throw_invalid("value_to_reach", "target must be finite, not " + number(target));
  }
  require_tolerance(tolerance, "value_to_reach", "tolerance");
  return leaf(Kind::value_to_reach, target, tolerance, 0);
}

Termination change_over_generations(double tolerance, std::uint64_t generations) {
  require_tolerance(tolerance, "change_over_generations", "tolerance");
  pardo::detail::require_positive(generations, "change_over_generations", "generations");
  return leaf(Kind::change_over_generations, tolerance, 0, generations);
}

Termination normalized_change_over_generations(double tolerance, std::uint64_t generations) {
  require_tolerance(tolerance, "normalized_change_over_generations", "tolerance");
  pardo::detail::require_positive(generations, "normalized_change_over_generations", "generations");
  return leaf(Kind::normalized_change_over_generations, tolerance, 0, generations);
}

Termination candidate_relative_tolerance(double xtol, double ftol) {
  require_tolerance(xtol, "candidate_relative_tolerance", "xtol");
  require_tolerance(ftol, "candidate_relative_tolerance", "ftol");
  return leaf(Kind::candidate_relative_tolerance, xtol, ftol, 0);
}

Termination population_spread(double rtol, double atol) {
  require_tolerance(rtol, "population_spread", "rtol");
  require_tolerance(atol, "population_spread", "atol");
  if (rtol == 0 && atol == 0) {
    pardo::detail::throw_invalid("population_spread", "rtol and atol are both 0: it never holds");
  }
  return leaf(Kind::population_spread, rtol, atol, 0);
}

Termination evaluation_limit(std::uint64_t evaluations) {
  pardo::detail::require_positive(evaluations, "evaluation_limit", "evaluations");
  return leaf(Kind::evaluation_limit, 0, 0, evaluations);
}

Termination generation_limit(std::uint64_t generations) {
  pardo::detail::require_positive(generations, "generation_limit", "generations");
  return leaf(Kind::generation_limit, 0, 0, generations);
}

Termination time_limit(double seconds) {
  if (!std::isfinite(seconds) || !(seconds > 0)) {
    pardo::detail::throw_invalid("time_limit",
                                 "seconds must be finite and > 0, not " + number(seconds));
  }
  return leaf(Kind::time_limit, seconds, 0, 0);
}

void Termination::encode(wire::Writer& out) const { encode_node(out, *node_); }

Termination Termination::decode(wire::Reader& in) { return Termination(decode_node(in, 0)); }

}  // namespace pardo::opt

#include "pardo/opt/termination.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "core/validate.hpp"

namespace pardo::opt {

/// A leaf (a test and its description) or two rules joined by and / or.
struct Termination::Node {
  enum class Kind { leaf, both, either };
  Kind kind = Kind::leaf;
  std::string name;
  std::function<bool(const Status&)> test;
  std::shared_ptr<const Node> left;
  std::shared_ptr<const Node> right;
};

namespace {

using Node = Termination::Node;

std::optional<std::string> met_by(const Node& node, const Status& status) {
  switch (node.kind) {
    case Node::Kind::leaf:
      if (node.test(status)) return node.name;
      return std::nullopt;
    case Node::Kind::both: {
      auto a = met_by(*node.left, status);
      if (!a) return std::nullopt;
      auto b = met_by(*node.right, status);
      if (!b) return std::nullopt;
      return *a + " and " + *b;
    }
    case Node::Kind::either:
      if (auto a = met_by(*node.left, status)) return a;
      return met_by(*node.right, status);
  }
  return std::nullopt;
}

std::string describe(const Node& node, bool nested) {
  if (node.kind == Node::Kind::leaf) return node.name;
  const std::string text = describe(*node.left, true) +
                           (node.kind == Node::Kind::both ? " and " : " or ") +
                           describe(*node.right, true);
  return nested ? "(" + text + ")" : text;
}

std::string number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

Termination leaf(std::string name, std::function<bool(const Status&)> test) {
  auto node = std::make_shared<Node>();
  node->name = std::move(name);
  node->test = std::move(test);
  return Termination(std::move(node));
}

void require_tolerance(double value, std::string_view caller, std::string_view what) {
  if (!std::isfinite(value) || value < 0) {
    pardo::detail::throw_invalid(
        caller, std::string(what) + " must be finite and >= 0, not " + number(value));
  }
}

// The best value g generations back, if there have been that many.
std::optional<std::pair<double, double>> change_window(const Status& s, std::uint64_t g) {
  if (s.history.size() <= g) return std::nullopt;
  const double now = s.history.back();
  const double then = s.history[s.history.size() - 1 - g];
  return std::pair{then, now};
}

}  // namespace

std::optional<std::string> Termination::met(const Status& status) const {
  return met_by(*node_, status);
}

std::string Termination::describe() const { return opt::describe(*node_, false); }

Termination operator&&(const Termination& a, const Termination& b) {
  auto node = std::make_shared<Node>();
  node->kind = Node::Kind::both;
  node->left = a.node_;
  node->right = b.node_;
  return Termination(std::move(node));
}

Termination operator||(const Termination& a, const Termination& b) {
  auto node = std::make_shared<Node>();
  node->kind = Node::Kind::either;
  node->left = a.node_;
  node->right = b.node_;
  return Termination(std::move(node));
}

Termination value_to_reach(double target, double tolerance) {
  if (!std::isfinite(target)) {
    pardo::detail::throw_invalid("value_to_reach", "target must be finite, not " + number(target));
  }
  require_tolerance(tolerance, "value_to_reach", "tolerance");
  return leaf("value_to_reach(" + number(target) + ")", [=](const Status& s) {
    return s.sense == Sense::minimize ? s.best_value <= target + tolerance
                                      : s.best_value >= target - tolerance;
  });
}

Termination change_over_generations(double tolerance, std::uint64_t generations) {
  require_tolerance(tolerance, "change_over_generations", "tolerance");
  pardo::detail::require_positive(generations, "change_over_generations", "generations");
  return leaf(
      "change_over_generations(" + number(tolerance) + ", " + std::to_string(generations) + ")",
      [=](const Status& s) {
        const auto w = change_window(s, generations);
        return w && std::abs(w->first - w->second) <= tolerance;
      });
}

Termination normalized_change_over_generations(double tolerance, std::uint64_t generations) {
  require_tolerance(tolerance, "normalized_change_over_generations", "tolerance");
  pardo::detail::require_positive(generations, "normalized_change_over_generations", "generations");
  return leaf("normalized_change_over_generations(" + number(tolerance) + ", " +
                  std::to_string(generations) + ")",
              [=](const Status& s) {
                const auto w = change_window(s, generations);
                if (!w) return false;
                const double scale =
                    std::max(std::abs(w->first), std::numeric_limits<double>::min());
                return std::abs(w->first - w->second) <= tolerance * scale;
              });
}

Termination candidate_relative_tolerance(double xtol, double ftol) {
  require_tolerance(xtol, "candidate_relative_tolerance", "xtol");
  require_tolerance(ftol, "candidate_relative_tolerance", "ftol");
  return leaf("candidate_relative_tolerance(" + number(xtol) + ", " + number(ftol) + ")",
              [=](const Status& s) {
                const double fscale = std::max(std::abs(s.best_value), 1.0);
                for (const double v : s.values) {
                  if (!(std::abs(v - s.best_value) <= ftol * fscale)) return false;
                }
                for (std::size_t i = 0; i < s.candidates.size(); ++i) {
                  const double best = s.best_x[i % s.dim];
                  if (!(std::abs(s.candidates[i] - best) <= xtol * std::max(std::abs(best), 1.0))) {
                    return false;
                  }
                }
                return true;
              });
}

Termination population_spread(double rtol, double atol) {
  require_tolerance(rtol, "population_spread", "rtol");
  require_tolerance(atol, "population_spread", "atol");
  if (rtol == 0 && atol == 0) {
    pardo::detail::throw_invalid("population_spread", "rtol and atol are both 0: it never holds");
  }
  return leaf("population_spread(" + number(rtol) + ", " + number(atol) + ")",
              [=](const Status& s) {
                if (s.values.size() < 2) return false;
                const double n = static_cast<double>(s.values.size());
                const double mean = std::accumulate(s.values.begin(), s.values.end(), 0.0) / n;
                double squares = 0;
                for (const double v : s.values) squares += (v - mean) * (v - mean);
                const double sd = std::sqrt(squares / n);
                return sd <= atol + rtol * std::abs(mean);
              });
}

Termination evaluation_limit(std::uint64_t evaluations) {
  pardo::detail::require_positive(evaluations, "evaluation_limit", "evaluations");
  return leaf("evaluation_limit(" + std::to_string(evaluations) + ")",
              [=](const Status& s) { return s.evaluations >= evaluations; });
}

Termination generation_limit(std::uint64_t generations) {
  pardo::detail::require_positive(generations, "generation_limit", "generations");
  return leaf("generation_limit(" + std::to_string(generations) + ")",
              [=](const Status& s) { return s.generation >= generations; });
}

Termination time_limit(double seconds) {
  if (!std::isfinite(seconds) || !(seconds > 0)) {
    pardo::detail::throw_invalid("time_limit",
                                 "seconds must be finite and > 0, not " + number(seconds));
  }
  return leaf("time_limit(" + number(seconds) + ")",
              [=](const Status& s) { return s.seconds >= seconds; });
}

}  // namespace pardo::opt

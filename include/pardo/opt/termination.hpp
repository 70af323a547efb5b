#pragma once
/// @file
/// When a solver stops: conditions as values, combined with `&&` and `||`, looked at after
/// every generation. The result names the condition that held.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pardo/opt/problem.hpp"
#include "pardo/remote/wire_io.hpp"

namespace pardo::opt {

/// Where a solver stands after a generation: what termination conditions and monitors see.
/// Values are the objective's own (not negated when maximising).
/// @code
/// void show(const pardo::opt::Status& s) {
///   std::printf("generation %llu: %g\n", (unsigned long long)s.generation, s.best_value);
/// }
/// @endcode
struct Status {
  std::uint64_t generation = 0;        ///< generations completed (the start is generation 0)
  std::uint64_t evaluations = 0;       ///< objective evaluations so far
  std::uint64_t failures = 0;          ///< of them, those that got the failure penalty
  double best_value = 0;               ///< the best value seen
  std::span<const double> best_x;      ///< where it was seen
  std::span<const double> history;     ///< the best value after each generation, from 0
  std::span<const double> candidates;  ///< the current population or simplex, row by row
  std::span<const double> values;      ///< their values, one per row
  std::size_t dim = 0;
  Sense sense = Sense::minimize;
  double seconds = 0;  ///< since the first solve began (a restored solver counts on)
};

/// A stopping rule: a leaf made by one of the functions below, or `a && b`, `a || b`. Copies
/// share the rule; a rule holds no state between generations, so one can serve several
/// solvers.
/// @code
/// using namespace pardo::opt;
/// Termination stop =
///     (change_over_generations(1e-8, 30) && generation_limit(10)) || evaluation_limit(100000);
/// @endcode
class Termination {
 public:
  struct Node;

  /// The description of the rule that holds for `status` (as "value_to_reach(0.001)" or
  /// "a and b"), or nothing if it does not hold.
  /// @code
  /// if (auto why = stop.met(status)) std::puts(why->c_str());
  /// @endcode
  std::optional<std::string> met(const Status& status) const;

  /// The rule, in the words `met` uses.
  /// @code
  /// std::string text = pardo::opt::generation_limit(10).describe();  // "generation_limit(10)"
  /// @endcode
  std::string describe() const;

  /// Holds when both hold.
  /// @code
  /// auto stop = pardo::opt::generation_limit(5) && pardo::opt::value_to_reach(1e-6);
  /// @endcode
  friend Termination operator&&(const Termination& a, const Termination& b);
  /// Holds when either holds (the left one is named first when both do).
  /// @code
  /// auto stop = pardo::opt::generation_limit(500) || pardo::opt::value_to_reach(1e-6);
  /// @endcode
  friend Termination operator||(const Termination& a, const Termination& b);

  /// Writes the rule as bytes, and reads it back: how it travels to worker processes with a
  /// nested solver. decode throws pardo::SerializationError for bytes that are not a rule.
  /// @code
  /// std::string bytes;
  /// pardo::wire::Writer out(bytes);
  /// stop.encode(out);
  /// pardo::wire::Reader in(bytes);
  /// pardo::opt::Termination same = pardo::opt::Termination::decode(in);
  /// @endcode
  void encode(wire::Writer& out) const;
  static Termination decode(wire::Reader& in);
  /// Cereal's hooks, so that a rule can sit in a task sent to a worker.
  template <class Archive>
  void save(Archive& archive) const {
    std::string bytes;
    wire::Writer out(bytes);
    encode(out);
    archive(bytes);
  }
  template <class Archive>
  void load(Archive& archive) {
    std::string bytes;
    archive(bytes);
    wire::Reader in(bytes);
    *this = decode(in);
    in.expect_end();
  }

  /// A rule that holds after the first generation; what a default-constructed rule is, so
  /// that decoding has something to fill in.
  /// @code
  /// pardo::opt::Termination once;  // generation_limit(1)
  /// @endcode
  Termination();
  explicit Termination(std::shared_ptr<const Node> node) : node_(std::move(node)) {}

 private:
  std::shared_ptr<const Node> node_;
};

/// Holds once the best value reaches `target` within `tolerance`: at most target + tolerance
/// when minimising, at least target - tolerance when maximising (mystic's VTR). Throws
/// std::invalid_argument unless target is finite and tolerance finite and >= 0.
/// @code
/// auto stop = pardo::opt::value_to_reach(0.0, 1e-8);
/// @endcode
Termination value_to_reach(double target, double tolerance = 0.0);

/// Holds once the best value has changed by at most `tolerance` over the last `generations`
/// generations (mystic's ChangeOverGeneration). Throws std::invalid_argument unless tolerance
/// is finite and >= 0 and generations > 0.
/// @code
/// auto stop = pardo::opt::change_over_generations(1e-6, 30);
/// @endcode
Termination change_over_generations(double tolerance = 1e-6, std::uint64_t generations = 30);

/// Holds once the best value has changed by at most `tolerance` times its magnitude over the
/// last `generations` generations: |f(g - G) - f(g)| <= tolerance * |f(g - G)|, with the
/// magnitude's floor at the smallest normal double so that a run at 0 can stop (mystic's
/// NormalizedChangeOverGeneration). Throws as change_over_generations.
/// @code
/// auto stop = pardo::opt::normalized_change_over_generations(1e-4, 10);
/// @endcode
Termination normalized_change_over_generations(double tolerance = 1e-4,
                                               std::uint64_t generations = 10);

/// Holds once every candidate lies within `xtol` of the best on each axis and its value
/// within `ftol` of the best value, each relative to the best's magnitude with 1 as its
/// floor (so a best at 0 compares absolutely): mystic's CandidateRelativeTolerance, scipy's
/// xatol and fatol for candidates near 1. It needs two candidates or more. Throws
/// std::invalid_argument unless both are finite and >= 0.
/// @code
/// auto stop = pardo::opt::candidate_relative_tolerance(1e-8, 1e-8);
/// @endcode
Termination candidate_relative_tolerance(double xtol = 1e-4, double ftol = 1e-4);

/// Holds once the standard deviation of the candidates' values is at most
/// atol + rtol * |their mean|: scipy's differential_evolution convergence test. Throws
/// std::invalid_argument unless both are finite and >= 0 and one is > 0.
/// @code
/// auto stop = pardo::opt::population_spread(0.01);
/// @endcode
Termination population_spread(double rtol = 0.01, double atol = 0.0);

/// Holds once `evaluations` evaluations are done. A solver evaluates a generation at once,
/// so it may pass the limit by less than a generation. Throws std::invalid_argument for 0.
/// @code
/// auto stop = pardo::opt::evaluation_limit(10000);
/// @endcode
Termination evaluation_limit(std::uint64_t evaluations);

/// Holds once `generations` generations are done. Throws std::invalid_argument for 0.
/// @code
/// auto stop = pardo::opt::generation_limit(1000);
/// @endcode
Termination generation_limit(std::uint64_t generations);

/// Holds once `seconds` of wall time have passed since the first solve began. Throws
/// std::invalid_argument unless seconds is finite and > 0.
/// @code
/// auto stop = pardo::opt::time_limit(60.0);
/// @endcode
Termination time_limit(double seconds);

}  // namespace pardo::opt

#pragma once
/// @file
/// Powell's conjugate direction method (1964): a local solver without derivatives, line
/// search after line search. It evaluates one point at a time; run many of them at once with
/// an ensemble.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pardo/opt/solver.hpp"

namespace pardo::opt {

/// Powell's settings.
/// @code
/// pardo::opt::PowellOptions o{.line_tolerance = 1e-6};
/// @endcode
struct PowellOptions {
  /// Each line search stops when the step along its direction is known to this (scipy's
  /// xtol, 1e-4, in units of the direction's length).
  double line_tolerance = 1e-4;
  /// The most evaluations one line search may take.
  std::uint32_t line_evaluations = 500;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(line_tolerance, line_evaluations);
  }
};

/// Powell's method within the problem's bounds, as scipy's `minimize(method="Powell")` with
/// bounds: each line search is Brent's bounded search over the stretch of the line inside the
/// box, so no point leaves it. As in scipy (and Numerical Recipes), the point moves to the
/// best one each line search evaluated, even where that is a little worse than the point
/// itself, which the search does not evaluate (the result is still the best point seen). A
/// generation is one sweep over the directions, the extrapolated point and, when it pays, a
/// search along the net direction since the last sweep ended; a step along it replaces the
/// direction of largest decrease. The candidates termination conditions see are the points
/// at the start and at the end of the last generation (only the start point at generation 0).
/// Throws std::invalid_argument naming a bad setting.
/// @code
/// pardo::opt::Powell powell({.bounds = pardo::opt::Bounds::cube(2, -5, 10), .x0 = {-1.2, 1}});
/// pardo::SerialExecutor serial;
/// auto r = powell.solve(serial, pardo::opt::models::rosenbrock,
///                       pardo::opt::candidate_relative_tolerance(1e-8, 1e-12) ||
///                           pardo::opt::evaluation_limit(10000));
/// @endcode
class Powell : public Solver {
 public:
  explicit Powell(Problem problem, PowellOptions options = {});

  /// One-dimensional minimisation of g(t) on [a, b] by Brent's method with golden sections
  /// (scipy's fminbound), resumable: it asks for one t at a time. Public for its tests.
  struct LineSearch {
    double a = 0, b = 0, tolerance = 0;
    double xf = 0, fx = 0, nfc = 0, fnfc = 0, fulc = 0, ffulc = 0;
    double rat = 0, e = 0, x = 0;
    std::uint32_t evaluations = 0, limit = 500;
    /// Starts on [low, high]; the first t to evaluate is then `x`.
    void start(double low, double high, double tol, std::uint32_t max_evaluations);
    /// Takes g(x); returns whether another t is wanted (in `x`). When not, `xf` is the best
    /// t and `fx` its value.
    bool tell(double value);

   private:
    void propose();
  };

 protected:
  void next_points(std::vector<double>& points) override;
  bool take_values(std::span<const double> points, std::span<const double> values) override;
  std::span<const double> candidates() const override { return candidates_; }
  std::span<const double> candidate_values() const override { return candidate_values_; }
  std::string_view kind() const override { return "powell"; }
  void save_state(wire::Writer& out) const override;
  std::function<void()> restore_state(wire::Reader& in) override;

 private:
  enum class Phase : std::uint8_t { start, line, extrapolate, final_line };
  std::string options_bytes() const;
  void begin_generation();
  /// Starts the search along `direction_` from `x_`; false if the box leaves no room.
  bool begin_line();
  /// Moves to the next direction with room, or to the extrapolated point.
  void next_line();
  /// Ends a line search: x_ moves if it found better. Returns the decrease.
  double finish_line();
  void end_generation();

  PowellOptions options_;
  Phase phase_ = Phase::start;
  std::vector<double> directions_;  // dim x dim, row by row
  std::vector<double> x_;
  double fval_ = 0;
  std::vector<double> start_x_;  // where the generation began
  // Where the last sweep ended (Numerical Recipes' pt): the net direction runs from there, so
  // it takes in the last generation's search along its own net direction.
  std::vector<double> swept_x_;
  double start_value_ = 0;
  std::size_t index_ = 0;    // the direction searched
  std::size_t biggest_ = 0;  // the direction of largest decrease
  double delta_ = 0;
  std::vector<double> direction_;  // the line searched
  LineSearch line_;
  std::vector<double> extrapolated_;
  std::vector<double> candidates_;
  std::vector<double> candidate_values_;
};

}  // namespace pardo::opt

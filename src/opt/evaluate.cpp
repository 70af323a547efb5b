#include "pardo/opt/detail/evaluate.hpp"

#include <string>

#include "core/validate.hpp"
#include "pardo/remote/remote.hpp"

namespace pardo::opt::detail {

std::vector<double> evaluate_points(EvaluateTask task) {
  const auto dim = static_cast<std::size_t>(task.dim);
  const std::size_t n = task.points.size() / dim;
  std::vector<double> values(n);
  const std::span<const double> points(task.points);
  for (std::size_t i = 0; i < n; ++i) values[i] = task.f(points.subspan(i * dim, dim));
  return values;
}
PARDO_REMOTE(evaluate_points);

std::vector<double> evaluate_batch(BatchTask task) {
  const auto dim = static_cast<std::size_t>(task.dim);
  std::vector<double> values = task.f(task.points, task.dim);
  check_batch_values(values.size(), task.points.size() / dim);
  return values;
}
PARDO_REMOTE(evaluate_batch);

void check_batch_values(std::size_t values, std::size_t points) {
  if (values != points) {
    pardo::detail::throw_invalid("solve", "the batch objective returned " + std::to_string(values) +
                                              " values for " + std::to_string(points) + " points");
  }
}

bool is_evaluation_failed(const RemoteError& error) {
  return error.type_name() == "pardo::opt::EvaluationFailed";
}

void require_objective(bool present) {
  if (!present) pardo::detail::throw_invalid("solve", "the objective is an empty Objective handle");
}

std::size_t task_count(std::size_t points, std::size_t workers) noexcept {
  return std::min(points, std::max<std::size_t>(workers, 1) * 4);
}

}  // namespace pardo::opt::detail

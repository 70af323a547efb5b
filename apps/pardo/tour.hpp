#pragma once
// `pardo tour`: a short walk through the executor contract, printed as it runs.

#include <cstddef>

namespace pardo::cli {

/// Runs the tour on `workers` threads (0: one per core) and returns the exit code.
int run_tour(std::size_t workers);

}  // namespace pardo::cli

#include "report.hpp"

#include <cstdio>

namespace pardo::cli {

void add_run(nlohmann::json& j, const RunInfo& run) {
  j["backend"] = run.backend;
  j["workers"] = run.workers;
  j["seconds"] = run.seconds;
  j["blocks_done"] = run.blocks_done;
  j["blocks_total"] = run.blocks_total;
  j["complete"] = run.complete;
}

void print_interrupted(const RunInfo& run) {
  if (run.complete) return;
  std::printf("interrupted: partial result from %llu of %llu blocks\n",
              static_cast<unsigned long long>(run.blocks_done),
              static_cast<unsigned long long>(run.blocks_total));
}

}  // namespace pardo::cli

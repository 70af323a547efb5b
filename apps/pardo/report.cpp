#include "report.hpp"

#include <cstdio>
#include <string>

namespace pardo::cli {

const char* exit_code_table() {
  return "Exit codes:\n"
         "  0    success\n"
         "  1    ran to the end without reaching what was asked (tolerance not met, not\n"
         "       converged, not everything fitted, target power not reached)\n"
         "  2    bad usage or input: one line on stderr names the option or value\n"
         "  3    failure while running: workers lost beyond --retries, an I/O error (a\n"
         "       failed write), out of memory\n"
         "  130  interrupted (Ctrl-C): the partial result is printed; a second Ctrl-C ends\n"
         "       at once\n";
}

void add_run(nlohmann::json& j, const RunInfo& run) {
  j["backend"] = run.backend;
  j["workers"] = run.workers;
  j["seconds"] = run.seconds;
  j["blocks_done"] = run.blocks_done;
  j["blocks_total"] = run.blocks_total;
  j["blocks_retried"] = run.blocks_retried;
  j["complete"] = run.complete;
  if (!run.failure.empty()) j["failure"] = run.failure;
}

void print_interrupted(const RunInfo& run) {
  if (run.complete) return;
  std::printf("%s: partial result from %llu of %llu blocks\n",
              run.failure.empty() ? "interrupted" : "failed",
              static_cast<unsigned long long>(run.blocks_done),
              static_cast<unsigned long long>(run.blocks_total));
}

int finish_run(const RunInfo& run, bool reached) {
  if (!run.failure.empty()) {
    std::fprintf(stderr, "pardo: %s\n", run.failure.c_str());
    return exit_failure;
  }
  if (!run.complete) return exit_interrupted;
  return reached ? exit_success : exit_not_reached;
}

void print_error(std::string_view prefix, std::string_view what) {
  const std::string name = std::string(prefix.substr(prefix.rfind(' ') + 1)) + ": ";
  if (what.starts_with(name)) what.remove_prefix(name.size());
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(prefix.size()), prefix.data(),
               static_cast<int>(what.size()), what.data());
}

}  // namespace pardo::cli

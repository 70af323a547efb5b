#include "report.hpp"

#include <cstdio>
#include <ctime>
#include <pardo/core/version.hpp>
#include <pardo/random/bulk.hpp>
#include <string>
#include <vector>

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

namespace {

std::vector<std::string>& command_line() {
  static std::vector<std::string> words;
  return words;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

void record_command_line(int argc, const char* const* argv) {
  command_line().assign(argv, argv + argc);
}

nlohmann::json provenance(std::string_view command) {
  return {{"version", std::string(version())},
          {"simd", std::string(random::to_string(random::simd_level()))},
          {"command", std::string(command)},
          {"argv", command_line()},
          {"date", utc_now()}};
}

void add_run(nlohmann::json& j, std::string_view command, const RunInfo& run,
             std::optional<std::uint64_t> seed) {
  nlohmann::json r{{"backend", run.backend},
                   {"workers", run.workers},
                   {"seed", seed ? nlohmann::json(*seed) : nlohmann::json(nullptr)},
                   {"blocks",
                    {{"done", run.blocks_done},
                     {"total", run.blocks_total},
                     {"retried", run.blocks_retried},
                     {"restored", run.blocks_restored}}},
                   {"seconds", run.seconds},
                   {"complete", run.complete}};
  if (!run.failure.empty()) r["failure"] = run.failure;
  j["pardo"] = provenance(command);
  j["run"] = std::move(r);
}

nlohmann::json interval_json(double low, double high, double level) {
  return {{"low", low}, {"high", high}, {"level", level}};
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

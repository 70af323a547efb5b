#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <pardo/opt.hpp>
#include <pardo/pardo.hpp>
#include <pardo/serial_executor.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

namespace {

using namespace pardo::opt;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_path(const char* name) {
  return (::testing::TempDir() + "/pardo_opt_" + std::to_string(::getpid()) + "_") + name;
}

TEST(MemoryMonitor, RecordsEveryGenerationAndEvaluation) {
  NelderMead nm({.bounds = Bounds::cube(2, -5, 5), .x0 = {1, 1}});
  MemoryMonitor memory(true);
  nm.add_monitor(memory);
  pardo::SerialExecutor serial;
  const Result r = nm.solve(serial, models::sphere, generation_limit(10));
  ASSERT_EQ(memory.generations().size(), 11u);
  EXPECT_EQ(memory.generations().back().generation, 10u);
  EXPECT_EQ(memory.generations().back().evaluations, r.evaluations);
  EXPECT_EQ(memory.generations().back().best_value, r.value);
  EXPECT_EQ(memory.values().size(), r.evaluations);
  EXPECT_EQ(memory.points().size(), 2 * r.evaluations);
  for (std::size_t i = 0; i < memory.values().size(); ++i) {
    EXPECT_EQ(memory.values()[i], models::sphere({memory.points().data() + 2 * i, 2}));
  }
}

TEST(PrintMonitor, PrintsEveryKthGeneration) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  NelderMead nm({.bounds = Bounds::cube(2, -5, 5), .x0 = {1, 1}});
  PrintMonitor print(out, 5);
  nm.add_monitor(print);
  pardo::SerialExecutor serial;
  nm.solve(serial, models::sphere, generation_limit(12));
  std::rewind(out);
  char line[200];
  std::vector<std::string> lines;
  while (std::fgets(line, sizeof line, out) != nullptr) lines.emplace_back(line);
  EXPECT_THROW(PrintMonitor(out, 0), std::invalid_argument);
  EXPECT_THROW(PrintMonitor(nullptr, 1), std::invalid_argument);
  std::fclose(out);
  ASSERT_EQ(lines.size(), 3u);  // generations 0, 5, 10
  EXPECT_EQ(lines[0].rfind("generation 0: best 2 after 3 evaluations", 0), 0u) << lines[0];
  EXPECT_EQ(lines[2].rfind("generation 10: best", 0), 0u) << lines[2];
}

TEST(LogMonitor, WritesCsvAndJsonLines) {
  const std::string csv = temp_path("log.csv");
  const std::string jsonl = temp_path("log.jsonl");
  {
    NelderMead nm({.bounds = Bounds::cube(2, -5, 5), .x0 = {1, 1}});
    LogMonitor a(csv, LogFormat::csv);
    LogMonitor b(jsonl, LogFormat::json_lines);
    nm.add_monitor(a);
    nm.add_monitor(b);
    pardo::SerialExecutor serial;
    nm.solve(serial, models::sphere, generation_limit(2));
  }
  const std::string text = read_all(csv);
  EXPECT_EQ(text.rfind("generation,evaluations,failures,seconds,best_value,x0,x1\n0,3,0,", 0), 0u)
      << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  const std::string json = read_all(jsonl);
  EXPECT_EQ(json.rfind("{\"generation\":0,\"evaluations\":3,\"failures\":0,\"seconds\":", 0), 0u)
      << json;
  EXPECT_NE(json.find("\"best_value\":2,\"best_x\":[1,1]}\n"), std::string::npos) << json;
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 3);
  std::remove(csv.c_str());
  std::remove(jsonl.c_str());
}

TEST(LogMonitor, WritesEveryEvaluationWhenAsked) {
  const std::string csv = temp_path("evaluations.csv");
  const std::string jsonl = temp_path("evaluations.jsonl");
  MemoryMonitor memory(true);
  {
    DifferentialEvolution de({.bounds = Bounds::cube(2, -5, 5), .seed = 3}, {.population = 6});
    LogMonitor a(csv, LogFormat::csv, LogEvents::evaluations);
    LogMonitor b(jsonl, LogFormat::json_lines, LogEvents::evaluations);
    de.add_monitor(a);
    de.add_monitor(b);
    de.add_monitor(memory);
    pardo::ThreadPool pool(2);
    de.solve(pool, models::sphere, generation_limit(2));
  }
  const std::string text = read_all(csv);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 18);
  char first[200];
  std::snprintf(first, sizeof first, "evaluation,value,x0,x1\n1,%.17g,%.17g,%.17g\n",
                memory.values()[0], memory.points()[0], memory.points()[1]);
  EXPECT_EQ(text.rfind(first, 0), 0u) << text;
  const std::string json = read_all(jsonl);
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 18);
  EXPECT_EQ(json.rfind("{\"evaluation\":1,\"value\":", 0), 0u) << json;
  EXPECT_NE(json.find("{\"evaluation\":18,"), std::string::npos) << json;
  std::remove(csv.c_str());
  std::remove(jsonl.c_str());
}

TEST(LogMonitor, NamesAFileItCannotCreate) {
  try {
    LogMonitor log("/nonexistent-dir/log.csv", LogFormat::csv);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "LogMonitor: cannot create /nonexistent-dir/log.csv: No such file or directory");
  }
}

TEST(LogMonitor, ReportsAFullDisk) {
  LogMonitor log("/dev/full", LogFormat::csv);
  NelderMead nm({.bounds = Bounds::cube(2, -5, 5), .x0 = {1, 1}});
  nm.add_monitor(log);
  pardo::SerialExecutor serial;
  try {
    nm.solve(serial, models::sphere, generation_limit(2));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "LogMonitor: cannot write /dev/full: No space left on device");
  }
}

}  // namespace

// pardo::remote_stage: pipeline stages that run in worker processes. Items and results
// travel, the serial stages on the thread pool keep their order, a task that throws or a
// worker that dies stops the pipeline with that error, and the pool goes on; on process
// pools of 1, 2 and an oversubscribed 8 workers.
#include <unistd.h>

#include <gmock/gmock.h>

#include <cstdint>
#include <optional>
#include <pardo/pardo.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "process_support.hpp"

namespace {

using namespace pardo;

// "item 12" -> "ITEM 12 from <pid>"; throws for "item 30" when asked to.
std::string shout(std::string line, bool fail_at_30) {
  if (fail_at_30 && line == "item 30") throw std::invalid_argument("item 30 is unreadable");
  for (char& c : line) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return line + " from " + std::to_string(::getpid());
}

std::string shout_all(std::string line) { return shout(std::move(line), false); }
PARDO_REMOTE(shout_all);

std::string shout_but_30(std::string line) { return shout(std::move(line), true); }
PARDO_REMOTE(shout_but_30);

std::uint64_t length_or_die(std::string line) {
  if (line == "item 25") ::_exit(3);
  return line.size();
}
PARDO_REMOTE(length_or_die);

auto lines(int n) {
  return source([n, next = 0]() mutable -> std::optional<std::string> {
    if (next == n) return std::nullopt;
    return "item " + std::to_string(next++);
  });
}

class ProcessPipeline : public pardo::test::OnEveryProcessCount {};
PARDO_ON_EVERY_PROCESS_COUNT(ProcessPipeline);

TEST_P(ProcessPipeline, RemoteStagesRunInWorkersAndTheSinkSeesTheSourcesOrder) {
  const pardo::test::Watchdog watchdog(std::chrono::seconds(120));
  ProcessPool workers(GetParam());
  ThreadPool pool(2);
  std::vector<std::string> out;
  const PipelineRun run = run_pipeline(
      pool, 2 * GetParam() + 1, lines(200), remote_stage(StageMode::parallel, workers, shout_all),
      stage(StageMode::serial_in_order, [&](std::string s) { out.push_back(s); }));
  EXPECT_EQ(run.items, 200u);
  ASSERT_EQ(out.size(), 200u);
  const std::string parent = " from " + std::to_string(::getpid());
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_THAT(out[i], ::testing::StartsWith("ITEM " + std::to_string(i) + " from "));
    EXPECT_THAT(out[i], ::testing::Not(::testing::EndsWith(parent)));
  }
}

TEST_P(ProcessPipeline, ARemoteExceptionOrADeadWorkerStopsThePipelineAndThePoolGoesOn) {
  const pardo::test::Watchdog watchdog(std::chrono::seconds(120));
  ProcessPool workers(GetParam());
  ThreadPool pool(2);
  try {
    run_pipeline(pool, 4, lines(1000), remote_stage(StageMode::parallel, workers, shout_but_30),
                 stage(StageMode::serial_in_order, [](const std::string&) {}));
    ADD_FAILURE() << "no exception";
  } catch (const RemoteError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("item 30 is unreadable"));
  }
  EXPECT_THROW(run_pipeline(pool, 4, lines(1000),
                            remote_stage(StageMode::serial_in_order, workers, length_or_die),
                            stage(StageMode::parallel, [](std::uint64_t) {})),
               WorkerCrashed);
  std::uint64_t total = 0;
  const PipelineRun run =
      run_pipeline(pool, 4, lines(20), remote_stage(StageMode::parallel, workers, length_or_die),
                   stage(StageMode::serial_out_of_order, [&](std::uint64_t n) { total += n; }));
  EXPECT_EQ(run.items, 20u);
  EXPECT_EQ(total, 10u * 6 + 10u * 7);
}

}  // namespace

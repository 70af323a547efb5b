// The MPI tests' main: every rank runs every test; only rank 0 prints the usual report, the
// others print their failures, prefixed with their rank. mpirun fails if any rank fails.

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <pardo/mpi.hpp>
#include <pardo/remote/remote.hpp>

#include "mpi_support.hpp"

namespace {

std::optional<pardo::mpi::Communicator> world_comm;

class FailurePrinter : public testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::fprintf(stderr, "[rank %d] %s:%d: %s\n", rank_,
                 result.file_name() != nullptr ? result.file_name() : "?", result.line_number(),
                 result.summary());
  }

 private:
  int rank_;
};

}  // namespace

const pardo::mpi::Communicator& pardo::mpi::testing::world() { return *world_comm; }

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  pardo::mpi::Environment env(argc, argv);
  world_comm.emplace(env.world());
  testing::InitGoogleTest(&argc, argv);
  if (world_comm->rank() != 0) {
    auto& listeners = testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailurePrinter(world_comm->rank()));
  }
  const int failed = RUN_ALL_TESTS();
  world_comm.reset();
  return failed;
}

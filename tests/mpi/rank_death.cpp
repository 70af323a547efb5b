// A program whose rank dies or hangs on purpose, for check_rank_death.sh:
//   rank_death segv <rank>   that rank segfaults while the others wait in a collective
//   rank_death kill <rank>   that rank SIGKILLs itself
//   rank_death pool <rank>   that rank segfaults inside an mpi::Pool task
//   rank_death hang <rank>   that rank never reaches the collective (for mpirun --timeout)

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <pardo/mpi.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

int victim = 1;

int crash_on_victim(int x) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == victim) std::raise(SIGSEGV);
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return x;
}
PARDO_REMOTE(crash_on_victim);

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: rank_death segv|kill|pool|hang <rank>\n");
    return 2;
  }
  const std::string mode = argv[1];
  victim = std::atoi(argv[2]);
  pardo::mpi::Environment env(argc, argv);
  const pardo::mpi::Communicator world = env.world();
  if (mode == "pool") {
    pardo::mpi::Pool pool(world);
    if (pool.is_master()) {
      std::vector<int> xs(100 * pool.size());
      (void)pool.map(crash_on_victim, xs, {.chunksize = 1});
    }
    return 0;
  }
  world.barrier();
  if (world.rank() == victim) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (mode == "segv") std::raise(SIGSEGV);
    if (mode == "kill") std::raise(SIGKILL);
    if (mode == "hang") {
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }
  for (int i = 0; i < 1000000; ++i) (void)world.allreduce(i, std::plus<>{});
  return 0;
}

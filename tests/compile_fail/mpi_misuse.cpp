// Must not compile: each MPI_MISUSE case is a mistake pardo::mpi catches at compile time,
// with the message its ctest (mpi.misuse_fails_to_compile.*) looks for.
#include <functional>
#include <list>
#include <pardo/mpi.hpp>
#include <vector>

double half(double x) { return x / 2; }
PARDO_REMOTE(half);

void misuse(const pardo::mpi::Communicator& world, pardo::mpi::Pool& pool) {
#if MPI_MISUSE == 1
  // Bitwise AND of doubles: no MPI operation, and not callable on the values.
  (void)world.allreduce(1.0, std::bit_and<>{});
#elif MPI_MISUSE == 2
  // A pointer cannot travel to another rank.
  int value = 0;
  int* pointer = &value;
  world.send(pointer, 1);
#elif MPI_MISUSE == 3
  // gatherv concatenates contiguous native ranges; a list is not one.
  (void)world.gatherv(std::list<int>{1, 2}, 0);
#elif MPI_MISUSE == 4
  // A lambda's code cannot be found on another rank.
  (void)pool.map([](double x) { return x; }, std::vector<double>{1.0});
#else
  (void)world.allreduce(half(1.0), std::plus<>{});
  (void)pool.map(half, std::vector<double>{1.0});
#endif
}

#pragma once
/// @file
/// `pardo::mpi::Pool`: master/worker over MPI ranks, with the executor contract.

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "pardo/core/errors.hpp"
#include "pardo/executor.hpp"
#include "pardo/mpi/communicator.hpp"
#include "pardo/remote/detail/remote_job.hpp"
#include "pardo/remote/detail/remote_pool.hpp"
#include "pardo/remote/remote.hpp"

namespace pardo::mpi {

/// How an mpi::Pool uses its ranks.
/// @code
/// pardo::mpi::Pool pool(world, {.master = 0, .master_computes = false, .pipeline = 4});
/// @endcode
struct PoolOptions {
  /// The rank that submits work and receives results; the others serve it.
  int master = 0;
  /// The master runs tasks too, on a thread of its own; false keeps it free to coordinate.
  bool master_computes = true;
  /// Tasks in flight per thread of a rank, so that the next one is there when one finishes.
  std::size_t pipeline = 2;
  /// Threads each computing rank runs tasks on (each rank passes its own): 1 runs one task at
  /// a time, one rank per core; 0 takes the CPUs the rank may use (rank_threads); any other
  /// count is taken as given. `srun -n 4 -c 8` with 0 gives a pool of 32 workers.
  std::size_t threads = 1;
};

/// The CPUs this rank may use, for PoolOptions::threads: SLURM_CPUS_PER_TASK where Slurm set
/// it, else the rank's affinity mask, shared evenly with the other ranks of `comm` on its node
/// whose masks overlap it (ranks mpirun left unbound share the node; bound ones do not).
/// Collective over `comm`.
/// @code
/// pardo::mpi::Pool pool(world, {.threads = pardo::mpi::rank_threads(world)});
/// @endcode
std::size_t rank_threads(const Communicator& comm);

namespace detail {

/// rank_threads' rule: `slurm_cpus_per_task` (the variable's text, or null) if it is a count
/// from 1 up, else max(1, `mask_cpus` / `sharing`), `sharing` the ranks on the node whose
/// masks overlap this one's, itself included.
/// @code
/// std::size_t t = pardo::mpi::detail::threads_for(nullptr, 16, 4);  // 4
/// @endcode
std::size_t threads_for(const char* slurm_cpus_per_task, std::size_t mask_cpus,
                        std::size_t sharing);

/// The machinery of mpi::Pool: the master's dispatcher and compute threads, the workers'
/// serving loop. Everything else lives in src/mpi/pool.cpp.
class RankCore {
 public:
  RankCore(const Communicator& comm, PoolOptions options);
  RankCore(const RankCore&) = delete;
  RankCore& operator=(const RankCore&) = delete;
  ~RankCore();

  std::size_t size() const noexcept;
  bool is_master() const noexcept;
  int rank_of(std::size_t worker) const;
  void check_accepting(const char* caller) const;
  void push(std::vector<std::unique_ptr<pardo::detail::RemoteJob>>& jobs);
  void shutdown(bool wait, bool cancel_pending);
  void set_error_handler(ErrorHandler handler);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace detail

/// A pool of MPI ranks with the executor contract of `ProcessPool`, for functions registered
/// with `PARDO_REMOTE`: `submit`, `map`, `map_async`, `starmap`, `imap`, `imap_unordered`,
/// `map_reduce`, `on_each_worker`. Arguments and results travel in pardo's wire format.
///
/// Every rank of `comm` constructs the pool (it is collective). On the master the
/// constructor returns at once and the pool is used as any other; on every other rank it
/// serves tasks until the master's pool shuts down, then returns, as mpi4py's
/// MPICommExecutor does. Schedules: `Schedule::static_blocks` gives each worker one
/// contiguous, equal portion (pyina's "equalportion"); `Schedule::dynamic` and the others
/// deal chunks to whichever worker is free ("carddealer"). A worker is one thread of a
/// computing rank (PoolOptions::threads; one per rank by default): the master's come first
/// when it computes, then each other rank's in rank order (see rank_of). With threads, the
/// ranks of a cluster and the cores of each node all work: MPI between the nodes, threads
/// within.
///
/// A task's exception arrives on its future as `RemoteError`, as with ProcessPool. A rank
/// that dies takes the MPI job with it: mpirun ends every rank (see docs/design.md).
/// @code
/// double square(double x) { return x * x; }
/// PARDO_REMOTE(square);
///
/// int main(int argc, char** argv) {
///   pardo::mpi::Environment env(argc, argv);
///   pardo::mpi::Pool pool(env.world());  // ranks other than 0 serve here
///   if (pool.is_master()) {
///     std::vector<double> ys = pool.map(square, std::vector{1.0, 2.0, 3.0});
///   }
/// }
/// @endcode
class Pool : public pardo::detail::RemotePool<detail::RankCore> {
 public:
  /// Makes the pool over `comm` (collective). Throws std::invalid_argument naming a bad
  /// option (a master outside the communicator, pipeline 0, threads above 4096, no rank left
  /// to compute) and
  /// std::logic_error if MPI lacks ThreadLevel::multiple or the ranks' PARDO_REMOTE tables
  /// differ.
  /// @code
  /// pardo::mpi::Pool pool(world, {.master_computes = false});
  /// @endcode
  explicit Pool(const Communicator& comm, PoolOptions options = {}) : RemotePool(comm, options) {}

  /// On the master: runs every task already submitted, then releases the workers.
  /// @code
  /// { pardo::mpi::Pool pool(world); if (pool.is_master()) pool.submit(work, 1); }
  /// @endcode
  ~Pool() = default;

  /// True on the master rank: the one that uses the pool.
  /// @code
  /// if (pool.is_master()) print(pool.map(f, inputs));
  /// @endcode
  bool is_master() const noexcept { return core_.is_master(); }

  /// The rank that runs worker `worker` (static_blocks gives worker w the w-th block).
  /// Throws std::out_of_range for a worker at or above size().
  /// @code
  /// int r = pool.rank_of(0);  // the master's rank when it computes
  /// @endcode
  int rank_of(std::size_t worker) const { return core_.rank_of(worker); }

  /// "mpi": the backend's name, as results and the CLI report it.
  /// @code
  /// assert(pool.backend() == "mpi");
  /// @endcode
  static constexpr std::string_view backend() noexcept { return "mpi"; }
};

static_assert(RemoteExecutor<Pool> && !Executor<Pool>,
              "mpi::Pool must model pardo::RemoteExecutor, and only it");

}  // namespace pardo::mpi

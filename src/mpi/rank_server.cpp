// Worker ranks serve mpi::Pool's master: with one thread, task by task in the calling
// thread (a blocking probe); with several, one thread talks MPI and the others run frames,
// results going back as they finish. Also rank_threads, the CPUs a rank may use.

#include "rank_server.hpp"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "pardo/mpi/pool.hpp"
#include "remote/frame.hpp"
#include "remote/protocol.hpp"

namespace pardo::mpi::detail {

std::string run_frame(std::string_view bytes) {
  std::string out;
  pardo::detail::protocol::run_task(pardo::detail::parse_frame(bytes), out);
  return out;
}

std::string receive_bytes(MPI_Comm comm, const Piece& first) {
  std::string bytes;
  receive_rest(comm, first, MPI_BYTE, [&](std::size_t at, std::size_t n) -> void* {
    bytes.resize(at + n);
    return bytes.data() + at;
  });
  return bytes;
}

namespace {

/// A worker rank with one thread: each task runs as it arrives, in this thread.
void serve_one_at_a_time(MPI_Comm comm, int master) {
  for (;;) {
    Piece first = probe_piece(comm, master, MPI_ANY_TAG, MPI_BYTE);
    const int tag = first.status.MPI_TAG;
    const std::string message = receive_bytes(comm, first);
    if (tag == tag_stop) return;
    const std::string result = run_frame(message);
    send_pieces(comm, result.data(), result.size(), MPI_BYTE, master, tag_result);
  }
}

/// A worker rank with threads: this thread alone talks MPI, receiving tasks and sending
/// results as they finish, in any order (each result frame names its task); the threads run
/// the tasks. The stop message comes only once every task sent has been answered.
class ThreadedServer {
 public:
  ThreadedServer(MPI_Comm comm, int master, std::size_t threads) : comm_(comm), master_(master) {
    for (std::size_t t = 0; t < threads; ++t) threads_.emplace_back([this, t] { compute(t); });
  }
  ThreadedServer(const ThreadedServer&) = delete;
  ThreadedServer& operator=(const ThreadedServer&) = delete;
  ~ThreadedServer() {
    {
      std::lock_guard lock(mutex_);
      ending_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  void serve() {
    bool stop = false;
    std::size_t open = 0;
    auto idle = std::chrono::microseconds(0);
    while (!stop || open > 0) {
      bool moved = false;
      Piece first;
      while (!stop && poll_piece(comm_, master_, MPI_ANY_TAG, MPI_BYTE, first)) {
        const int tag = first.status.MPI_TAG;
        std::string message = receive_bytes(comm_, first);
        moved = true;
        if (tag == tag_stop) {
          stop = true;
        } else {
          ++open;
          std::lock_guard lock(mutex_);
          if (tag >= tag_pinned) {
            tasks_.push_back({static_cast<std::size_t>(tag - tag_pinned), std::move(message)});
            wake_.notify_all();
          } else {
            tasks_.push_back({any_thread, std::move(message)});
            wake_.notify_one();
          }
        }
      }
      std::deque<std::string> results;
      {
        std::unique_lock lock(mutex_);
        if (failure_) std::rethrow_exception(failure_);
        if (!moved && results_.empty()) {
          // Tasks arrive unannounced: poll for them with a growing pause, woken early by a
          // result.
          idle = std::min(std::chrono::microseconds(100), idle + std::chrono::microseconds(5));
          wake_.wait_for(lock, idle, [&] { return !results_.empty() || failure_; });
        }
        results.swap(results_);
      }
      for (const std::string& result : results) {
        send_pieces(comm_, result.data(), result.size(), MPI_BYTE, master_, tag_result);
        --open;
      }
      if (moved || !results.empty()) idle = std::chrono::microseconds(0);
    }
  }

 private:
  static constexpr std::size_t any_thread = max_rank_threads;

  void compute(std::size_t thread) {
    for (;;) {
      std::string task;
      {
        std::unique_lock lock(mutex_);
        auto mine = tasks_.end();
        wake_.wait(lock, [&] {
          mine = std::find_if(tasks_.begin(), tasks_.end(), [&](const auto& queued) {
            return queued.first == any_thread || queued.first == thread;
          });
          return ending_ || mine != tasks_.end();
        });
        if (mine == tasks_.end()) return;
        task = std::move(mine->second);
        tasks_.erase(mine);
      }
      std::string result;
      std::exception_ptr failure;
      try {
        result = run_frame(task);
      } catch (...) {
        failure = std::current_exception();
      }
      std::lock_guard lock(mutex_);
      if (failure) {
        if (!failure_) failure_ = failure;
      } else {
        results_.push_back(std::move(result));
      }
      wake_.notify_all();
    }
  }

  MPI_Comm comm_;
  int master_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<std::size_t, std::string>> tasks_;  // (thread or any_thread, frame)
  std::deque<std::string> results_;
  std::exception_ptr failure_;
  bool ending_ = false;
  std::vector<std::thread> threads_;
};

/// The CPUs in this process's affinity mask, and the mask.
std::size_t own_mask(cpu_set_t& mask) {
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) return 1;
  return static_cast<std::size_t>(CPU_COUNT(&mask));
}

}  // namespace

void serve(MPI_Comm comm, int master, std::size_t threads) {
  if (threads == 1) {
    serve_one_at_a_time(comm, master);
  } else {
    ThreadedServer(comm, master, threads).serve();
  }
}

std::size_t threads_for(const char* slurm_cpus_per_task, std::size_t mask_cpus,
                        std::size_t sharing) {
  if (slurm_cpus_per_task != nullptr) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long cpus = std::strtoull(slurm_cpus_per_task, &end, 10);
    if (end != slurm_cpus_per_task && *end == '\0' && errno == 0 && cpus >= 1 &&
        cpus <= max_rank_threads && slurm_cpus_per_task[0] != '-') {
      return static_cast<std::size_t>(cpus);
    }
  }
  return std::max<std::size_t>(1, mask_cpus / std::max<std::size_t>(1, sharing));
}

}  // namespace pardo::mpi::detail

namespace pardo::mpi {

std::size_t rank_threads(const Communicator& comm) {
  cpu_set_t mine;
  const std::size_t cpus = detail::own_mask(mine);
  MPI_Comm node = MPI_COMM_NULL;
  detail::check(MPI_Comm_split_type(comm.native(), MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node),
                "MPI_Comm_split_type");
  int local = 1;
  MPI_Comm_size(node, &local);
  std::vector<cpu_set_t> masks(static_cast<std::size_t>(local));
  const int gathered =
      MPI_Allgather(&mine, sizeof mine, MPI_BYTE, masks.data(), sizeof mine, MPI_BYTE, node);
  MPI_Comm_free(&node);
  detail::check(gathered, "MPI_Allgather");
  std::size_t sharing = 0;
  for (cpu_set_t& other : masks) {
    cpu_set_t both;
    CPU_AND(&both, &mine, &other);
    if (CPU_COUNT(&both) > 0) ++sharing;
  }
  return detail::threads_for(std::getenv("SLURM_CPUS_PER_TASK"), cpus, sharing);
}

}  // namespace pardo::mpi

// MPI's lifetime, and the progress thread that completes isend and irecv futures.

#include "pardo/mpi/environment.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "pardo/core/errors.hpp"

namespace pardo::mpi {

namespace {

std::atomic<bool> environment_active{false};
std::atomic<int> provided_level{MPI_THREAD_SINGLE};

int to_mpi(ThreadLevel level) {
  switch (level) {
    case ThreadLevel::single:
      return MPI_THREAD_SINGLE;
    case ThreadLevel::funneled:
      return MPI_THREAD_FUNNELED;
    case ThreadLevel::serialized:
      return MPI_THREAD_SERIALIZED;
    case ThreadLevel::multiple:
      break;
  }
  return MPI_THREAD_MULTIPLE;
}

ThreadLevel from_mpi(int level) {
  if (level == MPI_THREAD_SINGLE) return ThreadLevel::single;
  if (level == MPI_THREAD_FUNNELED) return ThreadLevel::funneled;
  if (level == MPI_THREAD_SERIALIZED) return ThreadLevel::serialized;
  return ThreadLevel::multiple;
}

/// One thread per process that polls pending asynchronous operations: spinning briefly,
/// then backing off to sleeps of up to 200 µs, and parked while nothing is pending.
class ProgressEngine {
 public:
  void post(std::unique_ptr<detail::AsyncOp> op) {
    std::lock_guard lock(mutex_);
    if (stopped_) throw std::logic_error("pardo::mpi: MPI was finalised");
    incoming_.push_back(std::move(op));
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake_.notify_one();
  }

  void stop() noexcept {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
      wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    const auto error = std::make_exception_ptr(
        ShutdownError("pardo::mpi: MPI was finalised before the operation finished"));
    for (auto& op : incoming_) op->abandon(error);
    incoming_.clear();
  }

 private:
  void run() {
    std::list<std::unique_ptr<detail::AsyncOp>> pending;
    auto idle = std::chrono::microseconds(0);
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        if (pending.empty()) wake_.wait(lock, [&] { return stopped_ || !incoming_.empty(); });
        if (stopped_) {
          for (auto& op : pending) incoming_.push_back(std::move(op));
          return;
        }
        pending.splice(pending.end(), incoming_);
      }
      bool moved = false;
      for (auto it = pending.begin(); it != pending.end();) {
        if ((*it)->progress()) {
          it = pending.erase(it);
          moved = true;
        } else {
          ++it;
        }
      }
      if (moved) {
        idle = std::chrono::microseconds(0);
      } else if (!pending.empty()) {
        idle = std::min(std::chrono::microseconds(200), idle + std::chrono::microseconds(10));
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, idle, [&] { return stopped_ || !incoming_.empty(); });
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::list<std::unique_ptr<detail::AsyncOp>> incoming_;
  std::thread thread_;
  bool stopped_ = false;
};

ProgressEngine* engine = nullptr;  // made by Environment, used while MPI is active

}  // namespace

namespace detail {

void require_thread_multiple(const char* call) {
  if (!environment_active.load(std::memory_order_acquire)) {
    throw std::logic_error(std::string(call) + ": no pardo::mpi::Environment is active");
  }
  if (provided_level.load(std::memory_order_relaxed) != MPI_THREAD_MULTIPLE) {
    throw std::logic_error(std::string(call) +
                           " needs MPI_THREAD_MULTIPLE; the environment provides " +
                           to_string(from_mpi(provided_level.load())));
  }
}

void post(std::unique_ptr<AsyncOp> op) { engine->post(std::move(op)); }

void stop_progress() noexcept {
  if (engine != nullptr) engine->stop();
}

}  // namespace detail

std::string to_string(ThreadLevel level) {
  switch (level) {
    case ThreadLevel::single:
      return "single";
    case ThreadLevel::funneled:
      return "funneled";
    case ThreadLevel::serialized:
      return "serialized";
    case ThreadLevel::multiple:
      break;
  }
  return "multiple";
}

Environment::Environment(int& argc, char**& argv, ThreadLevel required) {
  start(&argc, &argv, required);
}

Environment::Environment(ThreadLevel required) { start(nullptr, nullptr, required); }

void Environment::start(int* argc, char*** argv, ThreadLevel required) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized != 0) {
    throw std::logic_error("pardo::mpi::Environment: MPI is initialised already");
  }
  int provided = MPI_THREAD_SINGLE;
  detail::check(MPI_Init_thread(argc, argv, to_mpi(required), &provided), "MPI_Init_thread");
  provided_ = from_mpi(provided);
  if (provided < to_mpi(required)) {
    MPI_Finalize();
    throw std::runtime_error("pardo::mpi::Environment: MPI provides thread level " +
                             to_string(provided_) + ", below the " + to_string(required) +
                             " asked for");
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  provided_level.store(provided, std::memory_order_relaxed);
  engine = new ProgressEngine();
  environment_active.store(true, std::memory_order_release);
}

Environment::~Environment() {
  environment_active.store(false, std::memory_order_release);
  detail::stop_progress();
  delete engine;
  engine = nullptr;
  MPI_Finalize();
}

Communicator Environment::world() const { return Communicator(MPI_COMM_WORLD); }

std::string Environment::processor_name() const {
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  detail::check(MPI_Get_processor_name(name, &length), "MPI_Get_processor_name");
  return std::string(name, static_cast<std::size_t>(length));
}

std::string Environment::library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(text, &length);
  std::string version(text, static_cast<std::size_t>(length));
  while (!version.empty() && (version.back() == '\n' || version.back() == '\0')) {
    version.pop_back();
  }
  return version;
}

bool Environment::active() noexcept { return environment_active.load(std::memory_order_acquire); }

}  // namespace pardo::mpi

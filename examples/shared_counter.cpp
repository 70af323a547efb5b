// The classic race: worker processes add to one shared counter. Unsynchronised
// read-modify-write loses updates; four fixes do not: an atomic add, one slot per worker,
// a process-shared lock, and map-reduce (no sharing at all).
//
//   shared_counter [workers] [increments per worker]

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <numeric>
#include <pardo/pardo.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

enum class Method : int { unsynchronised, atomic_add, slot_per_worker, lock, map_reduce };

struct Work {
  Method method;
  pardo::SharedHandle counter;  // one value, or one slot per worker
  pardo::SharedHandle mutex;
  pardo::SharedHandle arrived;  // a start line, so that the workers overlap
  std::size_t slot;
  std::size_t workers;
  std::int64_t increments;
};

std::int64_t add_up(Work work) {
  auto arrived = pardo::SharedValue<std::size_t>::attach(work.arrived);
  arrived.fetch_add(1);
  while (arrived.load() < work.workers) std::this_thread::yield();
  switch (work.method) {
    case Method::unsynchronised: {
      auto counter = pardo::SharedValue<std::int64_t>::attach(work.counter);
      volatile std::int64_t* value = &counter.get();
      for (std::int64_t i = 0; i < work.increments; ++i) *value = *value + 1;
      return 0;
    }
    case Method::atomic_add: {
      auto counter = pardo::SharedValue<std::int64_t>::attach(work.counter);
      for (std::int64_t i = 0; i < work.increments; ++i) counter.fetch_add(1);
      return 0;
    }
    case Method::slot_per_worker: {
      auto slots = pardo::SharedArray<std::int64_t>::attach(work.counter);
      for (std::int64_t i = 0; i < work.increments; ++i) ++slots[work.slot];
      return 0;
    }
    case Method::lock: {
      auto counter = pardo::SharedValue<std::int64_t>::attach(work.counter);
      auto mutex = pardo::ProcessMutex::attach(work.mutex);
      for (std::int64_t i = 0; i < work.increments; ++i) {
        std::lock_guard guard(mutex);
        counter.get() = counter.get() + 1;
      }
      return 0;
    }
    case Method::map_reduce:
      break;
  }
  std::int64_t local = 0;
  for (std::int64_t i = 0; i < work.increments; ++i) ++local;
  return local;
}
PARDO_REMOTE(add_up);

std::int64_t run(pardo::ProcessPool& pool, Method method, std::int64_t increments) {
  const std::size_t workers = pool.size();
  pardo::SharedValue<std::int64_t> counter(0);
  pardo::SharedArray<std::int64_t> slots(workers);
  pardo::ProcessMutex mutex;
  pardo::SharedValue<std::size_t> arrived(0);
  std::vector<Work> work;
  for (std::size_t w = 0; w < workers; ++w) {
    work.push_back({method, method == Method::slot_per_worker ? slots.handle() : counter.handle(),
                    mutex.handle(), arrived.handle(), w, workers, increments});
  }
  // One task per worker, all at once, so that the workers overlap.
  const std::int64_t returned =
      pool.map_reduce(work, add_up, std::plus<>{}, std::int64_t{0},
                      {.chunksize = 1, .schedule = pardo::Schedule::static_blocks});
  switch (method) {
    case Method::slot_per_worker:
      return std::accumulate(slots.begin(), slots.end(), std::int64_t{0});
    case Method::map_reduce:
      return returned;
    default:
      return counter.get();
  }
}

}  // namespace

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  const std::size_t workers = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 4;
  const std::int64_t increments = argc > 2 ? std::strtoll(argv[2], nullptr, 10) : 1'000'000;
  pardo::ProcessPool pool(workers);
  const std::int64_t expected = increments * static_cast<std::int64_t>(workers);
  const std::pair<const char*, Method> methods[] = {
      {"unsynchronised", Method::unsynchronised},
      {"atomic add", Method::atomic_add},
      {"one slot per worker", Method::slot_per_worker},
      {"ProcessMutex", Method::lock},
      {"map-reduce", Method::map_reduce}};
  std::printf("%zu processes x %lld increments = %lld expected\n", workers,
              static_cast<long long>(increments), static_cast<long long>(expected));
  int wrong_fixes = 0;
  bool race_lost = false;
  for (const auto& [name, method] : methods) {
    const auto start = std::chrono::steady_clock::now();
    std::int64_t got = run(pool, method, increments);
    // The race depends on timing: give it a few chances to show.
    for (int again = 0; method == Method::unsynchronised && got == expected && again < 4; ++again) {
      got = run(pool, method, increments);
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("  %-20s %12lld  lost %10lld  %8.1f ms\n", name, static_cast<long long>(got),
                static_cast<long long>(expected - got), ms);
    if (method == Method::unsynchronised) {
      race_lost = got < expected;
    } else if (got != expected) {
      ++wrong_fixes;
    }
  }
  // Exit status for the test that runs this example: every fix exact, and the race seen.
  return wrong_fixes == 0 && (race_lost || workers == 1) ? 0 : 1;
}

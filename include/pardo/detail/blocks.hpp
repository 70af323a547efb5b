#pragma once
// Running a workload's logical blocks on any executor, results in block order.

#include <cstdint>
#include <optional>
#include <ranges>
#include <type_traits>
#include <vector>

#include "pardo/core/options.hpp"
#include "pardo/remote/detail/remote_pool.hpp"
#include "pardo/workload/run_control.hpp"

namespace pardo::detail {

template <class Core>
std::true_type remote_pool_test(const RemotePool<Core>*);
std::false_type remote_pool_test(const void*);

/// True for pools that run only registered functions (ProcessPool, mpi::Pool).
template <class Executor>
inline constexpr bool is_remote_pool_v =
    decltype(remote_pool_test(static_cast<const Executor*>(nullptr)))::value;

/// Runs `block(b)` for b in [0, blocks) on an in-process executor; entry b is empty if the
/// block was skipped after a stop request. The result never depends on the schedule.
template <class Executor, class F>
auto map_blocks(Executor& executor, std::uint64_t blocks, const F& block,
                const RunControl& control) {
  using R = std::invoke_result_t<const F&, std::uint64_t>;
  const auto run = [&](std::uint64_t b) -> std::optional<R> {
    if (control.stop.stop_requested()) return std::nullopt;
    std::optional<R> result(block(b));
    if (control.blocks_done != nullptr) {
      control.blocks_done->fetch_add(1, std::memory_order_relaxed);
    }
    return result;
  };
  return executor.map(run, std::views::iota(std::uint64_t{0}, blocks),
                      MapOptions{.chunksize = 1, .schedule = Schedule::automatic});
}

/// Runs the registered `fn` on each task on a remote pool; entry b is `fn(tasks[b])`, or
/// empty if a stop request came first (blocks in flight finish, the rest are cancelled).
template <class Pool, class R, class Task>
std::vector<std::optional<R>> map_remote_blocks(Pool& pool, R (*fn)(Task),
                                                const std::vector<std::remove_cvref_t<Task>>& tasks,
                                                const RunControl& control) {
  std::vector<std::optional<R>> results(tasks.size());
  auto done = pool.imap_unordered(fn, tasks, MapOptions{.chunksize = 1});
  for (auto& [b, value] : done) {
    results[b].emplace(std::move(value));
    if (control.blocks_done != nullptr) {
      control.blocks_done->fetch_add(1, std::memory_order_relaxed);
    }
    if (control.stop.stop_requested()) break;
  }
  return results;
}

/// Whether every block ran.
template <class R>
bool all_done(const std::vector<std::optional<R>>& results) {
  for (const auto& r : results) {
    if (!r) return false;
  }
  return true;
}

}  // namespace pardo::detail

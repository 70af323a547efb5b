#pragma once
// broadcast and on_worker for the remote pools: a value placed once on every worker, in a
// shared segment (a Core whose workers map this process's memory) or stored on each worker
// under an id (mpi::Pool); a call pinned to one worker.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pardo/core/detail/shared_blob.hpp"
#include "pardo/core/shared.hpp"
#include "pardo/remote/detail/remote_calls.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::detail {

/// Keeps `value` on this worker under `id` until forgotten (registered as
/// "pardo::store_broadcast"; src/remote/broadcast.cpp).
void store_broadcast(std::uint64_t id, std::uint64_t type_tag, std::string bytes);
/// Drops stored value `id` (registered as "pardo::forget_broadcast").
void forget_broadcast(std::uint64_t id);

/// A process-unique id for a stored broadcast.
inline std::uint64_t next_broadcast_id() noexcept {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

/// The Cores whose workers map this process's shared segments (ProcessCore).
template <class Core>
concept SegmentCore = requires(std::string bytes, std::uint64_t tag) {
  {
    Core::share_encoding(std::move(bytes), tag)
    } -> std::same_as<std::shared_ptr<const SharedBlob>>;
};

/// `fn(args...)` on worker `worker` alone: std::out_of_range naming it past the last worker.
template <class Core, class F, class... A>
auto worker_call(Core& core, std::size_t worker, F fn, const A&... args) {
  using Call = RemoteCallable<F>;
  using R = typename Call::value;
  core.check_accepting("on_worker");
  if (worker >= core.size()) {
    throw std::out_of_range("on_worker: worker " + std::to_string(worker) + " of a pool of " +
                            std::to_string(core.size()));
  }
  const std::uint64_t id = function_id(fn, "on_worker");
  auto ref = StateRef<SharedState<R>>(new SharedState<R>());
  Future<R> future = make_future(ref);
  std::string encoded;
  try {
    wire::Writer out(encoded);
    Call::encode(out, args...);
  } catch (...) {
    ref->try_start();
    ref->set_exception(std::current_exception());
    return future;
  }
  auto job = std::make_unique<SingleJob<R>>(id, std::move(encoded), std::move(ref));
  job->worker = worker;
  push_one(core, std::move(job));
  return future;
}

/// The stored broadcasts whose handles have all gone in this process, for the workers to drop
/// at the pool's next broadcast. (A blob may go on the pool's own threads, where it must not
/// push jobs.)
struct BroadcastLedger {
  std::mutex mutex;
  std::vector<std::uint64_t> released;
};

/// The value stored on every worker, forgotten there after its last handle here has gone.
template <class Core>
std::shared_ptr<const SharedBlob> store_on_workers(Core& core, std::string encoded,
                                                   std::uint64_t tag,
                                                   const std::shared_ptr<BroadcastLedger>& ledger) {
  std::vector<std::uint64_t> released;
  {
    std::lock_guard lock(ledger->mutex);
    released.swap(ledger->released);
  }
  for (const std::uint64_t old : released) {
    for (std::size_t w = 0; w < core.size(); ++w) worker_call(core, w, &forget_broadcast, old);
  }
  const std::uint64_t id = next_broadcast_id();
  std::vector<Future<void>> stored;
  stored.reserve(core.size());
  for (std::size_t w = 0; w < core.size(); ++w) {
    stored.push_back(worker_call(core, w, &store_broadcast, id, tag, encoded));
  }
  // Tasks that use the value may reach any worker next: each has it before broadcast returns.
  for (auto& f : stored) f.get();
  auto held = std::make_shared<const std::string>(std::move(encoded));
  const std::span<const std::byte> view(reinterpret_cast<const std::byte*>(held->data()),
                                        held->size());
  std::weak_ptr<BroadcastLedger> weak = ledger;
  return std::make_shared<const SharedBlob>(SharedKind::stored, id, tag, SharedHandle{}, view,
                                            std::move(held), [weak, id] {
                                              try {
                                                if (const auto live = weak.lock()) {
                                                  std::lock_guard lock(live->mutex);
                                                  live->released.push_back(id);
                                                }
                                              } catch (...) {
                                                // Out of memory: the value stays on the workers
                                                // until the pool goes.
                                              }
                                            });
}

/// `broadcast(value)` on a remote pool.
template <class T, class Core>
Shared<T> remote_broadcast(Core& core, const T& value,
                           const std::shared_ptr<BroadcastLedger>& ledger) {
  static_assert(Serializable<T>,
                "pardo::Shared<T>: broadcast on a worker pool needs a T that "
                "can travel (see pardo/wire.hpp)");
  core.check_accepting("broadcast");
  std::string encoded;
  wire::Writer out(encoded);
  wire::encode(out, value);
  const std::uint64_t tag = shared_type_tag<T>();
  if constexpr (SegmentCore<Core>) {
    return SharedAccess::remote<T>(Core::share_encoding(std::move(encoded), tag));
  } else {
    return SharedAccess::remote<T>(store_on_workers(core, std::move(encoded), tag, ledger));
  }
}

}  // namespace pardo::detail

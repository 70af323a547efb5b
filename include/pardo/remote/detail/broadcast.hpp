#pragma once
// broadcast and on_worker for the remote pools: a value placed once on every worker, in a
// shared segment (a Core whose workers map this process's memory) or stored on each worker
// under an id (mpi::Pool); a call pinned to one worker.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/shared_blob.hpp"
#include "pardo/core/shared.hpp"
#include "pardo/remote/detail/codec.hpp"
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

/// Writes an encoding of a size known beforehand where it goes.
using EncodingWriter = std::function<void(std::byte*)>;

/// The Cores whose workers map this process's shared segments (ProcessCore).
template <class Core>
concept SegmentCore = requires(std::size_t bytes, std::uint64_t tag, const EncodingWriter& write) {
  { Core::share_encoding(bytes, tag, write) } -> std::same_as<std::shared_ptr<const SharedBlob>>;
};

/// A std::vector whose wire encoding is its u64 count, then its elements' bytes.
template <class T>
struct BitwiseVector : std::false_type {};
template <class E>
requires Codec<E>::bitwise struct BitwiseVector<std::vector<E>> : std::true_type {
  using element = E;
};

/// `fn(args...)` on worker `worker` alone: std::out_of_range naming it past the last worker.
template <class Core, class F, class... A>
auto worker_call(Core& core, std::size_t worker, F fn, const A&... args) {
  return submit_call(core, std::optional<std::size_t>(worker), fn, args...);
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

/// `parts`, one after another, broadcast as one std::vector<E>: its encoding written straight
/// into the segment (or the frame), never made here as a vector or as a string first.
template <class E, class Core>
Shared<std::vector<E>> remote_broadcast_values(Core& core,
                                               std::span<const std::span<const E>> parts,
                                               const std::shared_ptr<BroadcastLedger>& ledger) {
  static_assert(Codec<E>::bitwise);
  core.check_accepting("broadcast");
  std::uint64_t count = 0;
  for (const auto& part : parts) count += part.size();
  const std::size_t bytes = sizeof count + static_cast<std::size_t>(count) * sizeof(E);
  const EncodingWriter write = [&](std::byte* out) {
    std::memcpy(out, &count, sizeof count);
    out += sizeof count;
    for (const auto& part : parts) {
      if (!part.empty()) std::memcpy(out, part.data(), part.size_bytes());
      out += part.size_bytes();
    }
  };
  const std::uint64_t tag = shared_type_tag<std::vector<E>>();
  if constexpr (SegmentCore<Core>) {
    return SharedAccess::remote<std::vector<E>>(Core::share_encoding(bytes, tag, write));
  } else {
    std::string encoded(bytes, '\0');
    write(reinterpret_cast<std::byte*>(encoded.data()));
    return SharedAccess::remote<std::vector<E>>(
        store_on_workers(core, std::move(encoded), tag, ledger));
  }
}

/// `broadcast(value)` on a remote pool.
template <class T, class Core>
Shared<T> remote_broadcast(Core& core, const T& value,
                           const std::shared_ptr<BroadcastLedger>& ledger) {
  static_assert(Serializable<T>,
                "pardo::Shared<T>: broadcast on a worker pool needs a T that "
                "can travel (see pardo/wire.hpp)");
  if constexpr (BitwiseVector<T>::value) {
    using E = typename BitwiseVector<T>::element;
    const std::span<const E> all(value);
    return remote_broadcast_values<E>(core, std::span(&all, 1), ledger);
  } else {
    core.check_accepting("broadcast");
    std::string encoded;
    wire::Writer out(encoded);
    wire::encode(out, value);
    const std::uint64_t tag = shared_type_tag<T>();
    if constexpr (SegmentCore<Core>) {
      const EncodingWriter write = [&](std::byte* to) {
        std::memcpy(to, encoded.data(), encoded.size());
      };
      return SharedAccess::remote<T>(Core::share_encoding(encoded.size(), tag, write));
    } else {
      return SharedAccess::remote<T>(store_on_workers(core, std::move(encoded), tag, ledger));
    }
  }
}

}  // namespace pardo::detail

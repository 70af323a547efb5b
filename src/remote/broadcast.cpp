// Broadcast values as workers hold them: the values mpi::Pool stores on each worker, and the
// hook through which a worker maps a ProcessPool's segment.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "pardo/core/detail/shared_blob.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/remote/detail/broadcast.hpp"
#include "pardo/remote/remote.hpp"

namespace pardo::detail {

namespace {

std::atomic<SegmentAttacher> segment_attacher{nullptr};

struct StoredValues {
  std::mutex mutex;
  std::map<std::uint64_t, std::shared_ptr<const SharedBlob>> values;
};

StoredValues& stored_values() {
  static StoredValues* const values = new StoredValues();  // outlives the worker's last task
  return *values;
}

}  // namespace

void set_segment_attacher(SegmentAttacher attacher) noexcept { segment_attacher = attacher; }

std::shared_ptr<const SharedBlob> attach_shared_segment(const SharedHandle& handle,
                                                        std::uint64_t type_tag) {
  const SegmentAttacher attach = segment_attacher.load();
  if (attach == nullptr) {
    throw SerializationError(
        "pardo::Shared: a shared-segment broadcast reached a program without ProcessPool");
  }
  return attach(handle, type_tag);
}

std::shared_ptr<const SharedBlob> stored_shared(std::uint64_t id, std::uint64_t type_tag) {
  StoredValues& stored = stored_values();
  std::lock_guard lock(stored.mutex);
  const auto it = stored.values.find(id);
  if (it == stored.values.end()) {
    throw SerializationError("pardo::Shared: broadcast " + std::to_string(id) +
                             " is not held by this worker (its handles were all destroyed)");
  }
  if (it->second->type_tag() != type_tag) {
    throw SerializationError("pardo::Shared: broadcast " + std::to_string(id) +
                             " was made for another type");
  }
  return it->second;
}

void store_broadcast(std::uint64_t id, std::uint64_t type_tag, std::string bytes) {
  auto held = std::make_shared<const std::string>(std::move(bytes));
  const std::span<const std::byte> view(reinterpret_cast<const std::byte*>(held->data()),
                                        held->size());
  StoredValues& stored = stored_values();
  std::lock_guard lock(stored.mutex);
  // A rank with several worker threads gets the value once per thread: the first one stays.
  stored.values.try_emplace(
      id, std::make_shared<const SharedBlob>(SharedKind::stored, id, type_tag, SharedHandle{}, view,
                                             std::move(held)));
}
PARDO_REMOTE_AS(store_broadcast, "pardo::store_broadcast");

void forget_broadcast(std::uint64_t id) {
  StoredValues& stored = stored_values();
  std::lock_guard lock(stored.mutex);
  stored.values.erase(id);
}
PARDO_REMOTE_AS(forget_broadcast, "pardo::forget_broadcast");

}  // namespace pardo::detail

// ProcessPool's broadcasts: the encoding in a shared segment, laid out as a u64 byte count
// then the bytes (so a vector's elements, after its own u64 count, start 16 bytes into a
// page); and each worker's cache of the segments it has mapped.

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "pardo/core/detail/shared_blob.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/process/detail/process_core.hpp"
#include "pardo/process/shared_memory.hpp"

namespace pardo::detail {

namespace {

using Segment = SharedArray<std::byte>;

// A worker keeps mapped the segments of its last few broadcasts, and drops earlier ones as
// soon as their creator has closed them.
constexpr std::size_t kept_segments = 4;

struct Mapped {
  std::uint64_t id = 0;
  ino_t inode = 0;
  std::shared_ptr<const SharedBlob> blob;
};

struct MappedSegments {
  std::mutex mutex;
  std::vector<Mapped> recent;  // least recently used first
};

MappedSegments& mapped_segments() {
  static MappedSegments* const segments = new MappedSegments();  // outlives the last task
  return *segments;
}

// The inode of the creator's descriptor, or 0 once it has closed it (the segment is then
// freed when its last mapping goes).
ino_t creator_inode(const SharedHandle& h) {
  const std::string path = "/proc/" + std::to_string(h.pid) + "/fd/" + std::to_string(h.fd);
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

std::shared_ptr<const SharedBlob> blob_of(std::shared_ptr<const Segment> segment,
                                          std::uint64_t tag) {
  std::uint64_t size = 0;
  if (segment->size() >= sizeof size) std::memcpy(&size, segment->data(), sizeof size);
  if (segment->size() < sizeof size || size > segment->size() - sizeof size) {
    throw SerializationError("pardo::Shared: segment " + std::to_string(segment->handle().id) +
                             " says it holds " + std::to_string(size) + " bytes, more than its " +
                             std::to_string(segment->size() - sizeof size));
  }
  const std::span<const std::byte> bytes(segment->data() + sizeof size,
                                         static_cast<std::size_t>(size));
  const SharedHandle handle = segment->handle();
  return std::make_shared<const SharedBlob>(SharedKind::segment, handle.id, tag, handle, bytes,
                                            std::move(segment));
}

// Asks for every page of [data, data + bytes) at once, before the copy writes them: one call
// instead of a fault per page, which halves the time a gigabyte takes. A kernel without
// MADV_POPULATE_WRITE (before 5.14) refuses, and the pages come by faults as before.
void populate(std::byte* data, std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto first = reinterpret_cast<std::uintptr_t>(data) / page * page;
  const auto end = reinterpret_cast<std::uintptr_t>(data) + bytes;
  static_cast<void>(::madvise(reinterpret_cast<void*>(first), end - first, MADV_POPULATE_WRITE));
#else
  static_cast<void>(data);
  static_cast<void>(bytes);
#endif
}

std::shared_ptr<const SharedBlob> attach(const SharedHandle& handle, std::uint64_t tag) {
  MappedSegments& mapped = mapped_segments();
  std::lock_guard lock(mapped.mutex);
  auto& recent = mapped.recent;
  const auto hit = std::find_if(recent.begin(), recent.end(),
                                [&](const Mapped& m) { return m.id == handle.id; });
  if (hit != recent.end()) {
    std::rotate(hit, hit + 1, recent.end());
    if (recent.back().blob->type_tag() != tag) {
      throw SerializationError("pardo::Shared: broadcast " + std::to_string(handle.id) +
                               " was made for another type");
    }
    return recent.back().blob;
  }
  std::erase_if(recent,
                [](const Mapped& m) { return creator_inode(m.blob->segment()) != m.inode; });
  auto segment = std::make_shared<const Segment>(Segment::attach(handle));
  const ino_t inode = creator_inode(handle);
  auto blob = blob_of(std::move(segment), tag);
  if (recent.size() == kept_segments) recent.erase(recent.begin());
  recent.push_back({handle.id, inode, blob});
  return blob;
}

[[maybe_unused]] const bool attacher_set = (set_segment_attacher(&attach), true);

}  // namespace

std::shared_ptr<const SharedBlob> ProcessCore::share_encoding(
    std::size_t bytes, std::uint64_t type_tag, const std::function<void(std::byte*)>& write) {
  const std::uint64_t size = bytes;
  auto segment = std::make_shared<Segment>(sizeof size + bytes);
  populate(segment->data(), segment->size());
  std::memcpy(segment->data(), &size, sizeof size);
  write(segment->data() + sizeof size);
  return blob_of(std::move(segment), type_tag);
}

}  // namespace pardo::detail

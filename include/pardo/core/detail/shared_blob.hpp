#pragma once
// The machinery of pardo::Shared<T> (pardo/core/shared.hpp): one broadcast value as a process
// holds it, its value in memory or its encoded bytes, decoded once on first use.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <vector>

#include "pardo/core/detail/type_tag.hpp"
#include "pardo/core/shared_handle.hpp"

namespace pardo::detail {

/// Where a broadcast value lives, which is how it travels.
enum class SharedKind : std::uint8_t {
  local,    ///< made by an in-process executor: the value itself; it cannot travel
  segment,  ///< its encoding in a shared segment that worker processes map (ProcessPool)
  stored,   ///< its encoding held by each worker under an id (mpi::Pool)
};

/// Decodes a value's encoding into a new value (wire::decode).
using SharedDecoder = std::shared_ptr<const void> (*)(std::span<const std::byte>);

/// One broadcast value in one process: the value, or its encoding that `value()` decodes on
/// first use (once per process, whichever task asks first). Immutable once made, apart from
/// that decoding, so every task of the process may read it at once.
class SharedBlob {
 public:
  /// A local value (threads, serial).
  explicit SharedBlob(std::shared_ptr<const void> value) : decoded_(std::move(value)) {}

  /// An encoding: `bytes` stay valid while `keep` lives; `on_release` runs when the blob goes
  /// (the pool telling its workers to drop a stored value), and must not throw.
  SharedBlob(SharedKind kind, std::uint64_t id, std::uint64_t type_tag, SharedHandle segment,
             std::span<const std::byte> bytes, std::shared_ptr<const void> keep,
             std::function<void()> on_release = {})
      : kind_(kind),
        id_(id),
        type_tag_(type_tag),
        segment_(segment),
        bytes_(bytes),
        keep_(std::move(keep)),
        on_release_(std::move(on_release)) {}

  SharedBlob(const SharedBlob&) = delete;
  SharedBlob& operator=(const SharedBlob&) = delete;
  ~SharedBlob() {
    if (on_release_) on_release_();
  }

  /// The value, decoded by `decode` on first call (the handles of one blob are all of one
  /// type: the type tag says so); a decoding error is rethrown to each caller.
  const void* value(SharedDecoder decode) const {
    if (kind_ == SharedKind::local) return decoded_.get();
    std::lock_guard lock(mutex_);
    if (!decoded_) decoded_ = decode(bytes_);
    return decoded_.get();
  }

  SharedKind kind() const noexcept { return kind_; }
  std::uint64_t id() const noexcept { return id_; }
  std::uint64_t type_tag() const noexcept { return type_tag_; }
  const SharedHandle& segment() const noexcept { return segment_; }
  /// The encoding (empty for a local value).
  std::span<const std::byte> bytes() const noexcept { return bytes_; }

 private:
  SharedKind kind_ = SharedKind::local;
  std::uint64_t id_ = 0;
  std::uint64_t type_tag_ = 0;
  SharedHandle segment_{};
  std::span<const std::byte> bytes_;
  std::shared_ptr<const void> keep_;
  std::function<void()> on_release_;
  mutable std::mutex mutex_;
  mutable std::shared_ptr<const void> decoded_;
};

/// The blobs of the handles encoded on this thread since a job last took them (Shared::save
/// adds, RemoteJob's constructor takes): a job keeps the values its arguments name alive
/// until it is done, so a handle may go as soon as the task is submitted.
inline thread_local std::vector<std::shared_ptr<const SharedBlob>> encoded_blobs;

/// wire::decode<T> of `bytes` into a new T, all of them read (SerializationError otherwise).
/// Defined at the end of pardo/remote/wire.hpp, which every program that sends a Shared
/// includes.
template <class T>
std::shared_ptr<const void> decode_shared(std::span<const std::byte> bytes);

/// Maps a segment broadcast into a blob.
using SegmentAttacher = std::shared_ptr<const SharedBlob> (*)(const SharedHandle& handle,
                                                              std::uint64_t type_tag);

/// The blob a worker holds for a segment broadcast, mapped once per process and kept while
/// recent, through the attacher the process backend set (src/process/broadcast.cpp). Throws
/// std::system_error if the segment has gone, SerializationError if no attacher is set.
std::shared_ptr<const SharedBlob> attach_shared_segment(const SharedHandle& handle,
                                                        std::uint64_t type_tag);

/// Sets the attacher: the process backend does, when its broadcast code is linked in (the
/// remote layer cannot call it: processes sit above remote).
void set_segment_attacher(SegmentAttacher attacher) noexcept;

/// The blob a worker holds for stored broadcast `id` (src/remote/broadcast.cpp). Throws
/// SerializationError if this worker holds no such value.
std::shared_ptr<const SharedBlob> stored_shared(std::uint64_t id, std::uint64_t type_tag);

}  // namespace pardo::detail

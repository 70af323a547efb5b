#pragma once
/// @file
/// `pardo::Shared<T>`: a read-only value placed once on every worker of an executor by its
/// `broadcast`, which tasks take as an argument instead of the value itself.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/shared_blob.hpp"
#include "pardo/core/errors.hpp"

namespace pardo {

namespace detail {

/// The vectors whose elements `Shared::span` reads in place from a broadcast's encoding: a
/// u64 count, then the elements' bytes.
template <class T>
struct SharedSpanOf : std::false_type {};
template <class E>
requires(std::is_trivially_copyable_v<E> && !std::is_same_v<E, bool> &&
         alignof(E) <= 8) struct SharedSpanOf<std::vector<E>> : std::true_type {
  using element = E;
};

/// The type tag a broadcast carries, so that a task declared for another T refuses it.
template <class T>
constexpr std::uint64_t shared_type_tag() noexcept {
  return fnv1a(type_name<T>());
}

/// Makes and opens Shared handles for the executors.
struct SharedAccess;

}  // namespace detail

/// A handle to a read-only T that an executor's `broadcast(value)` placed once on each of
/// its workers (IPython parallel's `push`, mpi4py's `bcast`, dask's `scatter(broadcast=True)`).
/// Tasks take the handle as an argument and read the value with `get()`, `*` or `->`;
/// copying the handle copies no data.
///
/// Where the value lives depends on the executor, and what tasks read does not:
/// - ThreadPool, SerialExecutor: the one value, moved or copied in once;
/// - ProcessPool: its encoding (pardo/wire.hpp) in one shared segment, mapped read-only by
///   each worker process on first use and decoded there once per process; `span()` reads a
///   vector of plain values in place, with no copy at all;
/// - mpi::Pool: its encoding sent once to each worker and kept there, decoded once per rank.
///
/// The value lives while any handle to it does, in the process that broadcast it; a worker
/// keeps a value it has used while it is among the last few it used, and maps or decodes it
/// again if asked later. A handle made by an in-process executor cannot be sent to a worker
/// process (SerializationError when a task is submitted): broadcast on the pool that runs
/// the task.
/// @code
/// double mean_of(pardo::Shared<std::vector<double>> data, std::uint64_t block);
/// PARDO_REMOTE(mean_of);
///
/// pardo::ProcessPool pool(4);
/// auto data = pool.broadcast(std::vector<double>(1'000'000, 1.0));  // sent once
/// auto means = pool.map(mean_of, blocks_of(data));                   // each task: a handle
/// @endcode
template <class T>
class Shared {
  static_assert(std::is_object_v<T> && std::is_same_v<T, std::remove_cv_t<T>>,
                "pardo::Shared<T>: T must be a non-const object type");

 public:
  using element_type = T;

  /// An empty handle; `get()` on it throws. A task parameter is one until it is decoded.
  /// @code
  /// pardo::Shared<int> none;
  /// assert(!none);
  /// @endcode
  Shared() = default;

  /// The value. Throws std::logic_error on an empty handle, and in a worker the error of
  /// mapping (std::system_error) or decoding (SerializationError) it.
  /// @code
  /// double first = data.get()[0];
  /// @endcode
  const T& get() const {
    if (!blob_) throw std::logic_error("pardo::Shared: the handle is empty (default or moved)");
    return *static_cast<const T*>(blob_->value(decode_));
  }

  /// The value, as `get()`.
  /// @code
  /// std::size_t n = (*data).size();
  /// @endcode
  const T& operator*() const { return get(); }

  /// The value's members, as `get()`.
  /// @code
  /// std::size_t n = data->size();
  /// @endcode
  const T* operator->() const { return &get(); }

  /// Whether the handle names a value.
  /// @code
  /// if (data) use(*data);
  /// @endcode
  explicit operator bool() const noexcept { return blob_ != nullptr; }

  /// The elements of a broadcast vector of plain values, read where they lie: in a worker
  /// process, in the shared segment itself, so a gigabyte is mapped, never copied. Throws as
  /// `get()` does.
  /// @code
  /// std::span<const double> xs = data.span();
  /// @endcode
  auto span() const requires detail::SharedSpanOf<T>::value {
    using E = typename detail::SharedSpanOf<T>::element;
    if (!blob_) throw std::logic_error("pardo::Shared: the handle is empty (default or moved)");
    if (blob_->kind() == detail::SharedKind::local) return std::span<const E>(get());
    const std::span<const std::byte> bytes = blob_->bytes();
    std::uint64_t count = 0;
    if (bytes.size() >= sizeof count) std::memcpy(&count, bytes.data(), sizeof count);
    if (bytes.size() < sizeof count || (bytes.size() - sizeof count) / sizeof(E) != count ||
        (bytes.size() - sizeof count) % sizeof(E) != 0) {
      throw SerializationError("pardo::Shared::span: the broadcast bytes (" +
                               std::to_string(bytes.size()) + ") do not hold a vector of " +
                               std::string(detail::type_name<E>()));
    }
    // The encoding starts on a page (segment) or on new's alignment (stored): past the u64
    // count the elements are aligned for E.
    return std::span<const E>(reinterpret_cast<const E*>(bytes.data() + sizeof count),
                              static_cast<std::size_t>(count));
  }

  /// Writes where the value lives (cereal; pardo's wire format): the segment's handle or the
  /// stored id, never the value. Throws SerializationError for a handle that cannot travel
  /// (empty, or made by an in-process executor).
  /// @code
  /// pool.submit(mean_of, data, block);  // encodes the handle
  /// @endcode
  template <class Archive>
  void save(Archive& archive) const {
    if (!blob_ || blob_->kind() == detail::SharedKind::local) {
      throw SerializationError(
          std::string("pardo::Shared<") + std::string(detail::type_name<T>()) +
          (blob_ ? ">: made by broadcast on an in-process executor (threads, serial), so it "
                   "cannot reach another process: broadcast it on the pool that runs the task"
                 : ">: the handle is empty, so it cannot travel"));
    }
    detail::encoded_blobs.push_back(blob_);
    const SharedHandle& h = blob_->segment();
    archive(static_cast<std::uint8_t>(blob_->kind()), blob_->type_tag(), blob_->id(), h.pid, h.fd,
            h.bytes, h.element_size, h.element_align, h.type_tag, h.id);
  }

  /// Reads what `save` wrote and opens the value in this worker: maps the segment, or finds
  /// the stored value. Throws SerializationError if the value was broadcast as another type
  /// or is not held here, std::system_error if its segment has gone.
  /// @code
  /// archive(data);
  /// @endcode
  template <class Archive>
  void load(Archive& archive) {
    std::uint8_t kind = 0;
    std::uint64_t tag = 0;
    std::uint64_t id = 0;
    SharedHandle h;
    archive(kind, tag, id, h.pid, h.fd, h.bytes, h.element_size, h.element_align, h.type_tag, h.id);
    if (tag != detail::shared_type_tag<T>()) {
      throw SerializationError(std::string("pardo::Shared<") + std::string(detail::type_name<T>()) +
                               ">: the value was broadcast as another type");
    }
    if (kind == static_cast<std::uint8_t>(detail::SharedKind::segment)) {
      blob_ = detail::attach_shared_segment(h, tag);
    } else if (kind == static_cast<std::uint8_t>(detail::SharedKind::stored)) {
      blob_ = detail::stored_shared(id, tag);
    } else {
      throw SerializationError("pardo::Shared: unknown kind " + std::to_string(kind));
    }
    decode_ = &detail::decode_shared<T>;
  }

 private:
  friend struct detail::SharedAccess;
  Shared(std::shared_ptr<const detail::SharedBlob> blob, detail::SharedDecoder decode)
      : blob_(std::move(blob)), decode_(decode) {}

  std::shared_ptr<const detail::SharedBlob> blob_;
  // Decodes the blob's encoding (remote pools); null for a local value, which needs none.
  detail::SharedDecoder decode_ = nullptr;
};

namespace detail {

struct SharedAccess {
  /// An in-process executor's broadcast: the value, once.
  template <class T>
  static Shared<T> local(T value) {
    auto held = std::make_shared<const T>(std::move(value));
    return Shared<T>(std::make_shared<const SharedBlob>(std::shared_ptr<const void>(held)),
                     nullptr);
  }
  /// A remote pool's broadcast: its encoding, decoded by wire::decode<T> if read here.
  template <class T>
  static Shared<T> remote(std::shared_ptr<const SharedBlob> blob) {
    return Shared<T>(std::move(blob), &decode_shared<T>);
  }
};

}  // namespace detail

}  // namespace pardo

#pragma once
/// @file
/// `pardo::BlockData`: the data set every block of a workload reads, sent to worker
/// processes once rather than with every block.

#include <algorithm>
#include <cereal/cereal.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "pardo/executor.hpp"
#include "pardo/process/shared_memory.hpp"

namespace pardo {

/// Whether `E`'s workers are processes of this host that can map this process's shared
/// segments: executors say so with `static constexpr bool maps_parent_memory = true`
/// (ProcessPool does).
/// @code
/// static_assert(pardo::MapsParentMemory<pardo::ProcessPool>);
/// @endcode
template <class E>
concept MapsParentMemory = requires {
  requires E::maps_parent_memory;
};

/// Read-only values that every block task of a run reads: a bootstrap's table, a permutation
/// test's groups. Made once per run with `share`; each task holds a copy, which is cheap.
///
/// On an executor whose workers map this process's memory (ProcessPool), a data set of
/// `share_threshold_bytes` or more is copied once into a shared segment (pardo::SharedArray)
/// and a task carries only its handle: each worker maps the same pages, so memory does not
/// grow with the number of blocks or of workers. Elsewhere a task carries the values (MPI
/// ranks may live on other hosts; small data costs less to copy than to map). The values a
/// worker reads are the same either way, so results do not depend on it. The segment lives
/// while a copy of the BlockData that made it does: keep it until the run's tasks are done.
/// @code
/// struct SumTask {
///   pardo::BlockData data;
///   std::uint64_t block = 0;
///   template <class Archive> void serialize(Archive& a) { a(data, block); }
/// };
/// const auto data = pardo::BlockData::share(pool, {values});  // once per run
/// auto remote = pardo::remote_blocks(&sum_block, [&](std::uint64_t b) { return SumTask{data, b};
/// });
/// @endcode
class BlockData {
 public:
  /// Data sets from this size up are shared rather than copied into each task.
  static constexpr std::size_t share_threshold_bytes = 64 * 1024;

  /// No values.
  /// @code
  /// pardo::BlockData none;
  /// assert(none.values().empty());
  /// @endcode
  BlockData() = default;

  /// The `parts`, one after another, as `executor`'s tasks should carry them: copied once
  /// into a shared segment where `executor` maps this process's memory and they reach
  /// `share_threshold_bytes`; otherwise kept as they are (one part: a view, which must outlive
  /// the BlockData and its copies; several: one copy, owned). In-process executors (threads,
  /// serial) send no tasks: for them the BlockData is empty. Throws std::system_error if the
  /// segment cannot be made.
  /// @code
  /// const auto data = pardo::BlockData::share(pool, {x, y});  // x then y
  /// @endcode
  template <RemoteExecutor E>
  static BlockData share(const E& /*executor*/,
                         std::initializer_list<std::span<const double>> parts) {
    if constexpr (Executor<E>) {
      return {};
    } else {
      std::size_t size = 0;
      for (const auto& part : parts) size += part.size();
      if (MapsParentMemory<E> && size * sizeof(double) >= share_threshold_bytes) {
        auto segment = std::make_shared<SharedArray<double>>(size);
        double* at = segment->data();
        for (const auto& part : parts) at = std::copy(part.begin(), part.end(), at);
        const std::span<const double> view = segment->span();
        return BlockData(view, std::move(segment), nullptr);
      }
      if (parts.size() == 1) return BlockData(*parts.begin(), nullptr, nullptr);
      auto owned = std::make_shared<std::vector<double>>();
      owned->reserve(size);
      for (const auto& part : parts) owned->insert(owned->end(), part.begin(), part.end());
      const std::span<const double> view = *owned;
      return BlockData(view, nullptr, std::move(owned));
    }
  }

  /// The values, in the process that made the BlockData or in a worker that received it.
  /// @code
  /// double first = data.values()[0];
  /// @endcode
  std::span<const double> values() const noexcept { return values_; }

  /// Whether tasks carry a shared segment's handle rather than the values.
  /// @code
  /// assert(pardo::BlockData::share(pool, {big}).shared());
  /// @endcode
  bool shared() const noexcept { return segment_ != nullptr; }

  /// Writes the segment's handle, or the values (cereal).
  /// @code
  /// archive(data);
  /// @endcode
  template <class Archive>
  void save(Archive& archive) const {
    const bool shared = segment_ != nullptr;
    archive(shared);
    if (shared) {
      const SharedHandle& h = segment_->handle();
      archive(h.pid, h.fd, h.bytes, h.element_size, h.element_align, h.type_tag, h.id);
    } else {
      archive(cereal::make_size_tag(static_cast<cereal::size_type>(values_.size())));
      archive(cereal::binary_data(values_.data(), values_.size_bytes()));
    }
  }

  /// Reads what `save` wrote: maps the segment (std::system_error if its creator has gone
  /// or closed it) or takes the values.
  /// @code
  /// archive(data);
  /// @endcode
  template <class Archive>
  void load(Archive& archive) {
    bool shared = false;
    archive(shared);
    owned_.reset();
    segment_.reset();
    if (shared) {
      SharedHandle h;
      archive(h.pid, h.fd, h.bytes, h.element_size, h.element_align, h.type_tag, h.id);
      segment_ = std::make_shared<const SharedArray<double>>(SharedArray<double>::attach(h));
      values_ = segment_->span();
    } else {
      cereal::size_type n = 0;
      archive(cereal::make_size_tag(n));
      auto owned = std::make_shared<std::vector<double>>(static_cast<std::size_t>(n));
      archive(cereal::binary_data(owned->data(), owned->size() * sizeof(double)));
      values_ = *owned;
      owned_ = std::move(owned);
    }
  }

 private:
  BlockData(std::span<const double> values, std::shared_ptr<const SharedArray<double>> segment,
            std::shared_ptr<const std::vector<double>> owned)
      : values_(values), segment_(std::move(segment)), owned_(std::move(owned)) {}

  std::span<const double> values_;
  // What values_ points into when the BlockData owns it: the segment, or values received.
  std::shared_ptr<const SharedArray<double>> segment_;
  std::shared_ptr<const std::vector<double>> owned_;
};

}  // namespace pardo

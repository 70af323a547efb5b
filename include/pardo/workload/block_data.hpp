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

#include "pardo/core/shared.hpp"
#include "pardo/executor.hpp"

namespace pardo {

/// Read-only values that every block task of a run reads: a bootstrap's table, a permutation
/// test's groups. Made once per run with `share`; each task holds a copy, which is cheap.
///
/// On a worker pool (ProcessPool, mpi::Pool), a data set of `share_threshold_bytes` or more
/// is broadcast once (`broadcast`, pardo::Shared) and a task carries only its handle: on
/// ProcessPool each worker maps the same pages of one shared segment, on mpi::Pool each
/// worker receives the values once. So memory and traffic do not grow with the number of
/// blocks. Smaller data travels inside each task, which costs less than a broadcast. The
/// values a worker reads are the same either way, so results do not depend on it.
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
  /// Data sets from this size up are broadcast rather than copied into each task.
  static constexpr std::size_t share_threshold_bytes = 64 * 1024;

  /// No values.
  /// @code
  /// pardo::BlockData none;
  /// assert(none.values().empty());
  /// @endcode
  BlockData() = default;

  /// The `parts`, one after another, as `executor`'s tasks should carry them: broadcast once
  /// when they reach `share_threshold_bytes`; otherwise kept as they are (one part: a view,
  /// which must outlive the BlockData and its copies; several: one copy, owned). In-process
  /// executors (threads, serial) send no tasks: for them the BlockData is empty. Throws what
  /// `broadcast` throws.
  /// @code
  /// const auto data = pardo::BlockData::share(pool, {x, y});  // x then y
  /// @endcode
  template <RemoteExecutor E>
  static BlockData share(E& executor, std::initializer_list<std::span<const double>> parts) {
    if constexpr (Executor<E>) {
      return {};
    } else {
      std::size_t size = 0;
      for (const auto& part : parts) size += part.size();
      if (size * sizeof(double) >= share_threshold_bytes) {
        Shared<std::vector<double>> shared = executor.broadcast_values(parts);
        const std::span<const double> view = shared.span();
        return BlockData(view, std::move(shared), nullptr);
      }
      if (parts.size() == 1) return BlockData(*parts.begin(), {}, nullptr);
      std::vector<double> joined;
      joined.reserve(size);
      for (const auto& part : parts) joined.insert(joined.end(), part.begin(), part.end());
      auto owned = std::make_shared<const std::vector<double>>(std::move(joined));
      const std::span<const double> view = *owned;
      return BlockData(view, {}, std::move(owned));
    }
  }

  /// The values, in the process that made the BlockData or in a worker that received it.
  /// @code
  /// double first = data.values()[0];
  /// @endcode
  std::span<const double> values() const noexcept { return values_; }

  /// Whether tasks carry a broadcast's handle rather than the values.
  /// @code
  /// assert(pardo::BlockData::share(pool, {big}).shared());
  /// @endcode
  bool shared() const noexcept { return static_cast<bool>(shared_); }

  /// Writes the broadcast's handle, or the values (cereal).
  /// @code
  /// archive(data);
  /// @endcode
  template <class Archive>
  void save(Archive& archive) const {
    const bool is_shared = shared();
    archive(is_shared);
    if (is_shared) {
      archive(shared_);
    } else {
      archive(cereal::make_size_tag(static_cast<cereal::size_type>(values_.size())));
      archive(cereal::binary_data(values_.data(), values_.size_bytes()));
    }
  }

  /// Reads what `save` wrote: opens the broadcast (std::system_error if its segment has gone,
  /// SerializationError if the worker no longer holds it) or takes the values.
  /// @code
  /// archive(data);
  /// @endcode
  template <class Archive>
  void load(Archive& archive) {
    bool is_shared = false;
    archive(is_shared);
    owned_.reset();
    shared_ = {};
    if (is_shared) {
      archive(shared_);
      values_ = shared_.span();
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
  BlockData(std::span<const double> values, Shared<std::vector<double>> shared,
            std::shared_ptr<const std::vector<double>> owned)
      : values_(values), shared_(std::move(shared)), owned_(std::move(owned)) {}

  std::span<const double> values_;
  // What values_ points into when the BlockData owns it: the broadcast, or values received.
  Shared<std::vector<double>> shared_;
  std::shared_ptr<const std::vector<double>> owned_;
};

}  // namespace pardo

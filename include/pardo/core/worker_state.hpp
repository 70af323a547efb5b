#pragma once
/// @file
/// Values a worker keeps between tasks, by name: what an executor's `push` and `scatter`
/// place on its workers and `pull` and `gather` read back, and what tasks read and change
/// with `pardo::worker_value` (IPython parallel's engine namespace, `dview.push`/`pull`).

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "pardo/core/errors.hpp"
#include "pardo/core/shared.hpp"

namespace pardo {

namespace detail {

/// One named value of a worker: its type (tag and name) and the value.
struct WorkerSlot {
  std::uint64_t type_tag = 0;
  std::string type_name;
  std::shared_ptr<void> value;
};

/// The slot named `name` of the worker running this thread, or null (src/core/worker_state.cpp).
WorkerSlot* find_worker_slot(std::string_view name);
/// Sets the slot named `name` of the worker running this thread.
void put_worker_slot(std::string_view name, WorkerSlot slot);

/// How a remote pool's workers decode a pushed value and encode a pulled one: registered per
/// type, in every process of the program, by the type's first use in a remote `push`.
struct SlotCodec {
  std::shared_ptr<void> (*decode)(std::string_view bytes) = nullptr;
  std::string (*encode)(const void* value) = nullptr;
  std::string_view type_name;
};
void register_slot_codec(std::uint64_t type_tag, SlotCodec codec);
/// The codec of `type_tag`; throws SerializationError if none is registered.
const SlotCodec& slot_codec(std::uint64_t type_tag);

/// The slot named `name` on this worker, checked to hold a T.
template <class T>
WorkerSlot& typed_slot(std::string_view name) {
  WorkerSlot* slot = find_worker_slot(name);
  if (slot == nullptr) {
    throw std::out_of_range("pardo::worker_value: this worker holds no value named \"" +
                            std::string(name) + "\"");
  }
  if (slot->type_tag != shared_type_tag<T>()) {
    throw std::invalid_argument("pardo::worker_value: \"" + std::string(name) +
                                "\" holds a value of type " + slot->type_name + ", not " +
                                std::string(type_name<T>()));
  }
  return *slot;
}

}  // namespace detail

/// The value named `name` on the worker that runs the calling task, as `push` or `scatter`
/// placed it or a task set it; a task may change it, and later tasks on that worker see the
/// change (each worker has its own). A worker process that is replaced (it crashed, or
/// reached ProcessOptions::max_tasks_per_child) starts with none, as a restarted IPython
/// engine does: read-only data belongs in `broadcast`, which survives it. Throws std::out_of_range
/// if the worker holds no value of that name, std::invalid_argument naming both types if it holds
/// another type.
/// @code
/// double add_to_total(double x) { return pardo::worker_value<double>("total") += x; }
/// PARDO_REMOTE(add_to_total);
/// pool.push("total", 0.0);
/// pool.map(add_to_total, xs);
/// std::vector<double> totals = pool.pull<double>("total");  // one per worker
/// @endcode
template <class T>
T& worker_value(std::string_view name) {
  return *static_cast<T*>(detail::typed_slot<T>(name).value.get());
}

/// Sets the value named `name` on the worker that runs the calling task, replacing any value
/// of that name (of any type).
/// @code
/// void start_counting(std::size_t) { pardo::set_worker_value("count", 0); }
/// @endcode
template <class T>
void set_worker_value(std::string_view name, T value) {
  using V = std::decay_t<T>;
  detail::put_worker_slot(name, {detail::shared_type_tag<V>(), std::string(detail::type_name<V>()),
                                 std::make_shared<V>(std::move(value))});
}

}  // namespace pardo

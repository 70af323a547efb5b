// Each worker's named values: one table per thread, which is one per worker on every backend
// (a ThreadPool's or mpi::Pool's worker is a thread; a ProcessPool's worker process runs its
// tasks on one), and the codecs remote pools register per type.

#include "pardo/core/worker_state.hpp"

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace pardo::detail {

namespace {

std::map<std::string, WorkerSlot, std::less<>>& slots() {
  thread_local std::map<std::string, WorkerSlot, std::less<>> table;
  return table;
}

struct Codecs {
  std::mutex mutex;
  std::unordered_map<std::uint64_t, SlotCodec> by_tag;
};

Codecs& codecs() {
  static Codecs* const all = new Codecs();  // registered at static initialisation, read later
  return *all;
}

}  // namespace

WorkerSlot* find_worker_slot(std::string_view name) {
  auto& table = slots();
  const auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

void put_worker_slot(std::string_view name, WorkerSlot slot) {
  auto& table = slots();
  const auto it = table.find(name);
  if (it != table.end()) {
    it->second = std::move(slot);
  } else {
    table.emplace(std::string(name), std::move(slot));
  }
}

void register_slot_codec(std::uint64_t type_tag, SlotCodec codec) {
  Codecs& all = codecs();
  std::lock_guard lock(all.mutex);
  all.by_tag.try_emplace(type_tag, codec);
}

const SlotCodec& slot_codec(std::uint64_t type_tag) {
  Codecs& all = codecs();
  std::lock_guard lock(all.mutex);
  const auto it = all.by_tag.find(type_tag);
  if (it == all.by_tag.end()) {
    throw SerializationError("pardo: no worker-value codec for type tag " +
                             std::to_string(type_tag) + " in this process");
  }
  return it->second;
}

}  // namespace pardo::detail

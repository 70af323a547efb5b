// The remote side of push and pull: registered functions over the worker's named values.

#include "pardo/remote/detail/worker_state.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "pardo/remote/remote.hpp"

namespace pardo::detail {

void push_state(std::string name, std::uint64_t type_tag, std::string bytes) {
  const SlotCodec& codec = slot_codec(type_tag);
  put_worker_slot(name, {type_tag, std::string(codec.type_name), codec.decode(bytes)});
}
PARDO_REMOTE_AS(push_state, "pardo::push_state");

std::string pull_state(std::string name, std::uint64_t type_tag) {
  WorkerSlot* slot = find_worker_slot(name);
  if (slot == nullptr) {
    throw std::out_of_range("pardo::worker_value: this worker holds no value named \"" + name +
                            "\"");
  }
  const SlotCodec& codec = slot_codec(type_tag);
  if (slot->type_tag != type_tag) {
    throw std::invalid_argument("pardo::worker_value: \"" + name + "\" holds a value of type " +
                                slot->type_name + ", not " + std::string(codec.type_name));
  }
  return codec.encode(slot->value.get());
}
PARDO_REMOTE_AS(pull_state, "pardo::pull_state");

}  // namespace pardo::detail

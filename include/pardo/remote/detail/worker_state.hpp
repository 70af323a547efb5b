#pragma once
// push and pull on the remote pools: a named value travels encoded, and each worker decodes
// it with the codec its type registered in every process of the program.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pardo/core/shared.hpp"
#include "pardo/core/worker_state.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::detail {

/// Decodes `bytes` as the type `type_tag` names and keeps it under `name` on this worker
/// (registered as "pardo::push_state"; src/remote/worker_state.cpp).
void push_state(std::string name, std::uint64_t type_tag, std::string bytes);
/// The encoding of the value under `name` on this worker, checked to be of `type_tag`
/// (registered as "pardo::pull_state").
std::string pull_state(std::string name, std::uint64_t type_tag);

/// T's slot codec, registered at static initialisation in every process once `tag` is used.
template <class T>
struct RemoteSlotCodec {
  static std::shared_ptr<void> decode(std::string_view bytes) {
    wire::Reader in(bytes);
    auto value = std::make_shared<T>(wire::decode<T>(in));
    in.expect_end();
    return value;
  }
  static std::string encode(const void* value) {
    std::string bytes;
    wire::Writer out(bytes);
    wire::encode(out, *static_cast<const T*>(value));
    return bytes;
  }
  static inline const std::uint64_t tag =
      (register_slot_codec(shared_type_tag<T>(), {&decode, &encode, type_name<T>()}),
       shared_type_tag<T>());
};

}  // namespace pardo::detail

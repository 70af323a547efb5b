#pragma once
// Names and tags of types, checked where a value crosses a process boundary: the elements of
// a shared segment, a broadcast value, a worker's named value.

#include <cstdint>
#include <string_view>

namespace pardo::detail {

/// T's name as the compiler spells it, for type tags and error messages.
template <class T>
constexpr std::string_view type_name() noexcept {
  // GCC: "... [with T = int; std::string_view = ...]"; Clang: "... [T = int]".
  const std::string_view pretty = __PRETTY_FUNCTION__;
  const std::size_t start = pretty.find("T = ") + 4;
  std::size_t end = pretty.find(';', start);
  if (end == std::string_view::npos) end = pretty.rfind(']');
  return pretty.substr(start, end - start);
}

/// 64-bit FNV-1a.
constexpr std::uint64_t fnv1a(std::string_view text) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3;
  }
  return hash;
}

}  // namespace pardo::detail

#pragma once
// The machinery of pardo/process/shared_memory.hpp (its only includer, once SharedHandle is
// declared): the checks of element types, and a mapped segment.

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <type_traits>

#include "pardo/core/detail/type_tag.hpp"

namespace pardo::detail {

/// What a segment's elements are, checked when attaching.
struct ElementType {
  std::uint64_t tag;
  std::uint32_t size;
  std::uint32_t align;
  std::string_view name;
};

/// The largest alignment an element may ask for: segments start on a page.
inline constexpr std::size_t max_element_align = 4096;

template <class T>
constexpr ElementType element_type() noexcept {
  return {fnv1a(type_name<T>()), static_cast<std::uint32_t>(sizeof(T)),
          static_cast<std::uint32_t>(alignof(T)), type_name<T>()};
}

/// The checks SharedArray<T> and SharedValue<T> share.
template <class T>
struct SharedElementChecks {
  static_assert(std::is_trivially_copyable_v<T>,
                "pardo shared memory holds only trivially copyable types: the bytes are shared "
                "between processes as they are (and pointers in them mean nothing elsewhere)");
  static_assert(std::is_same_v<T, std::remove_cv_t<T>>,
                "pardo shared memory element types must not be const or volatile");
  static_assert(alignof(T) <= max_element_align,
                "pardo shared memory element types may be aligned to at most 4096 bytes");
  static_assert(sizeof(T) <= std::numeric_limits<std::uint32_t>::max(),
                "pardo shared memory element types must be smaller than 4 GiB");
};

/// One memory file mapped into this process, laid out as a header, then the data. Owns the
/// mapping, and in the creator the file descriptor that other processes attach through.
class SharedSegment {
 public:
  /// Creates a zero-filled segment of `count` elements. `owner` names the class in errors.
  SharedSegment(std::string_view owner, ElementType type, std::size_t count);
  /// Maps the segment `handle` names, checking it holds `type` (exactly one element if
  /// `single`).
  static SharedSegment attach(std::string_view owner, ElementType type, const SharedHandle& handle,
                              bool single);

  SharedSegment(SharedSegment&& other) noexcept;
  SharedSegment& operator=(SharedSegment&& other) noexcept;
  SharedSegment(const SharedSegment&) = delete;
  SharedSegment& operator=(const SharedSegment&) = delete;
  ~SharedSegment();

  /// The data, aligned for the element type; null once moved from.
  void* data() const noexcept { return data_; }
  const SharedHandle& handle() const noexcept { return handle_; }

 private:
  SharedSegment() = default;
  void swap(SharedSegment& other) noexcept;

  void* base_ = nullptr;
  std::size_t mapped_bytes_ = 0;
  void* data_ = nullptr;
  int fd_ = -1;  // only the creator keeps one: attachers close theirs once mapped
  SharedHandle handle_{};
};

inline constexpr std::string_view shared_array_name = "pardo::SharedArray";
inline constexpr std::string_view shared_value_name = "pardo::SharedValue";

}  // namespace pardo::detail

#pragma once
/// @file
/// pardo's version.

#include <string_view>

namespace pardo {

/// The library's version, "major.minor.patch".
/// @code
/// std::cout << pardo::version() << '\n';
/// @endcode
std::string_view version() noexcept;

}  // namespace pardo

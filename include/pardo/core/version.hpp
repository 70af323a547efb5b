#pragma once
/// @file
/// pardo's version.

#include <string_view>

namespace pardo {

/// The library's version: "major.minor.patch", and in a build from a git checkout the
/// commit as SemVer build metadata, "0.2.0+15.gabc1234" (15 commits after the tag v0.2.0).
/// @code
/// std::cout << pardo::version() << '\n';
/// @endcode
std::string_view version() noexcept;

}  // namespace pardo

#pragma once
// Readable type names for messages.

#include <string>

namespace pardo::detail {

/// The demangled form of a mangled type name, or the name itself if it cannot be demangled.
std::string demangle(const char* name);

}  // namespace pardo::detail

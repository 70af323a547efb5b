#include "pardo/core/version.hpp"

#include "version_string.hpp"  // generated: cmake/PardoVersion.cmake

namespace pardo {

std::string_view version() noexcept { return PARDO_VERSION; }

}  // namespace pardo

#include "pardo/core/version.hpp"

namespace pardo {

std::string_view version() noexcept { return PARDO_VERSION; }

}  // namespace pardo

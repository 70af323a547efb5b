#pragma once
// State that pardo::init records for the pools it enables.

#include <string>

namespace pardo::detail {

/// argv[0] of the program, as `pardo::init` saw it: the name its workers run under.
const std::string& worker_program_name() noexcept;

}  // namespace pardo::detail

// Monte Carlo pi on worker processes: each block is a remote call.

#include "mc/pi_remote.hpp"
#include "pardo/process/process_pool.hpp"

namespace pardo::mc {

namespace detail {

std::uint64_t count_pi_block(PiBlock task) {
  return count_block(task.options, task.block, task.samples);
}
PARDO_REMOTE(count_pi_block);

}  // namespace detail

PiResult estimate_pi(ProcessPool& pool, const PiOptions& options, const PiControl& control) {
  return detail::estimate_pi_remote(pool, options, control);
}

}  // namespace pardo::mc

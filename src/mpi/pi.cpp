// Monte Carlo pi on MPI ranks: each block is a remote call, dealt to whichever rank is free.

#include "mc/pi_remote.hpp"
#include "pardo/mpi/pool.hpp"

namespace pardo::mc {

PiResult estimate_pi(mpi::Pool& pool, const PiOptions& options, const PiControl& control) {
  return detail::estimate_pi_remote(pool, options, control);
}

}  // namespace pardo::mc

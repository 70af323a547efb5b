// fit_many on worker processes and MPI ranks: each data set travels in its task.
#include "pardo/remote/remote.hpp"
#include "pardo/stats/fit.hpp"

namespace pardo::stats::detail {

FitRow fit_task(FitTask task) { return fit_one(task.dataset, task.options); }
PARDO_REMOTE(fit_task);

}  // namespace pardo::stats::detail

#pragma once
// A user's objective for `pardo optimize`: a C function `double f(const double* x, size_t d)`
// in a shared library (--objective LIB.so:SYMBOL), or an external program run once per point
// that prints the value (--objective-cmd 'PROGRAM {x}'). It is set up once in each process
// that evaluates: the CLI's own, each worker process (through the pool's initializer) and
// each MPI rank (which parse the same command line).

#include <pardo/process_pool.hpp>
#include <span>
#include <string>

namespace pardo::cli {

/// Sets up this process's objective: `library` ("LIB.so:SYMBOL") or `command` (with {x}),
/// the other empty; a command still running after `timeout` seconds (0: no limit) is killed.
/// Throws std::invalid_argument naming the option and the value: a library that does not
/// load, a symbol it lacks, a command without {x}.
void set_user_objective(std::string library, std::string command, double timeout);

/// The objective set up in this process, at x; registered for worker processes and ranks.
/// A command that exits with a status other than 0, dies of a signal, runs past the timeout
/// or prints no number throws pardo::opt::EvaluationFailed saying which.
double user_objective(std::span<const double> x);

/// The pool initializer that sets up the same objective in each worker process.
RemoteCall user_objective_initializer(const std::string& library, const std::string& command,
                                      double timeout);

}  // namespace pardo::cli

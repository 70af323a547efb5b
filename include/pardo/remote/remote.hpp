#pragma once
/// @file
/// Functions that worker processes can run: `PARDO_REMOTE`, and `pardo::init`, which turns
/// a re-executed copy of the program into a worker.

#include "pardo/remote/detail/registry.hpp"

#define PARDO_DETAIL_CONCAT_IMPL(a, b) a##b
#define PARDO_DETAIL_CONCAT(a, b) PARDO_DETAIL_CONCAT_IMPL(a, b)

/// Makes the free function `fn` callable in worker processes: `pool.submit(fn, args...)`,
/// `pool.map(fn, inputs)`. Write it at namespace scope, once per function, in any file of
/// the program. Its parameters and result must be `pardo::Serializable`; a type that is not
/// fails to compile with a message saying so. Overloaded names need a cast.
/// @code
/// double square(double x) { return x * x; }
/// PARDO_REMOTE(square);
/// @endcode
#define PARDO_REMOTE(fn) PARDO_REMOTE_AS(fn, #fn)

/// `PARDO_REMOTE` under an explicit name: for functions of the same name and signature in
/// different namespaces of one file, which would otherwise share one wire name. (Functions
/// registered in different files never clash: the file is part of the name.)
/// @code
/// namespace a { int f(int x) { return x; } }
/// namespace b { int f(int x) { return -x; } }
/// PARDO_REMOTE_AS(a::f, "a::f");
/// PARDO_REMOTE_AS(b::f, "b::f");
/// @endcode
#define PARDO_REMOTE_AS(fn, name)                                                                 \
  [[maybe_unused]] static const bool PARDO_DETAIL_CONCAT(pardo_remote_registered_, __COUNTER__) = \
      ::pardo::detail::register_remote_function<&fn>(name, __FILE__)

namespace pardo {

/// The first line of `main` in a program that uses `ProcessPool`. Worker processes are the
/// program itself, started again with a marker argument: in a worker, `init` runs the
/// worker loop and never returns; in the program proper it returns at once.
/// @code
/// int main(int argc, char** argv) {
///   pardo::init(argc, argv);
///   pardo::ProcessPool pool(4);
///   // ...
/// }
/// @endcode
void init(int argc, char** argv);

/// True once `init` has returned in this process (the parent, never a worker).
/// @code
/// assert(pardo::initialized());
/// @endcode
bool initialized() noexcept;

}  // namespace pardo

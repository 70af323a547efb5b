#pragma once
/// @file
/// pardo's umbrella header: everything public.
/// @code
/// #include <pardo/pardo.hpp>
/// pardo::ThreadPool pool;
/// auto squares = pool.map([](int x) { return x * x; }, std::vector{1, 2, 3});
/// @endcode

#include "pardo/errors.hpp"
#include "pardo/future.hpp"
#include "pardo/imap.hpp"
#include "pardo/options.hpp"
#include "pardo/process_options.hpp"
#include "pardo/process_pool.hpp"
#include "pardo/random.hpp"
#include "pardo/remote.hpp"
#include "pardo/serial_executor.hpp"
#include "pardo/shared.hpp"
#include "pardo/thread_pool.hpp"
#include "pardo/version.hpp"
#include "pardo/when.hpp"
#include "pardo/wire.hpp"

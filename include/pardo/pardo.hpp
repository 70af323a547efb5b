#pragma once
/// @file
/// pardo's umbrella header: everything public.
/// @code
/// #include <pardo/pardo.hpp>
/// pardo::ThreadPool pool;
/// auto squares = pool.map([](int x) { return x * x; }, std::vector{1, 2, 3});
/// @endcode

#include "pardo/core/errors.hpp"
#include "pardo/core/future.hpp"
#include "pardo/core/imap.hpp"
#include "pardo/core/options.hpp"
#include "pardo/core/progress.hpp"
#include "pardo/core/scaling.hpp"
#include "pardo/core/shared.hpp"
#include "pardo/core/trace.hpp"
#include "pardo/core/trace_summary.hpp"
#include "pardo/core/version.hpp"
#include "pardo/core/when.hpp"
#include "pardo/flow/channel.hpp"
#include "pardo/flow/pipeline.hpp"
#include "pardo/process/process_channel.hpp"
#include "pardo/process/process_options.hpp"
#include "pardo/process/process_pool.hpp"
#include "pardo/process/shared_memory.hpp"
#include "pardo/random.hpp"
#include "pardo/remote/remote.hpp"
#include "pardo/remote/wire.hpp"
#include "pardo/serial/serial_executor.hpp"
#include "pardo/threads/thread_pool.hpp"

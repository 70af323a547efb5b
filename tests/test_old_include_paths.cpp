// The include paths of 0.1 still work in 0.2: each forwards to the header's new folder.
#include <gtest/gtest.h>

#include <pardo/errors.hpp>
#include <pardo/future.hpp>
#include <pardo/imap.hpp>
#include <pardo/options.hpp>
#include <pardo/process_options.hpp>
#include <pardo/process_pool.hpp>
#include <pardo/remote.hpp>
#include <pardo/remote_function.hpp>
#include <pardo/run_control.hpp>
#include <pardo/serial_executor.hpp>
#include <pardo/shared.hpp>
#include <pardo/thread_pool.hpp>
#include <pardo/tree_reduce.hpp>
#include <pardo/version.hpp>
#include <pardo/when.hpp>
#include <pardo/wire.hpp>
#include <type_traits>

namespace {

TEST(OldIncludePaths, NameTheSameTypes) {
  static_assert(pardo::Executor<pardo::ThreadPool> && pardo::Executor<pardo::SerialExecutor>);
  static_assert(pardo::RemoteExecutor<pardo::ProcessPool>);
  static_assert(std::is_class_v<pardo::RunControl> && std::is_class_v<pardo::ProcessOptions>);
  static_assert(std::is_class_v<pardo::SharedHandle> && std::is_class_v<pardo::MapOptions>);
  pardo::SerialExecutor serial;
  EXPECT_EQ(serial.submit([] { return 7; }).get(), 7);
  EXPECT_FALSE(pardo::version().empty());
}

}  // namespace

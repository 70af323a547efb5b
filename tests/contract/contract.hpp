#pragma once
// The executor contract's test suite: the executor kinds it runs on, the registered functions
// its tests use (the same test body runs on every backend), and the typed suites' fixture.
//
// One test program runs the suite on SerialExecutor, ThreadPool and ProcessPool; another,
// built with PARDO_CONTRACT_MPI, runs the same sources on mpi::Pool under mpirun.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <pardo/pardo.hpp>
#include <ranges>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <typeinfo>
#include <utility>
#include <vector>

#include "../process/process_support.hpp"

#ifdef PARDO_CONTRACT_MPI
#include <pardo/mpi.hpp>

#include "../mpi/mpi_support.hpp"
#endif

#ifndef PARDO_CONTRACT_WATCHDOG_S
#define PARDO_CONTRACT_WATCHDOG_S 30
#endif

// ---------------------------------------------------------------------------------------------
// Registered functions: every test calls these, on every backend. Defined inline here, so that
// every file of the suite calls the same function (registering it again is harmless).
// ---------------------------------------------------------------------------------------------
namespace pardo::test::contract {

inline int affine(int x) { return 3 * x + 1; }
PARDO_REMOTE(affine);

inline double term(int i) { return 1.0 / (i + 1.0) * std::sin(i); }
PARDO_REMOTE(term);

inline double square(double x) { return x * x; }
PARDO_REMOTE(square);

inline int plus_one(int x) { return x + 1; }
PARDO_REMOTE(plus_one);

inline bool is_even(int x) { return x % 2 == 0; }
PARDO_REMOTE(is_even);

inline int add(int a, int b) { return a + b; }
PARDO_REMOTE(add);

inline std::string greet(const std::string& name, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += "hello " + name + ";";
  return out;
}
PARDO_REMOTE(greet);

inline std::string describe3(int a, double b, const std::string& s) {
  return std::to_string(a) + ":" + std::to_string(b + 0.5) + s;
}
PARDO_REMOTE(describe3);

inline std::string label3(int a, std::string b, double c) {
  return std::to_string(a) + b + std::to_string(static_cast<int>(c));
}
PARDO_REMOTE(label3);

inline std::string label2(int a, std::string b) { return b + std::to_string(a); }
PARDO_REMOTE(label2);

inline std::map<std::string, std::vector<double>> histogram(std::vector<std::string> keys,
                                                            std::optional<double> scale) {
  std::map<std::string, std::vector<double>> out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    out[keys[i]].push_back(static_cast<double>(i) * scale.value_or(1.0));
  }
  return out;
}
PARDO_REMOTE(histogram);

/// A class that travels through its cereal serialize().
struct Particle {
  std::string name;
  std::vector<double> position;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(name, position);
  }
  friend bool operator==(const Particle&, const Particle&) = default;
};

inline Particle move_particle(Particle p, double dx) {
  for (double& x : p.position) x += dx;
  p.name += "'";
  return p;
}
PARDO_REMOTE(move_particle);

inline std::vector<double> scaled(std::vector<double> v) {
  for (double& x : v) x *= 2;
  return v;
}
PARDO_REMOTE(scaled);

// Errors.

inline int fail_at(int i) {
  if (i == 10 || i == 500) throw std::runtime_error("bad " + std::to_string(i));
  return i;
}
PARDO_REMOTE(fail_at);

inline int fail_at_300_and_1500(int x) {
  if (x == 1500) throw std::range_error("1500");
  if (x == 300) throw std::domain_error("300");
  return x;
}
PARDO_REMOTE(fail_at_300_and_1500);

inline double fails_on_sevens(double x) {
  if (static_cast<int>(x) % 7 == 6) throw std::runtime_error("bad input " + std::to_string(x));
  return x;
}
PARDO_REMOTE(fails_on_sevens);

inline int always_fails(int x) { throw std::logic_error(std::to_string(x)); }
PARDO_REMOTE(always_fails);

inline int overflow_at_13(int x) {
  if (x == 13) throw std::overflow_error("13");
  return x;
}
PARDO_REMOTE(overflow_at_13);

inline int fail_at_3(int x) {
  if (x == 3) throw std::runtime_error("three");
  return x;
}
PARDO_REMOTE(fail_at_3);

inline int underflow_at_5000(int x) {
  if (x == 5000) throw std::underflow_error("5000");
  return x;
}
PARDO_REMOTE(underflow_at_5000);

/// 1: std::invalid_argument, 2: std::out_of_range, 3: an int; anything else is returned.
inline int fail_with(int code) {
  if (code == 1) throw std::invalid_argument("bad input 1");
  if (code == 2) throw std::out_of_range("index 2");
  if (code == 3) throw 42;
  return code;
}
PARDO_REMOTE(fail_with);

// Time.

inline void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
PARDO_REMOTE(sleep_ms);

inline double slow_square(int x) {
  std::this_thread::sleep_for(std::chrono::microseconds(100));
  return static_cast<double>(x) * x;
}
PARDO_REMOTE(slow_square);

// Workers.

inline std::size_t worker_id(std::size_t w) { return w; }
PARDO_REMOTE(worker_id);

inline void fail_on_worker_0(std::size_t w) {
  if (w == 0) throw std::runtime_error("worker 0");
}
PARDO_REMOTE(fail_on_worker_0);

// Visits: indices recorded where the calls ran (each process has its own record), collected
// afterwards from every worker with on_each_worker(take_visits).

inline std::mutex visits_mutex;
inline std::vector<std::int64_t> visits;

inline void record_visit(std::int64_t i) {
  std::lock_guard lock(visits_mutex);
  visits.push_back(i);
}
PARDO_REMOTE(record_visit);

inline void record_narrow_visit(std::int8_t i) { record_visit(i); }
PARDO_REMOTE(record_narrow_visit);

inline void record_unsigned_visit(std::size_t i) { record_visit(static_cast<std::int64_t>(i)); }
PARDO_REMOTE(record_unsigned_visit);

/// Records x; fails for 0, and takes 20 us for the others.
inline int visit_and_fail_at_0(int x) {
  record_visit(x);
  if (x == 0) throw std::runtime_error("first");
  std::this_thread::sleep_for(std::chrono::microseconds(20));
  return x;
}
PARDO_REMOTE(visit_and_fail_at_0);

inline void fail_every_1000th(int i) {
  if (i % 1000 == 999) throw std::runtime_error(std::to_string(i));
}
PARDO_REMOTE(fail_every_1000th);

/// The indices this process recorded since the last call.
inline std::vector<std::int64_t> take_visits(std::size_t) {
  std::lock_guard lock(visits_mutex);
  return std::exchange(visits, {});
}
PARDO_REMOTE(take_visits);

// map_reduce.

/// Terms of wildly different magnitudes: any change of summation order shows in the bits.
inline double magnitudes(int i) { return std::sin(i) * std::pow(10.0, (i % 17) - 8); }
PARDO_REMOTE(magnitudes);

inline double wiggle(double x) { return std::sin(x) * 1e-3 + 1.0 / (1.0 + x); }
PARDO_REMOTE(wiggle);

inline std::string letter(int x) { return std::string(1, static_cast<char>('a' + x % 26)); }
PARDO_REMOTE(letter);

inline long same_long(long x) { return x; }
PARDO_REMOTE(same_long);

/// A 2x2 matrix of integers modulo 2^64, row by row: an associative, non-commutative product.
using Matrix = std::array<std::uint64_t, 4>;

inline Matrix matrix_of(int i) {
  const auto u = static_cast<std::uint64_t>(i);
  return {u % 7 + 1, 1, u % 3, u % 5 + 1};
}
PARDO_REMOTE(matrix_of);

struct MatrixProduct {
  Matrix operator()(const Matrix& a, const Matrix& b) const {
    return {a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3]};
  }
};

inline constexpr Matrix identity_matrix{1, 0, 0, 1};

}  // namespace pardo::test::contract

// ---------------------------------------------------------------------------------------------
// The kinds of executor the suite runs on.
// ---------------------------------------------------------------------------------------------
namespace pardo::test {

static_assert(InputRange<std::vector<int>> && InputRange<decltype(std::views::iota(0, 10))>);
static_assert(!InputRange<std::list<int>> && !InputRange<int>);
static_assert(Executor<SerialExecutor> && RemoteExecutor<SerialExecutor>);
static_assert(Executor<ThreadPool> && RemoteExecutor<ThreadPool>);
static_assert(RemoteExecutor<ProcessPool> && !Executor<ProcessPool>);
#ifdef PARDO_CONTRACT_MPI
static_assert(RemoteExecutor<mpi::Pool> && !Executor<mpi::Pool>);
#endif

/// SerialExecutor: every task runs inline, in the caller, before submit returns.
struct SerialKind {
  using Type = SerialExecutor;
  static constexpr bool remote = false;
  static constexpr bool runs_inline = true;
  static constexpr std::string_view backend = "serial";
  static std::size_t workers() { return 1; }
  static std::unique_ptr<Type> make() { return std::make_unique<Type>(); }
  /// Whether this process uses the executor (on MPI, only the master does).
  static bool uses(const Type&) { return true; }
};

template <std::size_t N>
struct ThreadsKind {
  using Type = ThreadPool;
  static constexpr bool remote = false;
  static constexpr bool runs_inline = false;
  static constexpr std::string_view backend = "threads";
  static std::size_t workers() { return N; }
  static std::unique_ptr<Type> make() { return std::make_unique<Type>(N); }
  static bool uses(const Type&) { return true; }
};

template <std::size_t N>
struct ProcessesKind {
  using Type = ProcessPool;
  static constexpr bool remote = true;
  static constexpr bool runs_inline = false;
  static constexpr std::string_view backend = "processes";
  static std::size_t workers() { return N; }
  static std::unique_ptr<Type> make() { return std::make_unique<Type>(N); }
  static bool uses(const Type&) { return true; }
};

#ifdef PARDO_CONTRACT_MPI
/// mpi::Pool over every rank of the run, the master (rank 0) computing too. Every rank makes
/// it; the others serve inside its constructor until the master's pool shuts down.
struct Mpi {
  using Type = mpi::Pool;
  static constexpr bool remote = true;
  static constexpr bool runs_inline = false;
  static constexpr std::string_view backend = "mpi";
  static std::size_t workers() { return static_cast<std::size_t>(mpi::testing::world().size()); }
  static std::unique_ptr<Type> make() { return std::make_unique<Type>(mpi::testing::world()); }
  static bool uses(const Type& pool) { return pool.is_master(); }
};

/// The same ranks, each running two threads (hybrid MPI x threads).
struct MpiThreads2 : Mpi {
  static std::size_t workers() { return 2 * Mpi::workers(); }
  static std::unique_ptr<Type> make() {
    return std::make_unique<Type>(mpi::testing::world(), mpi::PoolOptions{.threads = 2});
  }
};

using Kinds = ::testing::Types<Mpi, MpiThreads2>;
#else
// Named types, so that test names read contract.Map.KeepsInputOrder...<pardo::test::Threads2>.
struct Serial : SerialKind {};
struct Threads1 : ThreadsKind<1> {};
struct Threads2 : ThreadsKind<2> {};
struct Threads8 : ThreadsKind<8> {};
struct Processes1 : ProcessesKind<1> {};
struct Processes2 : ProcessesKind<2> {};
struct Processes8 : ProcessesKind<8> {};

using Kinds =
    ::testing::Types<Serial, Threads1, Threads2, Threads8, Processes1, Processes2, Processes8>;
/// The kinds that also run lambdas and function objects (pardo::Executor).
using InProcessKinds = ::testing::Types<Serial, Threads1, Threads2, Threads8>;
#endif

inline const std::vector<Schedule> all_schedules{Schedule::automatic, Schedule::static_blocks,
                                                 Schedule::round_robin, Schedule::dynamic,
                                                 Schedule::guided};

/// The fixture: a fresh executor of the kind per test, under a watchdog that aborts the
/// program, naming the test, if it hangs (the construction and destruction included).
template <class Kind>
class Contract : public ::testing::Test {
 protected:
  using Type = typename Kind::Type;
  static_assert(RemoteExecutor<Type>, "every executor runs registered functions");
  static_assert(Executor<Type> == !Kind::remote, "only in-process executors run any callable");

  Contract() : executor_(Kind::make()) {}

  void SetUp() override {
    if (!Kind::uses(*executor_)) GTEST_SKIP() << "this rank serves the master's pool";
  }

  Type& ex() { return *executor_; }

  /// Destroys the executor now: its destructor runs what was already submitted.
  void destroy() { executor_.reset(); }

  /// The indices record_visit saw since the last call, on every worker, in increasing order.
  std::vector<std::int64_t> visited() {
    std::vector<std::int64_t> all;
    for (const auto& part : ex().on_each_worker(contract::take_visits)) {
      all.insert(all.end(), part.begin(), part.end());
    }
    std::sort(all.begin(), all.end());
    return all;
  }

 private:
  Watchdog watchdog_{std::chrono::seconds(PARDO_CONTRACT_WATCHDOG_S)};
  std::unique_ptr<Type> executor_;
};

/// Declares the typed suite `Suite` of contract tests over every kind.
#define PARDO_CONTRACT_SUITE(Suite)                      \
  template <class Kind>                                  \
  class Suite : public ::pardo::test::Contract<Kind> {}; \
  TYPED_TEST_SUITE(Suite, ::pardo::test::Kinds)

/// Checks that `f()` throws what a task threw: on an in-process executor the exception itself
/// (of type Error exactly, with what() == message), on a remote pool a RemoteError carrying
/// the original type's name and message.
template <class Kind, class Error, class F>
void expect_error(F&& f, const std::string& type_name, const std::string& message) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected " << type_name << ": " << message;
  } catch (const RemoteError& e) {
    EXPECT_TRUE(Kind::remote) << "RemoteError from an in-process executor: " << e.what();
    EXPECT_EQ(e.type_name(), type_name);
    EXPECT_EQ(e.message(), message);
    EXPECT_EQ(std::string(e.what()), type_name + ": " + message);
  } catch (const Error& e) {
    EXPECT_FALSE(Kind::remote) << "the original exception crossed a process boundary";
    EXPECT_TRUE(typeid(e) == typeid(Error)) << "caught a " << typeid(e).name();
    if constexpr (std::is_base_of_v<std::exception, Error>) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  } catch (...) {
    ADD_FAILURE() << "unexpected exception: " << describe(std::current_exception()) << "; expected "
                  << type_name << ": " << message;
  }
}

/// The message of the std::invalid_argument that `call()` throws, or what happened instead.
template <class Call>
std::string invalid_argument_message(Call call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  } catch (...) {
    return "another exception: " + describe(std::current_exception());
  }
  return "no exception";
}

/// 0, 1, ..., n - 1 as doubles.
inline std::vector<double> double_iota(std::size_t n) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), 0.0);
  return v;
}

/// f(0), f(1), ..., f(n - 1), computed here.
template <class F>
auto expected_values(F f, int n) {
  std::vector<decltype(f(0))> out;
  for (int i = 0; i < n; ++i) out.push_back(f(i));
  return out;
}

/// Every index of [first, last) once, as record_visit saw them.
inline std::vector<std::int64_t> each_once(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(last - first));
  std::iota(v.begin(), v.end(), first);
  return v;
}

}  // namespace pardo::test

#pragma once
/// @file
/// A typed MPI communicator: point-to-point, collectives and a deterministic reduction.

#include "pardo/mpi/detail/mpi_h.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <vector>

#include "pardo/core/future.hpp"
#include "pardo/mpi/datatype.hpp"
#include "pardo/mpi/error.hpp"
#include "pardo/mpi/ops.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::mpi {

/// Receive from any rank (MPI_ANY_SOURCE).
/// @code
/// auto job = world.recv<Job>(pardo::mpi::any_source, pardo::mpi::any_tag);
/// @endcode
inline constexpr int any_source = MPI_ANY_SOURCE;
/// Receive any tag (MPI_ANY_TAG).
inline constexpr int any_tag = MPI_ANY_TAG;
/// The null rank: sends to it and receives from it do nothing (MPI_PROC_NULL).
inline constexpr int proc_null = MPI_PROC_NULL;
/// The colour that leaves a rank out of `split` (MPI_UNDEFINED).
inline constexpr int undefined = MPI_UNDEFINED;

namespace detail {
template <class T>
struct IsString : std::false_type {};
template <class C, class Tr, class A>
struct IsString<std::basic_string<C, Tr, A>> : std::true_type {};
}  // namespace detail

/// A contiguous, sized range of native elements: a std::vector, std::array or std::span.
/// Strings are values, not ranges: they travel encoded, as they are received.
/// @code
/// static_assert(pardo::mpi::NativeRange<std::vector<double>>);
/// static_assert(!pardo::mpi::NativeRange<std::string>);
/// @endcode
template <class R>
concept NativeRange = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                      Native<std::remove_cv_t<std::ranges::range_value_t<R>>> &&
                      !std::is_same_v<std::remove_cv_t<std::ranges::range_value_t<R>>, bool> &&
                      !detail::IsString<std::remove_cvref_t<R>>::value;

/// The element type of a NativeRange.
template <NativeRange R>
using element_t = std::remove_cv_t<std::ranges::range_value_t<R>>;

/// Where a received message came from and how many elements it held.
/// @code
/// pardo::mpi::Status st;
/// auto v = world.recv<std::vector<int>>(pardo::mpi::any_source, 0, &st);  // st.source
/// @endcode
struct Status {
  int source = proc_null;
  int tag = any_tag;
  std::size_t count = 0;  ///< elements, or bytes for encoded values
};

/// How much a communicator verifies before each collective.
/// @code
/// auto fast = world.unchecked();  // fast.checks() == pardo::mpi::Checks::local
/// @endcode
enum class Checks {
  /// Also that every rank passed the same count and root: one small allreduce first, so a
  /// mismatch throws std::invalid_argument on every rank instead of hanging or truncating.
  collective,
  /// Only what each rank can see alone (root in range, buffer sizes): no extra message.
  local,
};

/// A group of ranks that talk to each other, with typed operations.
///
/// Arithmetic values, std::complex, and contiguous ranges of them (std::vector, std::array,
/// std::span) travel as native MPI datatypes; any other type that pardo::wire can encode
/// (strings, maps, your cereal-serializable structs) travels encoded. Messages longer than
/// MPI's `int` count are split into pieces and joined on receipt, never truncated.
///
/// Every collective must be called by every rank of the communicator in the same order.
/// With Checks::collective (the default) a rank whose count or root differs from the others
/// makes all ranks throw std::invalid_argument naming the values; `unchecked()` gives a view
/// that skips that extra allreduce for latency-bound loops.
/// @code
/// pardo::mpi::Environment env(argc, argv);
/// auto world = env.world();
/// std::vector<double> mine = simulate(world.rank());
/// std::vector<double> all = world.gatherv(mine, 0);     // concatenated on rank 0
/// double total = world.allreduce(sum(mine), std::plus<>{});
/// @endcode
class Communicator {
 public:
  /// Borrows `comm` (MPI_COMM_WORLD, or one you made) and sets MPI_ERRORS_RETURN on it.
  /// @code
  /// pardo::mpi::Communicator self(MPI_COMM_SELF);
  /// @endcode
  explicit Communicator(MPI_Comm comm);

  /// The underlying MPI_Comm, for calls pardo does not wrap.
  /// @code
  /// MPI_Comm_set_name(world.native(), "pardo world");
  /// @endcode
  MPI_Comm native() const noexcept { return comm_; }
  /// This process's rank, in [0, size()).
  /// @code
  /// if (world.rank() == 0) std::puts("rank 0 reports");
  /// @endcode
  int rank() const noexcept { return rank_; }
  /// The number of ranks.
  /// @code
  /// std::vector<double> per_rank(static_cast<std::size_t>(world.size()));
  /// @endcode
  int size() const noexcept { return size_; }
  /// The checks this view makes before collectives.
  /// @code
  /// assert(world.checks() == pardo::mpi::Checks::collective);
  /// @endcode
  Checks checks() const noexcept { return checks_; }
  /// The same communicator, without the cross-rank agreement checks: for loops whose counts
  /// are right by construction and whose latency matters.
  /// @code
  /// const auto fast = world.unchecked();
  /// for (int it = 0; it < n; ++it) change = fast.allreduce(local_change, pardo::mpi::max{});
  /// @endcode
  Communicator unchecked() const;

  /// Blocks until every rank has called it.
  /// @code
  /// world.barrier();  // every rank has written its file
  /// @endcode
  void barrier() const;
  /// A new communicator with the same ranks and a separate message space (collective).
  /// @code
  /// const pardo::mpi::Communicator library_comm = world.dup();
  /// @endcode
  Communicator dup() const;
  /// Ranks with the same `color` form a new communicator, ordered by `key` then old rank;
  /// nullopt on ranks whose colour is mpi::undefined (collective).
  /// @code
  /// auto row = world.split(world.rank() / 4, world.rank());
  /// @endcode
  std::optional<Communicator> split(int color, int key) const;

  // ---- point to point (definitions in detail/point_to_point.hpp) ----

  /// Sends a value, native range or encodable object to `dest` (blocking).
  /// @code
  /// if (world.rank() == 0) world.send(std::vector<double>{1, 2, 3}, 1, /*tag=*/7);
  /// @endcode
  template <class T>
  void send(const T& value, int dest, int tag = 0) const;

  /// Receives a T (a native value, a std::vector of native values of any length, or an
  /// encoded object). A native value whose message has another length throws
  /// std::invalid_argument naming both counts; the message is consumed.
  /// @code
  /// auto v = world.recv<std::vector<double>>(0, 7);
  /// @endcode
  template <class T>
  T recv(int source = any_source, int tag = any_tag, Status* status = nullptr) const;

  /// Receives exactly `out.size()` elements into `out`; another length throws
  /// std::invalid_argument (the message is consumed).
  template <Native T>
  Status recv_into(std::span<T> out, int source = any_source, int tag = any_tag) const;

  /// Sends `send` to `dest` and receives `recv.size()` elements from `source` in one call,
  /// as halo exchanges need; either rank may be mpi::proc_null.
  /// @code
  /// world.sendrecv(std::span(first_row), up, std::span(halo_below), down);
  /// @endcode
  template <NativeRange S, Native T>
  void sendrecv(const S& send, int dest, std::span<T> recv, int source, int tag = 0) const;

  /// Starts sending `value` (moved into the call) and returns at once; the future finishes
  /// when the send buffer is free. Needs ThreadLevel::multiple.
  /// @code
  /// pardo::Future<void> sent = world.isend(std::move(block), 1);
  /// @endcode
  template <class T>
  Future<void> isend(T value, int dest, int tag = 0) const;

  /// Returns a future for the next matching T. Needs ThreadLevel::multiple. The receive is
  /// posted at once and cannot be cancelled.
  /// @code
  /// pardo::Future<std::string> note = world.irecv<std::string>(0, 3);
  /// @endcode
  template <class T>
  Future<T> irecv(int source = any_source, int tag = any_tag) const;

  // ---- collectives (definitions in detail/collectives.hpp, detail/reductions.hpp) ----

  /// Broadcasts `value` from `root`: a native value, a std::vector (resized on receipt) or
  /// any encodable object.
  /// @code
  /// Config config = world.rank() == 0 ? read_config() : Config{};
  /// world.bcast(config, 0);
  /// @endcode
  template <class T>
  void bcast(T& value, int root = 0) const;

  /// Broadcasts `data.size()` native elements from `root` into every rank's `data`; the
  /// sizes must agree.
  template <Native T>
  void bcast(std::span<T> data, int root = 0) const;

  /// Root's `send` (size() equal parts) is dealt out in rank order; returns this rank's part.
  /// Other ranks' `send` is ignored.
  /// @code
  /// std::vector<int> mine = world.scatter(all, 0);  // all.size() == k * world.size()
  /// @endcode
  template <NativeRange R>
  std::vector<element_t<R>> scatter(const R& send, int root = 0) const;

  /// Root's `send` cut into consecutive parts of `counts[r]` elements for rank r.
  template <NativeRange R>
  std::vector<element_t<R>> scatterv(const R& send, std::span<const std::size_t> counts,
                                     int root = 0) const;

  /// One value from each rank, in rank order, on `root`; empty elsewhere.
  /// @code
  /// std::vector<std::string> hosts = world.gather(env.processor_name(), 0);
  /// @endcode
  template <class T>
  std::vector<T> gather(const T& value, int root = 0) const;

  /// Every rank's `local` concatenated in rank order on `root` (lengths may differ); empty
  /// elsewhere.
  template <NativeRange R>
  std::vector<element_t<R>> gatherv(const R& local, int root = 0) const;

  /// One value from each rank, in rank order, on every rank.
  template <class T>
  std::vector<T> allgather(const T& value) const;

  /// Every rank's `local` concatenated in rank order, on every rank.
  template <NativeRange R>
  std::vector<element_t<R>> allgatherv(const R& local) const;

  /// `op` over one value per rank, on `root` (nullopt elsewhere). Built-in operations on
  /// native types use MPI's; anything else is applied in rank order.
  /// @code
  /// std::optional<long> hits = world.reduce(local_hits, std::plus<>{}, 0);
  /// @endcode
  template <class T, class Op>
  std::optional<T> reduce(const T& value, Op op, int root = 0) const;

  /// Element-wise `op` over every rank's `data` (same length everywhere), on `root`; empty
  /// elsewhere.
  template <NativeRange R, class Op>
  std::vector<element_t<R>> reduce(const R& data, Op op, int root = 0) const;

  /// `op` over one value per rank, on every rank.
  /// @code
  /// double change = world.allreduce(local_change, pardo::mpi::max{});
  /// @endcode
  template <class T, class Op>
  T allreduce(const T& value, Op op) const;

  /// Element-wise `op` over every rank's `data`, on every rank.
  template <NativeRange R, class Op>
  std::vector<element_t<R>> allreduce(const R& data, Op op) const;

  /// Element-wise `op` over every rank's `data`, written back into it.
  template <Native T, class Op>
  void allreduce_in_place(std::span<T> data, Op op) const;

  /// Element-wise `op` over every rank's `data` (k * size() elements); rank r gets block r.
  template <NativeRange R, class Op>
  std::vector<element_t<R>> reduce_scatter(const R& data, Op op) const;

  /// Block r of `send` (k * size() elements) goes to rank r; returns the blocks received, in
  /// rank order.
  template <NativeRange R>
  std::vector<element_t<R>> alltoall(const R& send) const;

  /// Reduces the global array formed by every rank's `local`, concatenated in rank order,
  /// along a fixed binary tree over global element indices: the result has the same bits
  /// for any number of ranks and any split of the array, and equals
  /// pardo::tree_reduce(global, op, identity). On `root`; nullopt elsewhere.
  /// @code
  /// auto sum = world.deterministic_reduce(std::span(mine), std::plus<>{}, 0.0, 0);
  /// @endcode
  template <class T, class Op>
  std::optional<T> deterministic_reduce(std::span<const T> local, Op op, T identity,
                                        int root = 0) const;

  /// deterministic_reduce with the result on every rank.
  template <class T, class Op>
  T deterministic_allreduce(std::span<const T> local, Op op, T identity) const;

 private:
  Communicator(MPI_Comm comm, std::shared_ptr<MPI_Comm> owner);
  void check_root(int root, const char* call) const;
  void agree(const char* call, std::int64_t count, int root) const;

  MPI_Comm comm_ = MPI_COMM_NULL;
  std::shared_ptr<MPI_Comm> owner_;  // frees communicators made by dup and split
  int rank_ = 0;
  int size_ = 1;
  Checks checks_ = Checks::collective;
};

}  // namespace pardo::mpi

#include "pardo/mpi/detail/collectives.hpp"
#include "pardo/mpi/detail/point_to_point.hpp"
#include "pardo/mpi/detail/reductions.hpp"

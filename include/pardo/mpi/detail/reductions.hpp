#pragma once
// Communicator's reductions: built-in MPI operations where they exist, user operations in
// rank order otherwise, and the deterministic tree reduction.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pardo/core/tree_reduce.hpp"
#include "pardo/mpi/detail/collectives.hpp"

namespace pardo::mpi {

namespace detail {

/// The MPI operation for `Op` on T for the length of one call: a built-in one, or a
/// non-commutative user operation (so MPI combines in rank order) calling `op`.
template <class Op, Native T>
class ScopedOp {
 public:
  explicit ScopedOp(const Op& op) {
    static_assert(std::is_invocable_r_v<T, const Op&, const T&, const T&>,
                  "pardo::mpi: the reduction must be callable as T op(const T&, const T&)");
    if (const auto builtin = builtin_op<Op, T>()) {
      op_ = *builtin;
      return;
    }
    current = &op;
    check(MPI_Op_create(&apply, 0, &op_), "MPI_Op_create");
    owned_ = true;
  }
  ScopedOp(const ScopedOp&) = delete;
  ScopedOp& operator=(const ScopedOp&) = delete;
  ~ScopedOp() {
    if (owned_) {
      MPI_Op_free(&op_);
      current = nullptr;
    }
  }
  MPI_Op get() const noexcept { return op_; }

 private:
  // MPI gives a user operation no context pointer; Open MPI applies it on the calling thread.
  static inline thread_local const Op* current = nullptr;
  static void apply(void* in, void* inout, int* len, MPI_Datatype*) {
    const T* a = static_cast<const T*>(in);
    T* b = static_cast<T*>(inout);
    for (int i = 0; i < *len; ++i) b[i] = static_cast<T>((*current)(a[i], b[i]));
  }

  MPI_Op op_ = MPI_OP_NULL;
  bool owned_ = false;
};

/// Folds values in rank order: what a reduction of encoded values computes.
template <class T, class Op>
T fold(std::vector<T> values, const Op& op) {
  T acc = std::move(values.front());
  for (std::size_t i = 1; i < values.size(); ++i) acc = op(std::move(acc), std::move(values[i]));
  return acc;
}

/// This rank's part of a tree reduction: its elements [first, first + n) of the global
/// array, cut into the largest aligned blocks, each reduced along the tree.
template <class T, class Op>
std::string tree_pieces(std::span<const T> local, std::uint64_t first, const Op& op) {
  std::string bytes;
  wire::Writer out(bytes);
  std::uint64_t at = first;
  const std::uint64_t end = first + local.size();
  while (at < end) {
    unsigned level = 0;
    while (level < 63 && at % (std::uint64_t{2} << level) == 0 &&
           at + (std::uint64_t{2} << level) <= end) {
      ++level;
    }
    const std::uint64_t width = std::uint64_t{1} << level;
    pardo::detail::TreeStack<T, Op> block(op);
    for (std::uint64_t i = at; i < at + width; ++i) block.push(0, local[i - first]);
    wire::encode(out, static_cast<std::uint8_t>(level));
    wire::encode(out, std::move(block).finish(T{}));
    at += width;
  }
  return bytes;
}

}  // namespace detail

template <class T, class Op>
std::optional<T> Communicator::reduce(const T& value, Op op, int root) const {
  agree("reduce", -1, root);
  check_root(root, "reduce");
  if constexpr (Native<T>) {
    detail::ScopedOp<Op, T> mpi_op(op);
    T out{};
    detail::check(MPI_Reduce(&value, &out, 1, datatype<T>(), mpi_op.get(), root, comm_),
                  "MPI_Reduce");
    if (rank_ != root) return std::nullopt;
    return out;
  } else {
    std::vector<T> values = detail::gather_encoded(comm_, rank_, size_, value, root);
    if (rank_ != root) return std::nullopt;
    return detail::fold(std::move(values), op);
  }
}

template <NativeRange R, class Op>
std::vector<element_t<R>> Communicator::reduce(const R& data, Op op, int root) const {
  using V = element_t<R>;
  const std::size_t n = std::ranges::size(data);
  agree("reduce", static_cast<std::int64_t>(n), root);
  check_root(root, "reduce");
  detail::ScopedOp<Op, V> mpi_op(op);
  std::vector<V> out(rank_ == root ? n : 0);
  detail::for_each_piece(n, detail::message_limit(), [&](std::size_t o, std::size_t p) {
    detail::check(MPI_Reduce(std::ranges::data(data) + o, rank_ == root ? out.data() + o : nullptr,
                             detail::as_count(p), datatype<V>(), mpi_op.get(), root, comm_),
                  "MPI_Reduce");
  });
  return out;
}

template <class T, class Op>
T Communicator::allreduce(const T& value, Op op) const {
  if constexpr (Native<T>) {
    detail::ScopedOp<Op, T> mpi_op(op);
    T out{};
    detail::check(MPI_Allreduce(&value, &out, 1, datatype<T>(), mpi_op.get(), comm_),
                  "MPI_Allreduce");
    return out;
  } else {
    return detail::fold(detail::gather_encoded(comm_, rank_, size_, value, -1), op);
  }
}

template <NativeRange R, class Op>
std::vector<element_t<R>> Communicator::allreduce(const R& data, Op op) const {
  using V = element_t<R>;
  const std::size_t n = std::ranges::size(data);
  agree("allreduce", static_cast<std::int64_t>(n), 0);
  detail::ScopedOp<Op, V> mpi_op(op);
  std::vector<V> out(n);
  detail::for_each_piece(n, detail::message_limit(), [&](std::size_t o, std::size_t p) {
    detail::check(MPI_Allreduce(std::ranges::data(data) + o, out.data() + o, detail::as_count(p),
                                datatype<V>(), mpi_op.get(), comm_),
                  "MPI_Allreduce");
  });
  return out;
}

template <Native T, class Op>
void Communicator::allreduce_in_place(std::span<T> data, Op op) const {
  agree("allreduce_in_place", static_cast<std::int64_t>(data.size()), 0);
  detail::ScopedOp<Op, T> mpi_op(op);
  detail::for_each_piece(data.size(), detail::message_limit(), [&](std::size_t o, std::size_t p) {
    detail::check(MPI_Allreduce(MPI_IN_PLACE, data.data() + o, detail::as_count(p), datatype<T>(),
                                mpi_op.get(), comm_),
                  "MPI_Allreduce");
  });
}

template <NativeRange R, class Op>
std::vector<element_t<R>> Communicator::reduce_scatter(const R& data, Op op) const {
  using V = element_t<R>;
  const std::size_t n = std::ranges::size(data);
  agree("reduce_scatter", static_cast<std::int64_t>(n), 0);
  const auto ranks = static_cast<std::size_t>(size_);
  if (n % ranks != 0) detail::throw_not_divisible("reduce_scatter", n, size_);
  const std::size_t k = n / ranks;
  detail::ScopedOp<Op, V> mpi_op(op);
  std::vector<V> out(k);
  const std::size_t width = std::max<std::size_t>(1, detail::message_limit() / ranks);
  if (k < detail::message_limit() && k <= width) {
    detail::check(MPI_Reduce_scatter_block(std::ranges::data(data), out.data(), detail::as_count(k),
                                           datatype<V>(), mpi_op.get(), comm_),
                  "MPI_Reduce_scatter_block");
    return out;
  }
  std::vector<V> slots(width * ranks);
  detail::for_each_piece(k, width, [&](std::size_t o, std::size_t p) {
    detail::pack_windows(std::ranges::data(data), k, o, p, size_, slots.data());
    detail::check(MPI_Reduce_scatter_block(slots.data(), out.data() + o, detail::as_count(p),
                                           datatype<V>(), mpi_op.get(), comm_),
                  "MPI_Reduce_scatter_block");
  });
  return out;
}

template <class T, class Op>
std::optional<T> Communicator::deterministic_reduce(std::span<const T> local, Op op, T identity,
                                                    int root) const {
  agree("deterministic_reduce", -1, root);
  check_root(root, "deterministic_reduce");
  std::uint64_t n = local.size();
  std::uint64_t first = 0;
  detail::check(MPI_Exscan(&n, &first, 1, MPI_UINT64_T, MPI_SUM, comm_), "MPI_Exscan");
  if (rank_ == 0) first = 0;  // MPI leaves rank 0's result undefined
  const std::string mine = detail::tree_pieces(local, first, op);
  const std::vector<char> all =
      detail::gatherv_native(comm_, rank_, size_, mine.data(), mine.size(), root);
  if (rank_ != root) return std::nullopt;
  pardo::detail::TreeStack<T, Op> tree(std::move(op));
  wire::Reader in(std::string_view(all.data(), all.size()));
  while (in.remaining() != 0) {
    const auto level = wire::decode<std::uint8_t>(in);
    tree.push(level, wire::decode<T>(in));
  }
  return std::move(tree).finish(std::move(identity));
}

template <class T, class Op>
T Communicator::deterministic_allreduce(std::span<const T> local, Op op, T identity) const {
  std::optional<T> result = deterministic_reduce(local, std::move(op), identity, 0);
  T value = result ? std::move(*result) : std::move(identity);
  unchecked().bcast(value, 0);  // the reduction has checked the root already
  return value;
}

}  // namespace pardo::mpi

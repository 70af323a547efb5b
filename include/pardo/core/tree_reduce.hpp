#pragma once
/// @file
/// A reduction whose rounding does not depend on how the data is split.

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace pardo {

namespace detail {

/// Partial results of a reduction over consecutive indices, combined along the fixed binary
/// tree of aligned blocks: [0, 2^L) splits into halves, down to single elements. The stack
/// holds the binary decomposition of the prefix seen so far; pushing an aligned block of
/// 2^level elements merges siblings like a carry, so any split of the input into aligned
/// blocks (one per rank, say) combines into exactly the same operations.
template <class T, class Op>
class TreeStack {
 public:
  explicit TreeStack(Op op) : op_(std::move(op)) {}

  /// Adds the aligned block that comes next, reduced already, holding 2^level elements.
  void push(unsigned level, T value) {
    while (!stack_.empty() && stack_.back().first == level) {
      value = op_(std::move(stack_.back().second), std::move(value));
      stack_.pop_back();
      ++level;
    }
    stack_.emplace_back(level, std::move(value));
  }

  /// The reduction of everything pushed: the blocks left, folded from the right (a node
  /// whose right half lies past the end is its left half).
  T finish(T identity) && {
    if (stack_.empty()) return identity;
    T acc = std::move(stack_.back().second);
    for (std::size_t i = stack_.size() - 1; i-- > 0;) {
      acc = op_(std::move(stack_[i].second), std::move(acc));
    }
    return acc;
  }

 private:
  Op op_;
  std::vector<std::pair<unsigned, T>> stack_;
};

}  // namespace detail

/// Reduces `data` with `op` along a fixed binary tree over the element indices, so the
/// floating-point result has the same bits as
/// pardo::mpi::Communicator::deterministic_reduce over any number of ranks holding
/// consecutive parts of `data`. `identity` is returned for empty data.
/// @code
/// std::vector<double> x = samples();
/// double s = pardo::tree_reduce(std::span<const double>(x), std::plus<>{}, 0.0);
/// @endcode
template <class T, class Op>
T tree_reduce(std::span<const T> data, Op op, T identity) {
  detail::TreeStack<T, Op> stack(std::move(op));
  for (const T& x : data) stack.push(0, x);
  return std::move(stack).finish(std::move(identity));
}

}  // namespace pardo

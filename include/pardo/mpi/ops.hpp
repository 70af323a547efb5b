#pragma once
/// @file
/// Reduction operations: the standard function objects map to MPI's built-in operations;
/// any other callable becomes a user-defined MPI operation, applied in rank order.

#include "pardo/mpi/detail/mpi_h.hpp"

#include <functional>
#include <optional>
#include <type_traits>

#include "pardo/mpi/datatype.hpp"

namespace pardo::mpi {

/// The smaller of two values; maps to MPI_MIN.
/// @code
/// int least = world.allreduce(local, pardo::mpi::min{});
/// @endcode
struct min {
  template <class T>
  constexpr T operator()(const T& a, const T& b) const {
    return b < a ? b : a;
  }
};

/// The larger of two values; maps to MPI_MAX.
/// @code
/// double worst = world.allreduce(local_error, pardo::mpi::max{});
/// @endcode
struct max {
  template <class T>
  constexpr T operator()(const T& a, const T& b) const {
    return a < b ? b : a;
  }
};

namespace detail {

template <class Op, class T, template <class> class Std>
inline constexpr bool is_std_op_v = std::is_same_v<Op, Std<void>> || std::is_same_v<Op, Std<T>>;

/// MPI's built-in operation for Op on T, if it has one.
template <class Op, Native T>
std::optional<MPI_Op> builtin_op() noexcept {
  constexpr bool integral = std::is_integral_v<T> && !std::is_same_v<T, bool>;
  constexpr bool ordered = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;
  if constexpr (is_std_op_v<Op, T, std::plus>) {
    return MPI_SUM;
  } else if constexpr (is_std_op_v<Op, T, std::multiplies>) {
    return MPI_PROD;
  } else if constexpr (std::is_same_v<Op, mpi::min> && ordered) {
    return MPI_MIN;
  } else if constexpr (std::is_same_v<Op, mpi::max> && ordered) {
    return MPI_MAX;
  } else if constexpr (is_std_op_v<Op, T, std::logical_and> &&
                       (integral || std::is_same_v<T, bool>)) {
    return MPI_LAND;
  } else if constexpr (is_std_op_v<Op, T, std::logical_or> &&
                       (integral || std::is_same_v<T, bool>)) {
    return MPI_LOR;
  } else if constexpr (is_std_op_v<Op, T, std::bit_and> && integral) {
    return MPI_BAND;
  } else if constexpr (is_std_op_v<Op, T, std::bit_or> && integral) {
    return MPI_BOR;
  } else if constexpr (is_std_op_v<Op, T, std::bit_xor> && integral) {
    return MPI_BXOR;
  } else {
    return std::nullopt;
  }
}

}  // namespace detail
}  // namespace pardo::mpi

#pragma once
/// @file
/// Which C++ types travel as native MPI datatypes; everything else goes through pardo's wire
/// format, as between worker processes.

#include "pardo/mpi/detail/mpi_h.hpp"

#include <complex>
#include <concepts>
#include <cstdint>
#include <ranges>
#include <type_traits>
#include <vector>

namespace pardo::mpi {

namespace detail {
template <class T>
struct IsComplex : std::false_type {};
template <class T>
struct IsComplex<std::complex<T>> : std::is_floating_point<T> {};
template <class T>
struct IsStdVector : std::false_type {};
template <class T, class A>
struct IsStdVector<std::vector<T, A>> : std::true_type {};
}  // namespace detail

/// Arithmetic types and std::complex of floating point: one MPI element each, no encoding.
/// @code
/// static_assert(pardo::mpi::Native<double> && !pardo::mpi::Native<std::string>);
/// @endcode
template <class T>
concept Native = (std::is_arithmetic_v<T> || detail::IsComplex<T>::value) && !std::is_const_v<T>;

/// A std::vector of native elements: sent as one native array, its length taken from the
/// message on receipt.
/// @code
/// static_assert(pardo::mpi::NativeVector<std::vector<int>>);
/// @endcode
template <class T>
concept NativeVector = detail::IsStdVector<T>::value && Native<typename T::value_type> &&
    !std::is_same_v<typename T::value_type, bool>;

/// The MPI datatype of a native type.
/// @code
/// MPI_Datatype t = pardo::mpi::datatype<std::uint32_t>();  // MPI_UINT32_T
/// @endcode
template <Native T>
MPI_Datatype datatype() noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    return MPI_CXX_BOOL;
  } else if constexpr (std::is_same_v<T, char>) {
    return MPI_CHAR;
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    if constexpr (sizeof(T) == 1) return MPI_INT8_T;
    if constexpr (sizeof(T) == 2) return MPI_INT16_T;
    if constexpr (sizeof(T) == 4) return MPI_INT32_T;
    if constexpr (sizeof(T) == 8) return MPI_INT64_T;
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (sizeof(T) == 1) return MPI_UINT8_T;
    if constexpr (sizeof(T) == 2) return MPI_UINT16_T;
    if constexpr (sizeof(T) == 4) return MPI_UINT32_T;
    if constexpr (sizeof(T) == 8) return MPI_UINT64_T;
  } else if constexpr (std::is_same_v<T, float>) {
    return MPI_FLOAT;
  } else if constexpr (std::is_same_v<T, double>) {
    return MPI_DOUBLE;
  } else if constexpr (std::is_same_v<T, long double>) {
    return MPI_LONG_DOUBLE;
  } else if constexpr (std::is_same_v<T, std::complex<float>>) {
    return MPI_CXX_FLOAT_COMPLEX;
  } else if constexpr (std::is_same_v<T, std::complex<double>>) {
    return MPI_CXX_DOUBLE_COMPLEX;
  } else {
    return MPI_CXX_LONG_DOUBLE_COMPLEX;
  }
}

}  // namespace pardo::mpi

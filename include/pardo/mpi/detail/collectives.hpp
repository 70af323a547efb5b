#pragma once
// Communicator's broadcasts, scatters, gathers and all-to-all. Counts per rank that exceed
// MPI's int limit are moved in windows of at most message_limit() elements.

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "pardo/mpi/detail/point_to_point.hpp"
#include "pardo/mpi/detail/transport.hpp"

namespace pardo::mpi {

namespace detail {

[[noreturn]] void throw_not_divisible(const char* call, std::size_t n, int ranks);

/// Copies window [o, o + p) of each rank's block of k elements into consecutive slots.
template <class V>
void pack_windows(const V* blocks, std::size_t k, std::size_t o, std::size_t p, int ranks, V* out) {
  for (std::size_t r = 0; r < static_cast<std::size_t>(ranks); ++r) {
    std::copy_n(blocks + r * k + o, p, out + r * p);
  }
}

/// The inverse of pack_windows.
template <class V>
void unpack_windows(const V* slots, std::size_t k, std::size_t o, std::size_t p, int ranks,
                    V* blocks) {
  for (std::size_t r = 0; r < static_cast<std::size_t>(ranks); ++r) {
    std::copy_n(slots + r * p, p, blocks + r * k + o);
  }
}

/// Counts and displacements of window [o, o + p) of blocks of `counts` elements, as MPI's
/// v-collectives take them, and where each rank's block starts in the whole.
struct VWindow {
  std::vector<int> counts;
  std::vector<int> displs;
  std::vector<std::size_t> starts;
  std::size_t total = 0;
};
VWindow v_window(const std::vector<std::uint64_t>& counts, std::size_t o, std::size_t p);

/// Runs f(window, o) over the windows of a v-collective: one window holding everything when
/// the total fits an int, else windows of message_limit() / size elements per rank.
template <class F>
void for_each_v_window(const std::vector<std::uint64_t>& counts, F&& f) {
  const std::uint64_t total = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
  const std::uint64_t most = counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
  const std::size_t limit = message_limit();
  const std::size_t width = total < limit ? std::max<std::size_t>(most, 1)
                                          : std::max<std::size_t>(1, limit / counts.size());
  std::size_t o = 0;
  do {
    f(v_window(counts, o, width), o);
    o += width;
  } while (o < most);
}

/// Each rank's element count, on every rank.
std::vector<std::uint64_t> allgather_counts(MPI_Comm comm, int ranks, std::size_t mine);

/// Gathers (root >= 0) or allgathers (root < 0) every rank's `n` elements, concatenated.
template <class V>
std::vector<V> gatherv_native(MPI_Comm comm, int rank, int ranks, const V* local, std::size_t n,
                              int root, std::vector<std::uint64_t>* counts_out = nullptr) {
  const std::vector<std::uint64_t> counts = allgather_counts(comm, ranks, n);
  const bool receives = root < 0 || rank == root;
  std::vector<V> out;
  if (receives) {
    out.resize(
        static_cast<std::size_t>(std::accumulate(counts.begin(), counts.end(), std::uint64_t{0})));
  }
  std::vector<V> slots;
  for_each_v_window(counts, [&](const VWindow& w, std::size_t o) {
    const int mine = w.counts[static_cast<std::size_t>(rank)];
    const bool whole = w.starts == std::vector<std::size_t>(w.displs.begin(), w.displs.end());
    V* into = out.data();
    if (receives && !whole) {
      slots.resize(w.total);
      into = slots.data();
    }
    if (root < 0) {
      check(MPI_Allgatherv(local + o, mine, datatype<V>(), into, w.counts.data(), w.displs.data(),
                           datatype<V>(), comm),
            "MPI_Allgatherv");
    } else {
      check(MPI_Gatherv(local + o, mine, datatype<V>(), into, w.counts.data(), w.displs.data(),
                        datatype<V>(), root, comm),
            "MPI_Gatherv");
    }
    if (receives && !whole) {
      for (std::size_t r = 0; r < counts.size(); ++r) {
        std::copy_n(slots.data() + w.displs[r], w.counts[r], out.data() + w.starts[r] + o);
      }
    }
  });
  if (counts_out != nullptr) *counts_out = counts;
  return out;
}

/// Encoded values, one per rank, gathered (root >= 0) or allgathered (root < 0).
template <class T>
std::vector<T> gather_encoded(MPI_Comm comm, int rank, int ranks, const T& value, int root) {
  const std::string bytes = encode_value(value);
  std::vector<std::uint64_t> counts;
  const std::vector<char> all =
      gatherv_native(comm, rank, ranks, bytes.data(), bytes.size(), root, &counts);
  std::vector<T> values;
  if (root >= 0 && rank != root) return values;
  values.reserve(counts.size());
  std::size_t at = 0;
  for (const std::uint64_t n : counts) {
    values.push_back(decode_value<T>(std::string_view(all.data() + at, n)));
    at += n;
  }
  return values;
}

}  // namespace detail

template <class T>
void Communicator::bcast(T& value, int root) const {
  if constexpr (NativeRange<T> && !NativeVector<T>) {
    bcast(std::span(value), root);
  } else {
    agree("bcast", -1, root);
    check_root(root, "bcast");
    if constexpr (Native<T>) {
      detail::check(MPI_Bcast(&value, 1, datatype<T>(), root, comm_), "MPI_Bcast");
    } else {
      using V = typename std::conditional_t<NativeVector<T>, T, std::string>::value_type;
      std::string bytes;
      std::uint64_t n = 0;
      if (rank_ == root) {
        if constexpr (NativeVector<T>) {
          n = value.size();
        } else {
          bytes = detail::encode_value(value);
          n = bytes.size();
        }
      }
      detail::check(MPI_Bcast(&n, 1, MPI_UINT64_T, root, comm_), "MPI_Bcast");
      V* data = nullptr;
      if constexpr (NativeVector<T>) {
        if (rank_ != root) value.resize(static_cast<std::size_t>(n));
        data = value.data();
      } else {
        bytes.resize(static_cast<std::size_t>(n));
        data = bytes.data();
      }
      detail::for_each_piece(
          static_cast<std::size_t>(n), detail::message_limit(), [&](std::size_t o, std::size_t p) {
            detail::check(MPI_Bcast(data + o, detail::as_count(p), datatype<V>(), root, comm_),
                          "MPI_Bcast");
          });
      if constexpr (!NativeVector<T>) {
        if (rank_ != root) value = detail::decode_value<T>(bytes);
      }
    }
  }
}

template <Native T>
void Communicator::bcast(std::span<T> data, int root) const {
  agree("bcast", static_cast<std::int64_t>(data.size()), root);
  check_root(root, "bcast");
  detail::for_each_piece(data.size(), detail::message_limit(), [&](std::size_t o, std::size_t p) {
    detail::check(MPI_Bcast(data.data() + o, detail::as_count(p), datatype<T>(), root, comm_),
                  "MPI_Bcast");
  });
}

template <NativeRange R>
std::vector<element_t<R>> Communicator::scatter(const R& send, int root) const {
  using V = element_t<R>;
  agree("scatter", -1, root);
  check_root(root, "scatter");
  std::uint64_t n = rank_ == root ? std::ranges::size(send) : 0;
  detail::check(MPI_Bcast(&n, 1, MPI_UINT64_T, root, comm_), "MPI_Bcast");
  const auto ranks = static_cast<std::uint64_t>(size_);
  if (n % ranks != 0) detail::throw_not_divisible("scatter", n, size_);
  const auto k = static_cast<std::size_t>(n / ranks);
  std::vector<V> out(k);
  const V* all = rank_ == root ? std::ranges::data(send) : nullptr;
  if (k < detail::message_limit()) {
    detail::check(MPI_Scatter(all, detail::as_count(k), datatype<V>(), out.data(),
                              detail::as_count(k), datatype<V>(), root, comm_),
                  "MPI_Scatter");
    return out;
  }
  const std::size_t width = std::max<std::size_t>(1, detail::message_limit() / ranks);
  std::vector<V> slots(rank_ == root ? width * ranks : 0);
  detail::for_each_piece(k, width, [&](std::size_t o, std::size_t p) {
    if (rank_ == root) detail::pack_windows(all, k, o, p, size_, slots.data());
    detail::check(MPI_Scatter(slots.data(), detail::as_count(p), datatype<V>(), out.data() + o,
                              detail::as_count(p), datatype<V>(), root, comm_),
                  "MPI_Scatter");
  });
  return out;
}

template <NativeRange R>
std::vector<element_t<R>> Communicator::scatterv(const R& send, std::span<const std::size_t> counts,
                                                 int root) const {
  using V = element_t<R>;
  agree("scatterv", -1, root);
  check_root(root, "scatterv");
  // Root's view of its arguments, checked on every rank so that all throw together.
  std::vector<std::uint64_t> header(3 + static_cast<std::size_t>(size_), 0);
  if (rank_ == root) {
    header[0] = counts.size();
    header[1] = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
    header[2] = std::ranges::size(send);
    if (counts.size() == static_cast<std::size_t>(size_)) {
      std::copy(counts.begin(), counts.end(), header.begin() + 3);
    }
  }
  detail::check(
      MPI_Bcast(header.data(), detail::as_count(header.size()), MPI_UINT64_T, root, comm_),
      "MPI_Bcast");
  if (header[0] != static_cast<std::uint64_t>(size_)) {
    throw std::invalid_argument("scatterv: root gave " + std::to_string(header[0]) +
                                " counts for " + std::to_string(size_) + " ranks");
  }
  if (header[1] != header[2]) {
    throw std::invalid_argument("scatterv: root's counts add up to " + std::to_string(header[1]) +
                                " elements, but it sends " + std::to_string(header[2]));
  }
  const std::vector<std::uint64_t> all(header.begin() + 3, header.end());
  std::vector<V> out(static_cast<std::size_t>(all[static_cast<std::size_t>(rank_)]));
  const V* data = rank_ == root ? std::ranges::data(send) : nullptr;
  std::vector<V> slots;
  detail::for_each_v_window(all, [&](const detail::VWindow& w, std::size_t o) {
    const V* from = data;
    if (rank_ == root) {
      slots.resize(w.total);
      for (std::size_t r = 0; r < all.size(); ++r) {
        std::copy_n(data + w.starts[r] + o, w.counts[r], slots.data() + w.displs[r]);
      }
      from = slots.data();
    }
    detail::check(
        MPI_Scatterv(from, w.counts.data(), w.displs.data(), datatype<V>(), out.data() + o,
                     w.counts[static_cast<std::size_t>(rank_)], datatype<V>(), root, comm_),
        "MPI_Scatterv");
  });
  return out;
}

template <class T>
std::vector<T> Communicator::gather(const T& value, int root) const {
  agree("gather", -1, root);
  check_root(root, "gather");
  if constexpr (Native<T>) {
    std::vector<T> out(rank_ == root ? static_cast<std::size_t>(size_) : 0);
    detail::check(MPI_Gather(&value, 1, datatype<T>(), out.data(), 1, datatype<T>(), root, comm_),
                  "MPI_Gather");
    return out;
  } else {
    return detail::gather_encoded(comm_, rank_, size_, value, root);
  }
}

template <NativeRange R>
std::vector<element_t<R>> Communicator::gatherv(const R& local, int root) const {
  agree("gatherv", -1, root);
  check_root(root, "gatherv");
  return detail::gatherv_native(comm_, rank_, size_, std::ranges::data(local),
                                std::ranges::size(local), root);
}

template <class T>
std::vector<T> Communicator::allgather(const T& value) const {
  if constexpr (Native<T>) {
    std::vector<T> out(static_cast<std::size_t>(size_));
    detail::check(MPI_Allgather(&value, 1, datatype<T>(), out.data(), 1, datatype<T>(), comm_),
                  "MPI_Allgather");
    return out;
  } else {
    return detail::gather_encoded(comm_, rank_, size_, value, -1);
  }
}

template <NativeRange R>
std::vector<element_t<R>> Communicator::allgatherv(const R& local) const {
  return detail::gatherv_native(comm_, rank_, size_, std::ranges::data(local),
                                std::ranges::size(local), -1);
}

template <NativeRange R>
std::vector<element_t<R>> Communicator::alltoall(const R& send) const {
  using V = element_t<R>;
  const std::size_t n = std::ranges::size(send);
  agree("alltoall", static_cast<std::int64_t>(n), 0);
  const auto ranks = static_cast<std::size_t>(size_);
  if (n % ranks != 0) detail::throw_not_divisible("alltoall", n, size_);
  const std::size_t k = n / ranks;
  std::vector<V> out(n);
  if (k < detail::message_limit()) {
    detail::check(MPI_Alltoall(std::ranges::data(send), detail::as_count(k), datatype<V>(),
                               out.data(), detail::as_count(k), datatype<V>(), comm_),
                  "MPI_Alltoall");
    return out;
  }
  const std::size_t width = std::max<std::size_t>(1, detail::message_limit() / ranks);
  std::vector<V> in_slots(width * ranks);
  std::vector<V> out_slots(width * ranks);
  detail::for_each_piece(k, width, [&](std::size_t o, std::size_t p) {
    detail::pack_windows(std::ranges::data(send), k, o, p, size_, in_slots.data());
    detail::check(MPI_Alltoall(in_slots.data(), detail::as_count(p), datatype<V>(),
                               out_slots.data(), detail::as_count(p), datatype<V>(), comm_),
                  "MPI_Alltoall");
    detail::unpack_windows(out_slots.data(), k, o, p, size_, out.data());
  });
  return out;
}

}  // namespace pardo::mpi

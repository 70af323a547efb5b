#pragma once
// Communicator's send, recv, sendrecv, isend and irecv.

#include <string>
#include <utility>

#include "pardo/core/detail/state.hpp"
#include "pardo/mpi/detail/transport.hpp"

namespace pardo::mpi {

namespace detail {

/// The bytes of an encodable object.
template <class T>
std::string encode_value(const T& value) {
  static_assert(pardo::Serializable<T>,
                "pardo::mpi: T is neither a native type, a range of them, nor encodable by "
                "pardo::wire");
  std::string bytes;
  wire::Writer out(bytes);
  wire::encode(out, value);
  return bytes;
}

template <class T>
T decode_value(std::string_view bytes) {
  wire::Reader in(bytes);
  T value = wire::decode<T>(in);
  in.expect_end();
  return value;
}

[[noreturn]] void throw_length_mismatch(const char* call, std::size_t expected, std::size_t actual,
                                        int source, int tag);

/// The MPI datatype a T arrives in: its own, its elements', or bytes when encoded.
template <class T>
MPI_Datatype arrival_type() {
  if constexpr (Native<T>) {
    return datatype<T>();
  } else if constexpr (NativeVector<T>) {
    return datatype<typename T::value_type>();
  } else {
    return MPI_BYTE;
  }
}

/// Receives the message whose first piece has matched as a T: a native value, a native
/// vector of any length, or an encoded object. Sets `count` to its elements (or bytes).
template <class T>
T receive_value(MPI_Comm comm, const Piece& first, const char* call, std::size_t& count) {
  const int source = first.status.MPI_SOURCE;
  const int tag = first.status.MPI_TAG;
  if constexpr (Native<T>) {
    T value{};
    const Received got = receive_rest(
        comm, first, arrival_type<T>(),
        [&](std::size_t at, std::size_t n) -> void* { return at + n <= 1 ? &value : nullptr; });
    if (!got.fitted || got.count != 1) throw_length_mismatch(call, 1, got.count, source, tag);
    count = 1;
    return value;
  } else {
    std::conditional_t<NativeVector<T>, T, std::string> buffer;
    count =
        receive_rest(comm, first, arrival_type<T>(), [&](std::size_t at, std::size_t n) -> void* {
          buffer.resize(at + n);
          return buffer.data() + at;
        }).count;
    if constexpr (NativeVector<T>) {
      return buffer;
    } else {
      return decode_value<T>(buffer);
    }
  }
}

/// The buffer an isend owns until MPI is done with it.
template <class T>
class SendOp final : public AsyncOp {
 public:
  SendOp(T value, pardo::detail::StateRef<pardo::detail::SharedState<void>> state)
      : value_(std::move(value)), state_(std::move(state)) {}

  void start(MPI_Comm comm, int dest, int tag) {
    if constexpr (Native<T>) {
      isend_pieces(comm, &value_, 1, datatype<T>(), dest, tag, requests_);
    } else if constexpr (NativeRange<T>) {
      isend_pieces(comm, std::ranges::data(value_), std::ranges::size(value_),
                   datatype<element_t<T>>(), dest, tag, requests_);
    } else {
      bytes_ = encode_value(value_);
      isend_pieces(comm, bytes_.data(), bytes_.size(), MPI_BYTE, dest, tag, requests_);
    }
  }

  bool progress() override {
    int done = 0;
    const int rc = MPI_Testall(static_cast<int>(requests_.size()), requests_.data(), &done,
                               MPI_STATUSES_IGNORE);
    if (rc != MPI_SUCCESS) {
      try {
        check(rc, "MPI_Testall (isend)");
      } catch (...) {
        state_->set_exception(std::current_exception());
      }
      return true;
    }
    if (done == 0) return false;
    state_->set_value();
    return true;
  }

  void abandon(std::exception_ptr error) noexcept override {
    for (MPI_Request& r : requests_) {
      if (r != MPI_REQUEST_NULL) MPI_Request_free(&r);
    }
    state_->set_exception(std::move(error));
  }

 private:
  T value_;
  std::string bytes_;
  std::vector<MPI_Request> requests_;
  pardo::detail::StateRef<pardo::detail::SharedState<void>> state_;
};

/// A receive the progress thread polls for; once its first piece has matched, the rest of
/// the message is on its way and is received at once.
template <class T>
class RecvOp final : public AsyncOp {
 public:
  RecvOp(MPI_Comm comm, int source, int tag,
         pardo::detail::StateRef<pardo::detail::SharedState<T>> state)
      : comm_(comm), source_(source), tag_(tag), state_(std::move(state)) {}

  bool progress() override {
    try {
      Piece first;
      if (!poll_piece(comm_, source_, tag_, arrival_type<T>(), first)) return false;
      std::size_t count = 0;
      state_->set_value(receive_value<T>(comm_, first, "irecv", count));
    } catch (...) {
      state_->set_exception(std::current_exception());
    }
    return true;
  }

  void abandon(std::exception_ptr error) noexcept override {
    state_->set_exception(std::move(error));
  }

 private:
  MPI_Comm comm_;
  int source_;
  int tag_;
  pardo::detail::StateRef<pardo::detail::SharedState<T>> state_;
};

}  // namespace detail

template <class T>
void Communicator::send(const T& value, int dest, int tag) const {
  if constexpr (Native<T>) {
    detail::send_pieces(comm_, &value, 1, datatype<T>(), dest, tag);
  } else if constexpr (NativeRange<T>) {
    detail::send_pieces(comm_, std::ranges::data(value), std::ranges::size(value),
                        datatype<element_t<T>>(), dest, tag);
  } else {
    const std::string bytes = detail::encode_value(value);
    detail::send_pieces(comm_, bytes.data(), bytes.size(), MPI_BYTE, dest, tag);
  }
}

template <class T>
T Communicator::recv(int source, int tag, Status* status) const {
  const detail::Piece first = detail::probe_piece(comm_, source, tag, detail::arrival_type<T>());
  std::size_t count = 0;
  T value = detail::receive_value<T>(comm_, first, "recv", count);
  if (status != nullptr) *status = {first.status.MPI_SOURCE, first.status.MPI_TAG, count};
  return value;
}

template <Native T>
Status Communicator::recv_into(std::span<T> out, int source, int tag) const {
  const detail::Received got = detail::receive_message(
      comm_, source, tag, datatype<T>(), [&](std::size_t at, std::size_t n) -> void* {
        return at + n <= out.size() ? out.data() + at : nullptr;
      });
  if (source != proc_null && (!got.fitted || got.count != out.size())) {
    detail::throw_length_mismatch("recv_into", out.size(), got.count, source, tag);
  }
  return {source, tag, got.count};
}

template <NativeRange S, Native T>
void Communicator::sendrecv(const S& send, int dest, std::span<T> recv, int source, int tag) const {
  const std::size_t n = std::ranges::size(send);
  const std::size_t limit = detail::message_limit();
  if (n < limit && recv.size() < limit) {
    MPI_Status status;
    detail::check(
        MPI_Sendrecv(std::ranges::data(send), detail::as_count(n), datatype<element_t<S>>(), dest,
                     tag, recv.data(), detail::as_count(recv.size()), datatype<T>(), source, tag,
                     comm_, &status),
        "MPI_Sendrecv");
    int got = 0;
    MPI_Get_count(&status, datatype<T>(), &got);
    if (source != proc_null && static_cast<std::size_t>(got) != recv.size()) {
      detail::throw_length_mismatch("sendrecv", recv.size(), static_cast<std::size_t>(got),
                                    status.MPI_SOURCE, tag);
    }
    return;
  }
  std::vector<MPI_Request> requests;
  detail::isend_pieces(comm_, std::ranges::data(send), n, datatype<element_t<S>>(), dest, tag,
                       requests);
  std::exception_ptr error;
  try {
    if (source != proc_null) recv_into(recv, source, tag);
  } catch (...) {
    error = std::current_exception();
  }
  detail::check(
      MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE),
      "MPI_Waitall (sendrecv)");
  if (error) std::rethrow_exception(error);
}

template <class T>
Future<void> Communicator::isend(T value, int dest, int tag) const {
  detail::require_thread_multiple("isend");
  auto ref = pardo::detail::StateRef<pardo::detail::SharedState<void>>(
      new pardo::detail::SharedState<void>());
  Future<void> future = pardo::detail::make_future(ref);
  ref->try_start();
  auto op = std::make_unique<detail::SendOp<T>>(std::move(value), std::move(ref));
  op->start(comm_, dest, tag);
  detail::post(std::move(op));
  return future;
}

template <class T>
Future<T> Communicator::irecv(int source, int tag) const {
  detail::require_thread_multiple("irecv");
  auto ref =
      pardo::detail::StateRef<pardo::detail::SharedState<T>>(new pardo::detail::SharedState<T>());
  Future<T> future = pardo::detail::make_future(ref);
  ref->try_start();
  detail::post(std::make_unique<detail::RecvOp<T>>(comm_, source, tag, std::move(ref)));
  return future;
}

}  // namespace pardo::mpi

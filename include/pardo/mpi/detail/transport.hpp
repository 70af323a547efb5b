#pragma once
// Messages of any length: pieces of at most MPI's int count, and the asynchronous engine
// that completes isend and irecv futures.

#include "pardo/mpi/detail/mpi_h.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pardo/mpi/error.hpp"

namespace pardo::mpi::detail {

/// The most elements in one MPI call: INT_MAX, lowered by tests to exercise splitting.
std::size_t message_limit() noexcept;
/// Sets message_limit() (at least 1); every rank must set the same value.
void set_message_limit(std::size_t limit);

/// `n` as an MPI count; callers split messages so that it fits.
inline int as_count(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument("MPI count " + std::to_string(n) + " exceeds INT_MAX");
  }
  return static_cast<int>(n);
}

/// Calls f(offset, length) for consecutive pieces of at most `limit` elements.
template <class F>
void for_each_piece(std::size_t n, std::size_t limit, F&& f) {
  for (std::size_t o = 0; o < n; o += limit) f(o, std::min(limit, n - o));
}

/// Sends `count` elements as pieces: a piece of exactly message_limit() elements means that
/// another follows, so a message of any length ends with a shorter (maybe empty) piece.
void send_pieces(MPI_Comm comm, const void* data, std::size_t count, MPI_Datatype type, int dest,
                 int tag);

/// The same with MPI_Isend; appends a request per piece.
void isend_pieces(MPI_Comm comm, const void* data, std::size_t count, MPI_Datatype type, int dest,
                  int tag, std::vector<MPI_Request>& requests);

/// One matched piece of an incoming message.
struct Piece {
  MPI_Message message = MPI_MESSAGE_NULL;
  MPI_Status status{};
  std::size_t count = 0;
};

/// Blocks until a piece matches (MPI_Mprobe) and counts its elements of `type`.
Piece probe_piece(MPI_Comm comm, int source, int tag, MPI_Datatype type);
/// Polls for a piece (MPI_Improbe); false if none has arrived.
bool poll_piece(MPI_Comm comm, int source, int tag, MPI_Datatype type, Piece& piece);
/// Receives a matched piece into `into`, which holds room for piece.count elements.
void receive_piece(Piece& piece, void* into, MPI_Datatype type);
/// Receives and discards a matched piece and the pieces that follow it; returns their
/// element count.
std::size_t drain_message(MPI_Comm comm, Piece& piece, MPI_Datatype type);

/// A whole message received: its length, and whether it fitted where it was asked to go.
struct Received {
  std::size_t count = 0;
  bool fitted = true;
};

/// Receives the message whose first piece has matched into a buffer that
/// `room(offset, count)` extends and returns a pointer into, or nullptr if it has no room:
/// then the rest is drained and `fitted` is false. The later pieces come from the first
/// one's source and tag, which are already on their way.
template <class Room>
Received receive_rest(MPI_Comm comm, Piece piece, MPI_Datatype type, Room&& room) {
  const int source = piece.status.MPI_SOURCE;
  std::size_t total = 0;
  for (;;) {
    void* into = room(total, piece.count);
    if (into == nullptr) return {total + drain_message(comm, piece, type), false};
    receive_piece(piece, into, type);
    total += piece.count;
    if (piece.count < message_limit() || source == MPI_PROC_NULL) return {total, true};
    piece = probe_piece(comm, source, piece.status.MPI_TAG, type);
  }
}

/// Waits for a message and receives it as receive_rest does; `source` and `tag` become the
/// matched ones.
template <class Room>
Received receive_message(MPI_Comm comm, int& source, int& tag, MPI_Datatype type, Room&& room) {
  const Piece first = probe_piece(comm, source, tag, type);
  source = first.status.MPI_SOURCE;
  tag = first.status.MPI_TAG;
  return receive_rest(comm, first, type, std::forward<Room>(room));
}

/// Something the progress thread drives to completion: an isend's requests or an irecv.
class AsyncOp {
 public:
  AsyncOp() = default;
  AsyncOp(const AsyncOp&) = delete;
  AsyncOp& operator=(const AsyncOp&) = delete;
  virtual ~AsyncOp() = default;
  /// Advances the operation; true once it has finished and set its future.
  virtual bool progress() = 0;
  /// Fails the future: MPI is being finalised.
  virtual void abandon(std::exception_ptr error) noexcept = 0;
};

/// Hands `op` to the progress thread (started on first use); the caller has checked
/// require_thread_multiple before starting the operation.
void post(std::unique_ptr<AsyncOp> op);

/// Throws std::logic_error naming `call` unless MPI provides ThreadLevel::multiple.
void require_thread_multiple(const char* call);

/// Stops the progress thread, failing what is still pending; called before MPI_Finalize.
void stop_progress() noexcept;

}  // namespace pardo::mpi::detail

// Communicator's non-template members and the message transport.

#include "pardo/mpi/communicator.hpp"

#include <atomic>
#include <climits>
#include <stdexcept>
#include <string>

namespace pardo::mpi {

namespace detail {

namespace {
std::atomic<std::size_t> limit{static_cast<std::size_t>(INT_MAX)};

std::string rank_name(int rank) {
  return rank == MPI_PROC_NULL ? std::string("MPI_PROC_NULL") : "rank " + std::to_string(rank);
}
}  // namespace

void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(rc, text, &length) != MPI_SUCCESS) length = 0;
  int error_class = rc;
  MPI_Error_class(rc, &error_class);
  throw Error(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(length)),
              rc, error_class);
}

std::size_t message_limit() noexcept { return limit.load(std::memory_order_relaxed); }

void set_message_limit(std::size_t value) {
  if (value == 0 || value > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument("set_message_limit: " + std::to_string(value) +
                                " is outside [1, INT_MAX]");
  }
  limit.store(value, std::memory_order_relaxed);
}

namespace {
template <class Post>
void for_each_send_piece(std::size_t count, Post&& post) {
  const std::size_t most = message_limit();
  if (count < most) {
    post(0, count);
    return;
  }
  std::size_t o = 0;
  for (; count - o >= most; o += most) post(o, most);
  post(o, count - o);  // shorter than a full piece, maybe empty: the end of the message
}
}  // namespace

void send_pieces(MPI_Comm comm, const void* data, std::size_t count, MPI_Datatype type, int dest,
                 int tag) {
  int size = 0;
  MPI_Type_size(type, &size);
  const auto* bytes = static_cast<const char*>(data);
  for_each_send_piece(count, [&](std::size_t o, std::size_t n) {
    check(MPI_Send(bytes + o * static_cast<std::size_t>(size), as_count(n), type, dest, tag, comm),
          "MPI_Send");
  });
}

void isend_pieces(MPI_Comm comm, const void* data, std::size_t count, MPI_Datatype type, int dest,
                  int tag, std::vector<MPI_Request>& requests) {
  int size = 0;
  MPI_Type_size(type, &size);
  const auto* bytes = static_cast<const char*>(data);
  for_each_send_piece(count, [&](std::size_t o, std::size_t n) {
    MPI_Request request = MPI_REQUEST_NULL;
    check(MPI_Isend(bytes + o * static_cast<std::size_t>(size), as_count(n), type, dest, tag, comm,
                    &request),
          "MPI_Isend");
    requests.push_back(request);
  });
}

namespace {
std::size_t count_of(const MPI_Status& status, MPI_Datatype type, int source) {
  if (source == MPI_PROC_NULL) return 0;
  int n = 0;
  check(MPI_Get_count(&status, type, &n), "MPI_Get_count");
  if (n == MPI_UNDEFINED) {
    throw std::invalid_argument("recv: the message from " + rank_name(source) +
                                " is not a whole number of elements of the expected type");
  }
  return static_cast<std::size_t>(n);
}
}  // namespace

Piece probe_piece(MPI_Comm comm, int source, int tag, MPI_Datatype type) {
  Piece piece;
  check(MPI_Mprobe(source, tag, comm, &piece.message, &piece.status), "MPI_Mprobe");
  if (source == MPI_PROC_NULL) piece.status.MPI_SOURCE = MPI_PROC_NULL;
  piece.count = count_of(piece.status, type, piece.status.MPI_SOURCE);
  return piece;
}

bool poll_piece(MPI_Comm comm, int source, int tag, MPI_Datatype type, Piece& piece) {
  int flag = 0;
  check(MPI_Improbe(source, tag, comm, &flag, &piece.message, &piece.status), "MPI_Improbe");
  if (flag == 0) return false;
  if (source == MPI_PROC_NULL) piece.status.MPI_SOURCE = MPI_PROC_NULL;
  piece.count = count_of(piece.status, type, piece.status.MPI_SOURCE);
  return true;
}

void receive_piece(Piece& piece, void* into, MPI_Datatype type) {
  check(MPI_Mrecv(into, as_count(piece.count), type, &piece.message, MPI_STATUS_IGNORE),
        "MPI_Mrecv");
}

std::size_t drain_message(MPI_Comm comm, Piece& piece, MPI_Datatype type) {
  int size = 0;
  MPI_Type_size(type, &size);
  std::size_t total = 0;
  std::vector<char> sink;
  for (;;) {
    sink.resize(piece.count * static_cast<std::size_t>(size));
    check(MPI_Mrecv(sink.data(), as_count(piece.count), type, &piece.message, MPI_STATUS_IGNORE),
          "MPI_Mrecv");
    total += piece.count;
    if (piece.count < message_limit() || piece.status.MPI_SOURCE == MPI_PROC_NULL) return total;
    piece = probe_piece(comm, piece.status.MPI_SOURCE, piece.status.MPI_TAG, type);
  }
}

void throw_length_mismatch(const char* call, std::size_t expected, std::size_t actual, int source,
                           int tag) {
  throw std::invalid_argument(std::string(call) + ": expected " + std::to_string(expected) +
                              (expected == 1 ? " element" : " elements") + ", the message from " +
                              rank_name(source) + " (tag " + std::to_string(tag) + ") has " +
                              std::to_string(actual));
}

void throw_not_divisible(const char* call, std::size_t n, int ranks) {
  throw std::invalid_argument(std::string(call) + ": " + std::to_string(n) +
                              " elements do not divide into " + std::to_string(ranks) +
                              " equal blocks");
}

VWindow v_window(const std::vector<std::uint64_t>& counts, std::size_t o, std::size_t p) {
  VWindow w;
  w.counts.resize(counts.size());
  w.displs.resize(counts.size());
  w.starts.resize(counts.size());
  std::size_t start = 0;
  for (std::size_t r = 0; r < counts.size(); ++r) {
    const auto c = static_cast<std::size_t>(counts[r]);
    const std::size_t n = c > o ? std::min(p, c - o) : 0;
    w.counts[r] = as_count(n);
    w.displs[r] = as_count(w.total);
    w.starts[r] = start;
    w.total += n;
    start += c;
  }
  return w;
}

std::vector<std::uint64_t> allgather_counts(MPI_Comm comm, int ranks, std::size_t mine) {
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(ranks));
  const std::uint64_t n = mine;
  check(MPI_Allgather(&n, 1, MPI_UINT64_T, counts.data(), 1, MPI_UINT64_T, comm), "MPI_Allgather");
  return counts;
}

}  // namespace detail

Communicator::Communicator(MPI_Comm comm) : Communicator(comm, nullptr) {}

Communicator::Communicator(MPI_Comm comm, std::shared_ptr<MPI_Comm> owner)
    : comm_(comm), owner_(std::move(owner)) {
  if (comm == MPI_COMM_NULL) throw std::invalid_argument("Communicator: MPI_COMM_NULL");
  detail::check(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  detail::check(MPI_Comm_rank(comm, &rank_), "MPI_Comm_rank");
  detail::check(MPI_Comm_size(comm, &size_), "MPI_Comm_size");
}

Communicator Communicator::unchecked() const {
  Communicator view = *this;
  view.checks_ = Checks::local;
  return view;
}

void Communicator::barrier() const { detail::check(MPI_Barrier(comm_), "MPI_Barrier"); }

namespace {
std::shared_ptr<MPI_Comm> own(MPI_Comm comm) {
  return std::shared_ptr<MPI_Comm>(new MPI_Comm(comm), [](MPI_Comm* c) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized == 0) MPI_Comm_free(c);
    delete c;
  });
}
}  // namespace

Communicator Communicator::dup() const {
  MPI_Comm copy = MPI_COMM_NULL;
  detail::check(MPI_Comm_dup(comm_, &copy), "MPI_Comm_dup");
  Communicator result(copy, own(copy));
  result.checks_ = checks_;
  return result;
}

std::optional<Communicator> Communicator::split(int color, int key) const {
  if (color < 0 && color != undefined) {
    throw std::invalid_argument("split: colour " + std::to_string(color) +
                                " is negative and not mpi::undefined");
  }
  MPI_Comm part = MPI_COMM_NULL;
  detail::check(MPI_Comm_split(comm_, color, key, &part), "MPI_Comm_split");
  if (part == MPI_COMM_NULL) return std::nullopt;
  Communicator result(part, own(part));
  result.checks_ = checks_;
  return result;
}

void Communicator::check_root(int root, const char* call) const {
  if (root < 0 || root >= size_) {
    throw std::invalid_argument(std::string(call) + ": root " + std::to_string(root) +
                                " is outside [0, " + std::to_string(size_) + ")");
  }
}

void Communicator::agree(const char* call, std::int64_t count, int root) const {
  if (checks_ != Checks::collective || size_ == 1) return;
  // One allreduce of the largest and, negated, the smallest value of each argument.
  std::int64_t mine[4] = {count, -count, root, -static_cast<std::int64_t>(root)};
  std::int64_t most[4];
  detail::check(MPI_Allreduce(mine, most, 4, MPI_INT64_T, MPI_MAX, comm_), "MPI_Allreduce");
  if (count >= 0 && most[0] != -most[1]) {
    throw std::invalid_argument(std::string(call) + ": ranks disagree on the count: from " +
                                std::to_string(-most[1]) + " to " + std::to_string(most[0]) +
                                " elements (this rank: " + std::to_string(count) + ")");
  }
  if (most[2] != -most[3]) {
    throw std::invalid_argument(std::string(call) + ": ranks disagree on the root: from " +
                                std::to_string(-most[3]) + " to " + std::to_string(most[2]) +
                                " (this rank: " + std::to_string(root) + ")");
  }
}

}  // namespace pardo::mpi

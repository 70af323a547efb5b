#pragma once
// What the MPI tests share: the world communicator of the test program.

#include <pardo/mpi.hpp>

namespace pardo::mpi::testing {

/// MPI_COMM_WORLD of this test run (set up in main.cpp).
const Communicator& world();

/// Lowers the message limit for one scope, on every rank, so that splitting is exercised.
class MessageLimit {
 public:
  explicit MessageLimit(std::size_t limit) : saved_(detail::message_limit()) {
    detail::set_message_limit(limit);
  }
  MessageLimit(const MessageLimit&) = delete;
  MessageLimit& operator=(const MessageLimit&) = delete;
  ~MessageLimit() { detail::set_message_limit(saved_); }

 private:
  std::size_t saved_;
};

}  // namespace pardo::mpi::testing

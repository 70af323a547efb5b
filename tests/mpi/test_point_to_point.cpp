// Point to point: values, vectors and encoded objects, lengths, splitting, futures.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "mpi_support.hpp"

namespace {

using pardo::mpi::testing::MessageLimit;
using pardo::mpi::testing::world;

int next_rank() { return (world().rank() + 1) % world().size(); }
int previous_rank() { return (world().rank() + world().size() - 1) % world().size(); }

TEST(PointToPoint, RingOfValuesThroughSendrecv) {
  const auto& w = world();
  std::vector<int> got(1, -1);
  const std::vector<int> mine{10 * w.rank()};
  w.sendrecv(mine, next_rank(), std::span<int>(got), previous_rank(), 3);
  EXPECT_EQ(got[0], 10 * previous_rank());
}

TEST(PointToPoint, SendAndReceiveValueVectorAndEncodedMap) {
  const auto& w = world();
  if (w.size() < 2) GTEST_SKIP() << "needs two ranks";
  if (w.rank() == 0) {
    w.send(2.5, 1, 1);
    w.send(std::vector<double>{1, 2, 3, 4, 5}, 1, 2);
    w.send(std::map<std::string, int>{{"a", 1}, {"b", 2}}, 1, 3);
  } else if (w.rank() == 1) {
    pardo::mpi::Status status;
    EXPECT_EQ(w.recv<double>(0, 1, &status), 2.5);
    EXPECT_EQ(status.source, 0);
    EXPECT_EQ(status.tag, 1);
    EXPECT_EQ(w.recv<std::vector<double>>(0, 2, &status), (std::vector<double>{1, 2, 3, 4, 5}));
    EXPECT_EQ(status.count, 5u);
    EXPECT_EQ((w.recv<std::map<std::string, int>>(pardo::mpi::any_source, 3)),
              (std::map<std::string, int>{{"a", 1}, {"b", 2}}));
  }
}

TEST(PointToPoint, WrongLengthThrowsNamingBothCountsAndConsumesTheMessage) {
  const auto& w = world();
  if (w.size() < 2) GTEST_SKIP() << "needs two ranks";
  if (w.rank() == 0) {
    w.send(std::vector<int>{1, 2, 3, 4, 5}, 1, 4);
    w.send(std::vector<int>{7, 8, 9}, 1, 4);
    w.send(std::vector<int>{1, 2}, 1, 5);
  } else if (w.rank() == 1) {
    std::vector<int> three(3);
    try {
      w.recv_into(std::span<int>(three), 0, 4);
      ADD_FAILURE() << "no exception";
    } catch (const std::invalid_argument& e) {
      EXPECT_STREQ(e.what(),
                   "recv_into: expected 3 elements, the message from rank 0 (tag 4) has 5");
    }
    w.recv_into(std::span<int>(three), 0, 4);
    EXPECT_EQ(three, (std::vector<int>{7, 8, 9}));
    EXPECT_THROW(w.recv<int>(0, 5), std::invalid_argument);
  }
}

TEST(PointToPoint, MessagesLongerThanTheLimitArriveWhole) {
  const auto& w = world();
  if (w.size() < 2) GTEST_SKIP() << "needs two ranks";
  MessageLimit limit(7);
  const std::vector<std::size_t> lengths{0, 6, 7, 14, 100};
  for (const std::size_t n : lengths) {
    std::vector<double> data(n);
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<double>(i) * 0.5;
    const std::string text(n * 3 + 1, 'x');
    if (w.rank() == 0) {
      w.send(data, 1, 9);
      w.send(text, 1, 9);
    } else if (w.rank() == 1) {
      EXPECT_EQ(w.recv<std::vector<double>>(0, 9), data) << n;
      EXPECT_EQ(w.recv<std::string>(0, 9), text) << n;
    }
  }
}

TEST(PointToPoint, SendrecvWithProcNullAtTheEndsOfAChain) {
  const auto& w = world();
  const int up = w.rank() + 1 < w.size() ? w.rank() + 1 : pardo::mpi::proc_null;
  const int down = w.rank() > 0 ? w.rank() - 1 : pardo::mpi::proc_null;
  std::vector<double> halo(4, -1.0);
  const std::vector<double> row(4, static_cast<double>(w.rank()));
  w.sendrecv(row, up, std::span<double>(halo), down);
  const double expected = w.rank() > 0 ? static_cast<double>(w.rank() - 1) : -1.0;
  EXPECT_EQ(halo, std::vector<double>(4, expected));
}

TEST(PointToPoint, SendrecvAboveTheLimit) {
  const auto& w = world();
  MessageLimit limit(5);
  std::vector<long> mine(23);
  for (std::size_t i = 0; i < mine.size(); ++i) mine[i] = w.rank() * 1000 + static_cast<long>(i);
  std::vector<long> got(23);
  w.sendrecv(mine, next_rank(), std::span<long>(got), previous_rank(), 11);
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], previous_rank() * 1000 + static_cast<long>(i));
  }
}

TEST(PointToPoint, IsendAndIrecvFuturesAroundARing) {
  const auto& w = world();
  MessageLimit limit(16);
  pardo::Future<std::vector<int>> incoming = w.irecv<std::vector<int>>(previous_rank(), 21);
  pardo::Future<std::string> note = w.irecv<std::string>(previous_rank(), 22);
  std::vector<int> block(50, w.rank());
  pardo::Future<void> sent = w.isend(std::move(block), next_rank(), 21);
  pardo::Future<void> sent_note =
      w.isend(std::string("from ") + std::to_string(w.rank()), next_rank(), 22);
  EXPECT_EQ(incoming.get(), std::vector<int>(50, previous_rank()));
  EXPECT_EQ(note.get(), "from " + std::to_string(previous_rank()));
  sent.get();
  sent_note.get();
  EXPECT_FALSE(incoming.cancel());
}

TEST(PointToPoint, IrecvOfTheWrongLengthFailsOnItsFuture) {
  const auto& w = world();
  pardo::Future<int> one = w.irecv<int>(previous_rank(), 23);
  w.isend(std::vector<int>{1, 2}, next_rank(), 23).get();
  EXPECT_THROW(one.get(), std::invalid_argument);
}

TEST(PointToPoint, AnInvalidRankIsAnMpiError) {
  const auto& w = world();
  try {
    w.send(1, w.size() + 5, 0);
    ADD_FAILURE() << "no exception";
  } catch (const pardo::mpi::Error& e) {
    EXPECT_EQ(e.error_class(), MPI_ERR_RANK);
    EXPECT_NE(std::string(e.what()).find("MPI_Send failed"), std::string::npos) << e.what();
  }
}

}  // namespace

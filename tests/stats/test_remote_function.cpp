// RemoteFunction: a registered function that travels to a worker as its id and is called
// there directly.

#include <gmock/gmock.h>

#include <pardo/remote/remote_function.hpp>
#include <pardo/stats/descriptive.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "stats_support.hpp"

namespace {

using Statistic = pardo::RemoteFunction<double(std::span<const double>)>;

double spread(std::span<const double> x) { return x.back() - x.front(); }
PARDO_REMOTE_FUNCTION(spread);

double unregistered(std::span<const double> x) { return x.front(); }

double twice(double x) { return 2 * x; }
PARDO_REMOTE_FUNCTION(twice);

struct Task {
  Statistic statistic;
  std::vector<double> data;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(statistic, data);
  }
};

// Runs in the worker: the handle arrives as an id and is called there.
double apply(Task task) { return task.statistic(task.data); }
PARDO_REMOTE(apply);

TEST(RemoteFunction, CallsTheFunctionInThisProcess) {
  const Statistic s(spread);
  const std::vector<double> x{1, 4, 9};
  EXPECT_EQ(s(x), 8.0);
  EXPECT_EQ(s.get(), &spread);
  EXPECT_EQ(s.name(), "spread");
  EXPECT_TRUE(static_cast<bool>(s));
}

TEST(RemoteFunction, TravelsInsideATaskToWorkerProcesses) {
  for (const std::size_t workers : {std::size_t{1}, std::size_t{2}, std::size_t{8}}) {
    pardo::ProcessPool pool(workers);
    const std::vector<Task> tasks{{Statistic(spread), {1, 2, 10}},
                                  {Statistic(pardo::stats::mean), {1, 2, 3}},
                                  {Statistic(pardo::stats::median), {5, 1, 3}}};
    EXPECT_THAT(pool.map(apply, tasks), ::testing::ElementsAre(9.0, 2.0, 3.0))
        << workers << " workers";
  }
}

TEST(RemoteFunction, RoundTripsThroughTheWireFormat) {
  std::string bytes;
  pardo::wire::Writer out(bytes);
  pardo::wire::encode(out, Statistic(pardo::stats::std_dev));
  pardo::wire::Reader in(bytes);
  const auto back = pardo::wire::decode<Statistic>(in);
  EXPECT_EQ(back.get(), &pardo::stats::std_dev);
}

TEST(RemoteFunction, AnUnregisteredFunctionIsRejectedByName) {
  EXPECT_THAT([] { Statistic s(unregistered); },
              ::testing::ThrowsMessage<std::invalid_argument>(
                  ::testing::HasSubstr("PARDO_REMOTE_FUNCTION(its_name)")));
  EXPECT_THROW(Statistic(nullptr), std::invalid_argument);
}

TEST(RemoteFunction, AnUnknownIdOrAnotherSignatureFailsToDecode) {
  EXPECT_THAT([] { (void)Statistic::from_id(12345); },
              ::testing::ThrowsMessage<pardo::SerializationError>(
                  ::testing::HasSubstr("unknown remote function id 12345")));
  const pardo::RemoteFunction<double(double)> other(twice);
  EXPECT_THAT([&] { (void)Statistic::from_id(other.id()); },
              ::testing::ThrowsMessage<pardo::SerializationError>(
                  ::testing::HasSubstr("'twice' has another signature")));
}

TEST(RemoteFunction, AnEmptyHandleRefusesToBeCalled) {
  const Statistic empty;
  EXPECT_FALSE(static_cast<bool>(empty));
  EXPECT_THROW(empty(std::vector<double>{1.0}), std::logic_error);
}

}  // namespace

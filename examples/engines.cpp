// The interactive style of IPython parallel on worker processes: start the engines once,
// scatter a data set among them, push a value to all, run code on all or on one, pull the
// results back and gather what the engines left. Every engine keeps its own named values
// between calls (pardo::worker_value), so each call sends only what is new.
//
//   engines [workers]
//
// Only the split of the data depends on the number of workers: the count of outliers is the
// same on any number, and the moments agree to rounding.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <pardo/pardo.hpp>
#include <string>
#include <vector>

namespace {

struct Moments {
  double count = 0;
  double sum = 0;
  double sum_squares = 0;
};

/// This engine's moments of its part of the data, kept under "moments".
void compute_moments(std::size_t) {
  Moments m;
  for (const double x : pardo::worker_value<std::vector<double>>("part")) {
    m.count += 1;
    m.sum += x;
    m.sum_squares += x * x;
  }
  pardo::set_worker_value("moments", m);
}
PARDO_REMOTE(compute_moments);

/// How many values of this engine's part lie above the pushed "threshold"; the part is
/// replaced by those values.
std::size_t keep_outliers(std::size_t) {
  const double threshold = pardo::worker_value<double>("threshold");
  auto& part = pardo::worker_value<std::vector<double>>("part");
  std::erase_if(part, [&](double x) { return x <= threshold; });
  return part.size();
}
PARDO_REMOTE(keep_outliers);

std::string hello(std::size_t worker) {
  return "engine " + std::to_string(worker) + " holds " +
         std::to_string(pardo::worker_value<std::vector<double>>("part").size()) + " outliers";
}
PARDO_REMOTE(hello);

}  // namespace

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  const int workers = argc > 1 ? std::atoi(argv[1]) : 2;
  if (workers < 1 || workers > 64) {
    std::fprintf(stderr, "engines: workers must be 1 to 64, not %s\n", argv[1]);
    return 2;
  }
  pardo::ProcessPool engines(static_cast<std::size_t>(workers));

  std::vector<double> data(200'000);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = std::sin(0.001 * static_cast<double>(i * i));
  engines.scatter("part", data);  // engine w gets the w-th contiguous part

  engines.on_each_worker(compute_moments);  // run on all
  Moments total;
  for (const Moments& m : engines.pull<Moments>("moments")) {
    total.count += m.count;
    total.sum += m.sum;
    total.sum_squares += m.sum_squares;
  }
  const double mean = total.sum / total.count;
  const double sd = std::sqrt(total.sum_squares / total.count - mean * mean);
  std::printf("mean %.6f, standard deviation %.6f over %.0f values\n", mean, sd, total.count);

  engines.push("threshold", mean + 1.4 * sd);  // the same value on every engine
  std::size_t outliers = 0;
  for (const std::size_t n : engines.on_each_worker(keep_outliers)) outliers += n;
  const std::vector<double> kept = engines.gather<double>("part");  // in data order
  std::printf("%zu values above mean + 1.4 sd; the first at %.6f\n", outliers, kept.at(0));
  std::printf("%s\n", engines.on_worker(0, hello, std::size_t{0}).get().c_str());  // run on one
  return kept.size() == outliers ? 0 : 1;
}

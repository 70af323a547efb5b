// The birthday problem on threads and on worker processes: the same estimate, bit for bit.
#include <cstdio>
#include <pardo/pardo.hpp>

#include "birthday.hpp"

int main(int argc, char** argv) {
  pardo::init(argc, argv);  // a worker process runs its loop here and never returns
  const birthday::Options options{.people = 23, .trials = 1'000'000};
  pardo::ThreadPool threads;
  pardo::ProcessPool processes(2);
  const birthday::Result a = birthday::estimate(threads, options);
  const birthday::Result b = birthday::estimate(processes, options);
  std::printf("P(shared birthday among %u) = %.5f +- %.5f (exact %.5f)\n", options.people,
              a.probability, a.std_error, birthday::exact(options.people));
  std::printf("threads %.3f s, processes %.3f s, same bits: %s\n", a.run.seconds, b.run.seconds,
              a.shared == b.shared ? "yes" : "no");
  return a.shared == b.shared ? 0 : 1;
}

// Built by tests/package/check.sh against an installed or embedded pardo, static or shared.
// Each part reaches one library: a ThreadPool (pardo_threads), a function registered here and
// run on worker processes that re-run this program (the registry is in pardo_remote), and a
// workload (pardo_workloads) giving the same bits on both.
#include <pardo/mc/pi.hpp>
#include <pardo/pardo.hpp>
#include <vector>

int square(int x) { return x * x; }
PARDO_REMOTE(square);

int main(int argc, char** argv) {
  pardo::init(argc, argv);  // a worker process stops here
  pardo::ThreadPool threads(2);
  pardo::ProcessPool processes(2);
  const std::vector<int> xs{1, 2, 3};
  const std::vector<int> squares{1, 4, 9};
  if (threads.map([](int x) { return x * x; }, xs) != squares) return 1;
  if (processes.map(square, xs) != squares) return 2;
  const pardo::mc::PiOptions pi{.samples = 1'000'000, .seed = 7};
  const auto on_threads = pardo::mc::estimate_pi(threads, pi);
  const auto on_processes = pardo::mc::estimate_pi(processes, pi);
  return on_threads.hits == on_processes.hits && on_threads.run.complete ? 0 : 3;
}

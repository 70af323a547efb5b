// The Mandelbrot set with oneTBB: `parallel_for` over rows with its default (auto)
// partitioner, which splits the range and lets idle threads steal halves.
//
//   mandelbrot_tbb --width W --height H --max-iter N --region X0:X1:Y0:Y1 --workers T
//
// Prints one JSON line (peer.hpp) with the wall time of the drawing alone: the arena's
// threads are started by an empty parallel_for before the clock starts.
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "../peer.hpp"

int main(int argc, char** argv) {
  mandelbrot_peer::Args args;
  if (!mandelbrot_peer::parse_or_usage(argc, argv, args)) return 2;
  if (args.schedule != "static") {
    std::fprintf(stderr, "mandelbrot_tbb: --schedule does not apply (auto partitioner)\n");
    return 2;
  }
  const int workers = static_cast<int>(args.workers);
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, args.workers);
  tbb::task_arena arena(workers);
  arena.execute([&] { tbb::parallel_for(0, 4 * workers, [](int) {}); });

  std::vector<std::uint32_t> counts(args.width * args.height);
  const auto start = std::chrono::steady_clock::now();
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, args.height),
                      [&](const tbb::blocked_range<std::uint64_t>& rows) {
                        for (std::uint64_t j = rows.begin(); j != rows.end(); ++j) {
                          mandelbrot_peer::draw_row(args, j, counts.data() + j * args.width);
                        }
                      });
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  mandelbrot_peer::emit("tbb_parallel_for", workers, args, mandelbrot_peer::total(counts), seconds);
  return 0;
}

// The Mandelbrot set with OpenMP: the textbook `parallel for` over rows, with
// schedule(static) (equal blocks of rows: the rows through the set cost far more, so the
// threads finish unevenly) or schedule(dynamic) (one row at a time from a shared counter).
//
//   mandelbrot_omp --width W --height H --max-iter N --region X0:X1:Y0:Y1 --workers T
//                  --schedule static|dynamic
//
// Prints one JSON line (peer.hpp) with the wall time of the drawing alone: the thread team is
// started by an empty parallel region before the clock starts.
#include <omp.h>

#include "../peer.hpp"

int main(int argc, char** argv) {
  mandelbrot_peer::Args args;
  if (!mandelbrot_peer::parse_or_usage(argc, argv, args)) return 2;
  omp_set_dynamic(0);
  omp_set_num_threads(static_cast<int>(args.workers));
  omp_set_schedule(args.schedule == "dynamic" ? omp_sched_dynamic : omp_sched_static, 0);
  int team = 0;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
  }

  std::vector<std::uint32_t> counts(args.width * args.height);
  const auto rows = static_cast<std::int64_t>(args.height);
  const auto start = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(runtime)
  for (std::int64_t row = 0; row < rows; ++row) {
    const auto j = static_cast<std::uint64_t>(row);
    mandelbrot_peer::draw_row(args, j, counts.data() + j * args.width);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  mandelbrot_peer::emit("omp_" + args.schedule, team, args, mandelbrot_peer::total(counts),
                        seconds);
  return 0;
}

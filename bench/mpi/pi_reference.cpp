// Monte Carlo pi in plain MPI, as one would write it in C: the reference for
// `pardo pi --backend mpi` in bench/mpi/run.py.
//
//   mpirun -np 2 build/bin/bench_mpi_pi_reference --samples 2e9
//
// The same blocks as pardo: block b has min(block_samples, samples - b * block_samples)
// samples from stream (seed, b), counted by pardo's own kernel (pardo::mc::detail::
// count_block, simd by default), so the work per sample is identical and the hit count, and
// so the estimate, equal pardo's bit for bit. Distribution is static: rank r takes the
// contiguous blocks [r * blocks / size, (r + 1) * blocks / size). One MPI_Reduce of the hit
// counts to rank 0. Timed on rank 0 from after an MPI_Barrier to the end of the reduce;
// rank 0 prints one JSON object.

#include <mpi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pardo/mc/pi.hpp>

namespace {

/// "2e9" or "2000000000"; 0 if unparsable or below 1.
std::uint64_t parse_count(const char* text) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || value < 1 || value > 1.8e19) return 0;
  return static_cast<std::uint64_t>(value);
}

int usage() {
  std::fprintf(stderr,
               "usage: bench_mpi_pi_reference [--samples N] [--block-size N] [--seed S] "
               "[--method naive|batched|simd]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  pardo::mc::PiOptions options{.samples = 1'000'000'000,
                               .seed = 42,
                               .method = pardo::mc::PiMethod::simd,
                               .block_samples = std::uint64_t{1} << 22};
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--samples") == 0 && has_value) {
      options.samples = parse_count(argv[++i]);
    } else if (std::strcmp(argv[i], "--block-size") == 0 && has_value) {
      options.block_samples = parse_count(argv[++i]);
    } else if (std::strcmp(argv[i], "--seed") == 0 && has_value) {
      options.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--method") == 0 && has_value) {
      const auto method = pardo::mc::parse_pi_method(argv[++i]);
      if (!method) options.samples = 0;
      if (method) options.method = *method;
    } else {
      options.samples = 0;
    }
  }
  if (options.samples == 0 || options.block_samples == 0) {
    if (rank == 0) usage();
    MPI_Finalize();
    return 2;
  }

  const std::uint64_t blocks =
      options.samples / options.block_samples + (options.samples % options.block_samples ? 1 : 0);
  const auto ranks = static_cast<std::uint64_t>(size);
  const auto me = static_cast<std::uint64_t>(rank);
  const std::uint64_t first = me * blocks / ranks;
  const std::uint64_t last = (me + 1) * blocks / ranks;

  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime();
  std::uint64_t hits = 0;
  for (std::uint64_t b = first; b < last; ++b) hits += pardo::mc::detail::count_block(options, b);
  std::uint64_t total = 0;
  MPI_Reduce(&hits, &total, 1, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
  const double seconds = MPI_Wtime() - start;

  if (rank == 0) {
    const double estimate = 4.0 * static_cast<double>(total) / static_cast<double>(options.samples);
    std::printf(
        "{\"runtime\": \"c_mpi_reference\", \"ranks\": %d, \"samples\": %llu, "
        "\"block_samples\": %llu, \"seed\": %llu, \"method\": \"%s\", \"hits\": %llu, "
        "\"estimate\": %.12f, \"seconds\": %.6f, \"samples_per_ns\": %.6f}\n",
        size, static_cast<unsigned long long>(options.samples),
        static_cast<unsigned long long>(options.block_samples),
        static_cast<unsigned long long>(options.seed), pardo::mc::to_string(options.method).data(),
        static_cast<unsigned long long>(total), estimate, seconds,
        static_cast<double>(options.samples) / seconds / 1e9);
  }
  MPI_Finalize();
  return 0;
}

// pardo's side of bench/mpi/run.py: allreduce (sum of doubles) and bcast (root 0), raw MPI
// against pardo::mpi::Communicator, checked and unchecked(), in one run under mpirun.
//
//   mpirun -np 2 build/bin/bench_mpi_collectives --budget 0.5
//   mpirun -np 4 --oversubscribe build/bin/bench_mpi_collectives --ops bcast --budget 0.2
//
// Sizes: 8 B, 64 B, 512 B, ... (x8) up to --max-bytes, and --max-bytes itself (64 MiB).
// For each (op, size) every variant runs once and is checked, then untimed warm-up rounds
// (at least --warmup, about a tenth of --budget), then `reps` rounds. A round runs every
// variant once, in a fresh random order (the same on every rank), so drift and what the
// previous call left behind (caches, freed memory) fall on all variants alike. Rank 0 sets
// `reps` from the median warm-up round so that the rounds take about --budget seconds,
// within [--min-reps, --max-reps].
// Variants that allocate per call are timed in a group of their own (see allreduce_variants).
// Each sample is one call: MPI_Barrier, then the call timed on every rank; the sample is
// the maximum over ranks (reduced once at the end).
//
// Variants (`mpi_*` call MPI directly on the same buffers):
//   allreduce  mpi                       MPI_Allreduce(send, recv): preallocated output
//              mpi_in_place              MPI_Allreduce(MPI_IN_PLACE, buf)
//              pardo_in_place[_unchecked]  world.allreduce_in_place(std::span(buf), plus)
//     apart:   mpi_vector                MPI_Allreduce(send, v) into a new std::vector v
//              pardo_vector[_unchecked]    world.allreduce(send, plus): returns a new vector
//   bcast      mpi                       MPI_Bcast(buf, root 0)
//              pardo_span[_unchecked]      world.bcast(std::span(buf), 0)
//              pardo_vector[_unchecked]    world.bcast(vec, 0): the size travels first
// `_unchecked` runs on world.unchecked(), which skips the cross-rank agreement allreduce.
//
// Rank 0 prints one JSON line per (op, size, variant): median, min and quartiles of the
// per-call time in µs, and GB/s = message bytes / median time.

#include <mpi.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <pardo/mpi.hpp>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Args {
  std::vector<std::string> ops{"allreduce", "bcast"};
  std::uint64_t min_bytes = 8;
  std::uint64_t max_bytes = std::uint64_t{64} << 20;
  double budget = 0.5;  // seconds of timed rounds per (op, size)
  int min_reps = 5;
  int max_reps = 20'000;
  int warmup = 1;
  std::string thread_level = "multiple";
};

struct Variant {
  std::string name;
  std::function<void()> call;
  std::function<void()> check;  // after one call on prepared data: throws if wrong
  int group = 0;                // variants are interleaved with those of their group only
};

/// Raw MPI's return code, checked the way pardo checks its own (one compare).
void ok(int rc, const char* call) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string(call) + " failed");
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double quantile(std::vector<double> xs, double q) {
  std::sort(xs.begin(), xs.end());
  const double at = q * static_cast<double>(xs.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(at));
  const std::size_t hi = std::min(lo + 1, xs.size() - 1);
  return xs[lo] + (at - static_cast<double>(lo)) * (xs[hi] - xs[lo]);
}

void expect_all(std::span<const double> data, double value, const std::string& what) {
  for (const double x : data) {
    if (x != value) {
      throw std::logic_error(what + ": got " + std::to_string(x) + ", expected " +
                             std::to_string(value));
    }
  }
}

std::vector<std::uint64_t> sizes(const Args& args) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t b = args.min_bytes; b <= args.max_bytes; b *= 8) out.push_back(b);
  if (out.empty() || out.back() != args.max_bytes) out.push_back(args.max_bytes);
  return out;
}

/// Allreduce variants over `n` doubles. Every in-place buffer holds zeros while timed, so
/// repeated sums stay finite; the checks fill rank + 1 and expect 1 + 2 + ... + size.
std::vector<Variant> allreduce_variants(const pardo::mpi::Communicator& world, std::size_t n) {
  const MPI_Comm comm = world.native();
  const int count = static_cast<int>(n);
  const double expected = world.size() * (world.size() + 1) / 2.0;
  const double mine = world.rank() + 1.0;
  auto send = std::make_shared<std::vector<double>>(n, mine);
  auto recv = std::make_shared<std::vector<double>>(n, 0.0);
  auto buf = std::make_shared<std::vector<double>>(n, 0.0);
  auto out = std::make_shared<std::vector<double>>();
  const auto unchecked = std::make_shared<pardo::mpi::Communicator>(world.unchecked());
  const auto checked = std::make_shared<pardo::mpi::Communicator>(world);

  const auto in_place_check = [=](std::function<void()> call, std::string name) {
    return [=] {
      std::fill(buf->begin(), buf->end(), mine);
      call();
      expect_all(*buf, expected, name);
      std::fill(buf->begin(), buf->end(), 0.0);
    };
  };
  std::vector<Variant> v;
  v.push_back({"mpi",
               [=] {
                 ok(MPI_Allreduce(send->data(), recv->data(), count, MPI_DOUBLE, MPI_SUM, comm),
                    "MPI_Allreduce");
               },
               {}});
  v.back().check = [=, call = v.back().call] {
    call();
    expect_all(*recv, expected, "mpi allreduce");
  };
  v.push_back({"mpi_in_place",
               [=] {
                 ok(MPI_Allreduce(MPI_IN_PLACE, buf->data(), count, MPI_DOUBLE, MPI_SUM, comm),
                    "MPI_Allreduce");
               },
               {}});
  v.back().check = in_place_check(v.back().call, "mpi_in_place");
  for (const auto& [suffix, c] :
       {std::pair{std::string{}, checked}, std::pair{std::string{"_unchecked"}, unchecked}}) {
    v.push_back({"pardo_in_place" + suffix,
                 [=, comm_ = c] { comm_->allreduce_in_place(std::span(*buf), std::plus<>{}); },
                 {}});
    v.back().check = in_place_check(v.back().call, v.back().name);
  }
  // Group 1: a new output vector per call. Allocating and freeing megabytes moves glibc's
  // heap (brk, trim, page faults) and slows the next large MPI_Allreduce, which mallocs
  // its own scratch; so these run apart from the preallocated variants, beside raw MPI
  // into a fresh std::vector (what pardo's allreduce does inside).
  const auto vector_check = [=](std::function<void()> call, std::string name) {
    return [=] {
      call();
      if (out->size() != n) throw std::logic_error(name + ": wrong length");
      expect_all(*out, expected, name);
    };
  };
  v.push_back({"mpi_vector",
               [=] {
                 std::vector<double> fresh(n);
                 ok(MPI_Allreduce(send->data(), fresh.data(), count, MPI_DOUBLE, MPI_SUM, comm),
                    "MPI_Allreduce");
                 *out = std::move(fresh);
               },
               {},
               1});
  v.back().check = vector_check(v.back().call, "mpi_vector");
  for (const auto& [suffix, c] :
       {std::pair{std::string{}, checked}, std::pair{std::string{"_unchecked"}, unchecked}}) {
    v.push_back({"pardo_vector" + suffix,
                 [=, comm_ = c] { *out = comm_->allreduce(*send, std::plus<>{}); },
                 {},
                 1});
    v.back().check = vector_check(v.back().call, v.back().name);
  }
  return v;
}

/// Bcast variants over `n` doubles from rank 0: root holds 1.5 everywhere; the checks zero
/// the other ranks' buffers first.
std::vector<Variant> bcast_variants(const pardo::mpi::Communicator& world, std::size_t n) {
  const MPI_Comm comm = world.native();
  const int count = static_cast<int>(n);
  const bool root = world.rank() == 0;
  auto buf = std::make_shared<std::vector<double>>(n, root ? 1.5 : 0.0);
  auto vec = std::make_shared<std::vector<double>>(n, root ? 1.5 : 0.0);
  const auto unchecked = std::make_shared<pardo::mpi::Communicator>(world.unchecked());
  const auto checked = std::make_shared<pardo::mpi::Communicator>(world);

  const auto checking = [=](std::function<void()> call, std::shared_ptr<std::vector<double>> b,
                            std::string name) {
    return [=] {
      if (!root) std::fill(b->begin(), b->end(), 0.0);
      call();
      if (b->size() != n) throw std::logic_error(name + ": wrong length");
      expect_all(*b, 1.5, name);
    };
  };
  std::vector<Variant> v;
  v.push_back(
      {"mpi", [=] { ok(MPI_Bcast(buf->data(), count, MPI_DOUBLE, 0, comm), "MPI_Bcast"); }, {}});
  v.back().check = checking(v.back().call, buf, "mpi bcast");
  for (const auto& [suffix, c] :
       {std::pair{std::string{}, checked}, std::pair{std::string{"_unchecked"}, unchecked}}) {
    v.push_back({"pardo_span" + suffix, [=, comm_ = c] { comm_->bcast(std::span(*buf), 0); }, {}});
    v.back().check = checking(v.back().call, buf, v.back().name);
    v.push_back({"pardo_vector" + suffix, [=, comm_ = c] { comm_->bcast(*vec, 0); }, {}});
    v.back().check = checking(v.back().call, vec, v.back().name);
  }
  return v;
}

/// One round: every variant once, in an order shuffled by `rng` (seeded alike on every rank,
/// so all ranks call the same collectives in the same order); appends each call's seconds.
void round(const pardo::mpi::Communicator& world, std::vector<Variant>& variants, std::mt19937& rng,
           std::vector<std::vector<double>>* samples) {
  std::vector<std::size_t> order(variants.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::shuffle(order.begin(), order.end(), rng);
  for (const std::size_t k : order) {
    ok(MPI_Barrier(world.native()), "MPI_Barrier");
    const double start = now();
    variants[k].call();
    const double seconds = now() - start;
    if (samples != nullptr) (*samples)[k].push_back(seconds);
  }
}

/// Warm-up, timed rounds and one JSON line per variant, for one group of variants.
void measure_group(const pardo::mpi::Communicator& world, const Args& args, const std::string& op,
                   std::uint64_t bytes, std::vector<Variant>& variants, double budget) {
  // Warm-up: one round to gauge, then enough rounds for about a tenth of the budget (at
  // least --warmup); reps from the median warm round, so one slow round cannot skew it.
  std::mt19937 rng(20261121);
  double start = now();
  round(world, variants, rng, nullptr);
  const double first = now() - start;
  int warm = static_cast<int>(std::clamp(std::ceil(0.1 * budget / std::max(first, 1e-9)),
                                         static_cast<double>(args.warmup), 1000.0));
  ok(MPI_Bcast(&warm, 1, MPI_INT, 0, world.native()), "MPI_Bcast");
  std::vector<double> rounds;
  for (int w = 0; w < warm; ++w) {
    start = now();
    round(world, variants, rng, nullptr);
    rounds.push_back(now() - start);
  }
  const double per_round = rounds.empty() ? first : quantile(rounds, 0.5);
  int reps = std::clamp(static_cast<int>(std::ceil(budget / std::max(per_round, 1e-9))),
                        args.min_reps, args.max_reps);
  ok(MPI_Bcast(&reps, 1, MPI_INT, 0, world.native()), "MPI_Bcast");  // rank 0's count

  std::vector<std::vector<double>> samples(variants.size());
  for (auto& s : samples) s.reserve(static_cast<std::size_t>(reps));
  for (int r = 0; r < reps; ++r) round(world, variants, rng, &samples);

  const std::size_t n = static_cast<std::size_t>(bytes / sizeof(double));
  for (std::size_t k = 0; k < variants.size(); ++k) {
    std::vector<double> slowest(samples[k].size());
    ok(MPI_Reduce(samples[k].data(), slowest.data(), reps, MPI_DOUBLE, MPI_MAX, 0, world.native()),
       "MPI_Reduce");
    if (world.rank() != 0) continue;
    const double median = quantile(slowest, 0.5);
    const nlohmann::json row{{"bench", "collectives"},
                             {"runtime", variants[k].name.starts_with("pardo") ? "pardo" : "mpi"},
                             {"op", op},
                             {"variant", variants[k].name},
                             {"group", variants[k].group},
                             {"ranks", world.size()},
                             {"bytes", bytes},
                             {"count", n},
                             {"reps", reps},
                             {"thread_level", args.thread_level},
                             {"median_us", median * 1e6},
                             {"min_us", quantile(slowest, 0.0) * 1e6},
                             {"p25_us", quantile(slowest, 0.25) * 1e6},
                             {"p75_us", quantile(slowest, 0.75) * 1e6},
                             {"gbps", static_cast<double>(bytes) / median / 1e9}};
    std::cout << row.dump() << std::endl;
  }
}

/// Every variant of `op` at `bytes`: checked once, then timed group by group, each group
/// getting its share of the budget.
void measure(const pardo::mpi::Communicator& world, const Args& args, const std::string& op,
             std::uint64_t bytes) {
  const std::size_t n = static_cast<std::size_t>(bytes / sizeof(double));
  std::vector<Variant> variants =
      op == "allreduce" ? allreduce_variants(world, n) : bcast_variants(world, n);
  for (auto& v : variants) v.check();
  int groups = 0;
  for (const auto& v : variants) groups = std::max(groups, v.group + 1);
  for (int g = 0; g < groups; ++g) {
    std::vector<Variant> group;
    for (const auto& v : variants) {
      if (v.group == g) group.push_back(v);
    }
    const double share = static_cast<double>(group.size()) / static_cast<double>(variants.size());
    if (!group.empty()) measure_group(world, args, op, bytes, group, args.budget * share);
  }
}

pardo::mpi::ThreadLevel parse_level(const std::string& name) {
  if (name == "single") return pardo::mpi::ThreadLevel::single;
  if (name == "funneled") return pardo::mpi::ThreadLevel::funneled;
  if (name == "serialized") return pardo::mpi::ThreadLevel::serialized;
  return pardo::mpi::ThreadLevel::multiple;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App app{"allreduce and bcast: raw MPI against pardo::mpi::Communicator"};
  app.add_option("--ops", args.ops)->check(CLI::IsMember({"allreduce", "bcast"}))->delimiter(',');
  app.add_option("--min-bytes", args.min_bytes, "Smallest message (8 = one double)")
      ->check(CLI::Range(std::uint64_t{8}, std::uint64_t{1} << 34));
  app.add_option("--max-bytes", args.max_bytes, "Largest message (64 MiB)")
      ->check(CLI::Range(std::uint64_t{8}, std::uint64_t{1} << 34));
  app.add_option("--budget", args.budget, "Seconds of timed rounds per (op, size)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--min-reps", args.min_reps)->check(CLI::Range(1, 1'000'000));
  app.add_option("--max-reps", args.max_reps)->check(CLI::Range(1, 1'000'000));
  app.add_option("--warmup", args.warmup, "Untimed rounds before the timed ones")
      ->check(CLI::Range(0, 1000));
  app.add_option("--thread-level", args.thread_level, "MPI thread level (pardo's default)")
      ->check(CLI::IsMember({"single", "funneled", "serialized", "multiple"}));
  CLI11_PARSE(app, argc, argv);
  if (args.max_bytes < args.min_bytes || args.max_bytes / sizeof(double) > INT32_MAX ||
      args.min_bytes % sizeof(double) != 0 || args.max_bytes % sizeof(double) != 0) {
    std::cerr << "bench_mpi_collectives: sizes must be whole doubles, min <= max < 16 GiB\n";
    return 2;
  }
  args.max_reps = std::max(args.max_reps, args.min_reps);

  pardo::mpi::Environment env(argc, argv, parse_level(args.thread_level));
  const pardo::mpi::Communicator world = env.world();
  try {
    for (const std::string& op : args.ops) {
      for (const std::uint64_t bytes : sizes(args)) measure(world, args, op, bytes);
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_mpi_collectives: rank " << world.rank() << ": " << e.what() << '\n';
    MPI_Abort(world.native(), 1);
  }
  return 0;
}

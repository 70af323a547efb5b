// `pardo rng dump`: raw Philox output for statistical test suites (dieharder).
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <pardo/random/stream.hpp>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "commands.hpp"
#include "parse.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

struct DumpArgs {
  std::string seed;
  std::string streams = "1";
  std::string rounds = "10";
  std::string count;
};

// Bounds the interleaving buffer and the Stream objects; far beyond what a test suite needs.
constexpr std::uint64_t max_streams = std::uint64_t{1} << 20;
// 4 MiB per write: large enough that generation, not system calls, sets the pace.
constexpr std::size_t buffer_words = std::size_t{1} << 20;

// False once the reader has gone (EPIPE), which is how dieharder says it has enough.
bool write_all(std::span<const std::uint32_t> words) {
  const auto* bytes = reinterpret_cast<const char*>(words.data());
  std::size_t left = words.size_bytes();
  while (left != 0) {
    const ssize_t n = ::write(STDOUT_FILENO, bytes, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return false;
      throw std::system_error(errno, std::generic_category(), "writing to stdout");
    }
    bytes += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

void to_little_endian(std::span<std::uint32_t> words) {
  if constexpr (std::endian::native == std::endian::big) {
    for (auto& w : words) {
      w = (w >> 24) | ((w >> 8) & 0xFF00u) | ((w << 8) & 0xFF0000u) | (w << 24);
    }
  }
}

int dump(const DumpArgs& args) {
  const std::uint64_t seed =
      parse_decimal(args.seed, "--seed", 0, std::numeric_limits<std::uint64_t>::max());
  const std::uint64_t n_streams = parse_count(args.streams, "--streams");
  if (n_streams > max_streams) {
    throw UsageError("--streams: '" + args.streams + "' is too many (at most " +
                     std::to_string(max_streams) + ")");
  }
  const auto rounds = static_cast<unsigned>(parse_decimal(args.rounds, "--rounds", 1, 16));
  const std::optional<std::uint64_t> count =
      args.count.empty() ? std::nullopt : std::optional(parse_count(args.count, "--count"));
  if (!count && ::isatty(STDOUT_FILENO)) {
    throw UsageError(
        "stdout is a terminal; pipe the binary output (| dieharder -g 200 -a) "
        "or give --count and redirect it");
  }

  // Without this a closed pipe kills the process by signal instead of failing the write.
  std::signal(SIGPIPE, SIG_IGN);
  const auto k = static_cast<std::size_t>(n_streams);
  std::vector<random::Stream> streams;
  streams.reserve(k);
  for (std::size_t i = 0; i < k; ++i) streams.emplace_back(seed, i, rounds);

  const std::size_t rows = std::max<std::size_t>(1, buffer_words / k);
  std::vector<std::uint32_t> out(rows * k);
  std::vector<std::uint32_t> column(k == 1 ? 0 : rows);
  std::uint64_t left = count.value_or(0);
  while (!count || left != 0) {
    const std::size_t words =
        count ? static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), left)) : out.size();
    if (k == 1) {
      streams[0].fill(std::span(out).first(words));
    } else {
      // Whole rows, so each stream stays in step; a partial last row is generated but cut.
      const std::size_t n_rows = (words + k - 1) / k;
      for (std::size_t s = 0; s < k; ++s) {
        streams[s].fill(std::span(column).first(n_rows));
        for (std::size_t r = 0; r < n_rows; ++r) out[r * k + s] = column[r];
      }
    }
    const std::span<std::uint32_t> chunk = std::span(out).first(words);
    to_little_endian(chunk);
    if (!write_all(chunk)) return 0;
    left -= count ? words : 0;
  }
  return 0;
}

}  // namespace

void add_rng_command(CLI::App& app, int& exit_code) {
  auto* rng = app.add_subcommand("rng", "Random streams: dump raw output for test suites");
  rng->require_subcommand(1);

  auto args = std::make_shared<DumpArgs>();
  auto* dump_command = rng->add_subcommand(
      "dump",
      "Write raw little-endian 32-bit words of stream 0 of a seed to stdout, or of streams "
      "0..K-1 interleaved word by word; until the reader closes the pipe unless --count");
  dump_command->add_option("-s,--seed", args->seed, "Seed (0 to 2^64 - 1)")
      ->required()
      ->type_name("SEED");
  dump_command->add_option("-k,--streams", args->streams, "Streams K to interleave (1 to 1048576)")
      ->type_name("COUNT")
      ->capture_default_str();
  dump_command
      ->add_option("--rounds", args->rounds,
                   "Philox rounds (1 to 16; 10 is Philox4x32-10, fewer are weak)")
      ->type_name("COUNT")
      ->capture_default_str();
  dump_command->add_option("--count", args->count, "Words to write in all (default: until EPIPE)")
      ->type_name("COUNT");
  dump_command->callback([&exit_code, args] {
    try {
      exit_code = dump(*args);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "pardo rng dump: %s\n", e.what());
      exit_code = exit_usage;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "pardo rng dump: %s\n", e.what());
      exit_code = exit_failure;
    }
  });
}

}  // namespace pardo::cli

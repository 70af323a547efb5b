#include "checkpointing.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <vector>

#include "report.hpp"

namespace pardo::cli {

namespace {

// Options that change where and how a run is seen, never a block's output.
const std::set<std::string, std::less<>> placement_and_output{
    "backend",    "workers", "retries", "stall-timeout", "task-timeout",      "quiet", "json",
    "output",     "png",     "npy",     "distribution",  "save-distribution", "trace", "profile",
    "checkpoint", "resume",  "help",    "log",           "save-draws"};

// One spelling per number: 1e6, 1000000 and 1000000.0 are the same option. Whole numbers in
// digits stay digits (a seed near 2^64 has no exact double); other text stays as it is.
std::string canonical(const std::string& text) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    const auto first = text.find_first_not_of('0');
    return first == std::string::npos ? "0" : text.substr(first);
  }
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(value)) return text;
  char out[40];
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    std::snprintf(out, sizeof out, "%.0f", value);
  } else {
    std::snprintf(out, sizeof out, "%.17g", value);
  }
  return out;
}

// "size 1234, CRC-32 89abcdef" of a file's bytes, or of a directory's files in name order.
std::string fingerprint(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  uLong crc = crc32(0L, Z_NULL, 0);
  std::uintmax_t size = 0;
  std::array<char, 1 << 16> buffer{};
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::invalid_argument(file.string() + ": cannot open: " + std::strerror(errno));
    while (in) {
      in.read(buffer.data(), buffer.size());
      const auto n = static_cast<uInt>(in.gcount());
      crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), n);
      size += n;
    }
  }
  char out[64];
  std::snprintf(out, sizeof out, "size %ju, CRC-32 %08lx", size, crc);
  return out;
}

RunIdentity identity_of(const CLI::App& command) {
  RunIdentity identity{{"command", command.get_name()}};
  for (const CLI::Option* option : command.get_options()) {
    const std::string name =
        option->get_lnames().empty() ? option->get_name(true) : option->get_lnames().front();
    if (placement_and_output.contains(name) || name == "checkpoint-every") continue;
    std::string value;
    if (option->count() == 0) {
      value = canonical(option->get_default_str());
    } else {
      for (const std::string& result : option->results()) {
        value += (value.empty() ? "" : ",") + canonical(result);
      }
    }
    identity.emplace_back(name, value);
    // Data named on the command line: its bytes, so that a resumed run reads the same.
    if (option->get_positional() && option->count() > 0) {
      const std::string& path = option->results().front();
      if (path == "-") {
        throw CLI::ValidationError(name,
                                   "the data of a checkpointed run must come from a "
                                   "file: standard input cannot be checked on resume");
      }
      if (std::filesystem::exists(path)) identity.emplace_back(name + " data", fingerprint(path));
    }
  }
  return identity;
}

}  // namespace

void add_checkpoint_options(CLI::App& command, CheckpointArgs& args) {
  auto* file = command
                   .add_option("--checkpoint", args.file,
                               "Keep finished blocks in FILE (written every --checkpoint-every "
                               "seconds and when stopped), to resume with --resume FILE")
                   ->type_name("FILE");
  command
      .add_option("--checkpoint-every", args.every,
                  "Seconds between checkpoint writes while blocks finish (0: after each block)")
      ->type_name("SECONDS")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7))
      ->needs(file);
  command
      .add_option("--resume", args.resume,
                  "Run only the blocks FILE lacks: the same answer, bit for bit, as a run never "
                  "stopped, on any backend and worker count")
      ->type_name("FILE");
  command.parse_complete_callback([&command, &args] {
    if (!args.file.empty() || !args.resume.empty()) args.identity = identity_of(command);
  });
}

std::unique_ptr<Checkpoint> open_checkpoint(const CheckpointArgs& args) {
  if (args.file.empty() && args.resume.empty()) return nullptr;
  // A requeued job runs the same command before its first checkpoint exists and after.
  const bool first_run_of_job = !args.resume.empty() && args.resume == args.file;
  try {
    return std::make_unique<Checkpoint>(
        CheckpointOptions{.file = args.file,
                          .every = std::chrono::duration<double>(args.every),
                          .resume = args.resume,
                          .resume_if_missing = first_run_of_job,
                          .identity = args.identity});
  } catch (const CheckpointError& e) {
    throw std::invalid_argument(std::string(args.resume.empty() ? "--checkpoint: " : "") +
                                e.what());
  }
}

namespace {
bool write_failed = false;  // one command per process
}  // namespace

void close_checkpoint(Checkpoint& checkpoint, std::string_view command) {
  if (checkpoint.try_write()) return;
  print_error("pardo " + std::string(command), "--checkpoint: " + checkpoint.write_error());
  write_failed = true;
}

int finish_checkpoint(int exit_code) {
  return write_failed && exit_code != exit_usage ? exit_failure : exit_code;
}

}  // namespace pardo::cli

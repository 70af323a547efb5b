#pragma once
/// @file
/// Exact checkpoint/restart of block-structured workloads: `pardo::Checkpoint` keeps every
/// finished block's output, writes them to a file now and then, and hands them back to a run
/// resumed from that file, which then runs only the blocks that are missing.
///
/// Why it is exact: block b of a run is a pure function of the run's options and b (its
/// random numbers come from stream (seed, b)), and a workload combines its blocks' outputs in
/// block order. A block restored from a checkpoint has the bytes it would have if it ran
/// again, so a resumed run gives the same answer, bit for bit, as one never interrupted, on
/// any backend and worker count.
///
/// A checkpoint file holds the run's identity (named fields the caller chooses: command,
/// options, seed, a checksum of the data; pardo adds its version) and the outputs, in pardo's
/// wire format, with a CRC-32 of the whole. It is written to a temporary file beside the
/// target, synced and renamed over it, so a kill at any moment leaves the last complete
/// checkpoint in place.
/// @code
/// pardo::Checkpoint checkpoint({.file = "pi.ckpt", .every = std::chrono::seconds(60),
///                               .resume = "pi.ckpt", .resume_if_missing = true,
///                               .identity = {{"command", "pi"}, {"seed", "42"}}});
/// auto r = pardo::mc::estimate_pi(pool, options, {.checkpoint = &checkpoint});
/// @endcode

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pardo/remote/wire.hpp"

namespace pardo {

/// A checkpoint that cannot be read or written: a missing or corrupt file, one from another
/// run (the message names the fields that differ), or a write that failed (the message names
/// the file and the system's reason).
/// @code
/// try { pardo::Checkpoint c({.resume = "old.ckpt", .identity = id}); }
/// catch (const pardo::CheckpointError& e) { std::cerr << e.what() << '\n'; }
/// @endcode
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What makes a run the run it is, as named fields (command, options, seed, data checksum):
/// a checkpoint resumes only a run with the same fields, in the same order.
/// @code
/// pardo::RunIdentity id{{"command", "bootstrap"}, {"resamples", "9999"}, {"seed", "1"}};
/// @endcode
using RunIdentity = std::vector<std::pair<std::string, std::string>>;

/// Where and how often a run's finished blocks are kept, and where a run resumes from.
/// @code
/// pardo::CheckpointOptions o{.file = "run.ckpt", .every = std::chrono::seconds(60)};
/// @endcode
struct CheckpointOptions {
  std::filesystem::path file{};  ///< written to; empty: never written
  /// The least time between two writes while blocks finish; the first is made at once.
  std::chrono::duration<double> every{60.0};
  std::filesystem::path resume{};  ///< read first; empty: a fresh run
  /// Whether a `resume` file that does not exist starts a fresh run rather than an error (a
  /// job that is requeued runs the same command line before and after its first checkpoint).
  bool resume_if_missing = false;
  RunIdentity identity{};
};

/// The finished blocks of one run, kept across its BlockRunners (a workload may make
/// several, as an adaptive search does) and written to `CheckpointOptions::file`. Pass it
/// in `RunControl::checkpoint`. Thread-safe: blocks finish on any worker.
/// @code
/// pardo::Checkpoint checkpoint({.file = "run.ckpt", .identity = {{"command", "pi"}}});
/// auto r = pardo::mc::estimate_pi(pool, options, {.checkpoint = &checkpoint});
/// checkpoint.write();  // a last write, if the run was stopped
/// @endcode
class Checkpoint {
 public:
  /// Reads `options.resume` if given, refusing a file from another run, and makes the first
  /// write to `options.file` if given, so a file that cannot be written fails here, before
  /// the run. Throws CheckpointError naming the file and what is wrong;
  /// std::invalid_argument for a negative or non-finite `every`.
  /// @code
  /// pardo::Checkpoint c({.file = "a.ckpt", .resume = "a.ckpt", .resume_if_missing = true});
  /// @endcode
  explicit Checkpoint(CheckpointOptions options);

  Checkpoint(const Checkpoint&) = delete;
  Checkpoint& operator=(const Checkpoint&) = delete;

  /// Blocks read from the resume file.
  /// @code
  /// if (c.restored() > 0) std::cerr << "resuming: " << c.restored() << " blocks done\n";
  /// @endcode
  std::size_t restored() const;

  /// Writes every finished block now (temporary file, sync, rename), unless the file already
  /// holds them all (the last write succeeded and nothing finished since). Throws CheckpointError
  /// naming the file and the system's reason (a full disk: "No space left on device").
  /// @code
  /// checkpoint.write();
  /// @endcode
  void write();

  /// Writes now like write(), but a failure is kept in write_error() rather than thrown:
  /// what a run that was stopped does last. Returns whether the write succeeded.
  /// @code
  /// if (!checkpoint.try_write()) std::cerr << checkpoint.write_error() << '\n';
  /// @endcode
  bool try_write() noexcept;

  /// The last failure of a write made while blocks finished, or by try_write() (those never
  /// throw: the run goes on, and the next write tries again); empty once a write succeeds.
  /// @code
  /// if (!c.write_error().empty()) std::cerr << c.write_error() << '\n';
  /// @endcode
  std::string write_error() const;

  /// Writes made so far, the first included.
  /// @code
  /// std::cout << c.writes() << " checkpoints written\n";
  /// @endcode
  std::uint64_t writes() const;

  /// The number of the next BlockRunner of this run, and a check that its phase is the one
  /// the resumed run had at that number (a CheckpointError otherwise). Runners are numbered
  /// in the order they are made, which a deterministic workload repeats when resumed.
  /// @code
  /// const std::uint32_t section = checkpoint.open_section("sampling");
  /// @endcode
  std::uint32_t open_section(std::string_view phase);

  /// Block `block` of section `section`: as this run last recorded it, else as the resumed
  /// run left it; empty if neither has it.
  /// Throws CheckpointError if its bytes are not an `R`.
  /// @code
  /// std::optional<std::uint64_t> hits = c.restore<std::uint64_t>(section, 7);
  /// @endcode
  template <class R>
  std::optional<R> restore(std::uint32_t section, std::uint64_t block) const {
    const std::optional<std::string> bytes = restored_bytes(section, block);
    if (!bytes) return std::nullopt;
    try {
      wire::Reader in(*bytes);
      R output = wire::decode<R>(in);
      in.expect_end();
      return output;
    } catch (const SerializationError& e) {
      throw CheckpointError(describe(section, block) + " does not decode: " + e.what());
    }
  }

  /// Keeps a finished block's output, and writes the checkpoint if `every` has passed since
  /// the last write (on this thread; a block finishing meanwhile does not wait for it).
  /// Recording a block again replaces its output: a workload whose blocks are long (an MCMC
  /// chain) keeps each one's state so far, and a resumed run goes on from there.
  /// @code
  /// c.record(section, b, output);
  /// @endcode
  template <class R>
  void record(std::uint32_t section, std::uint64_t block, const R& output) {
    keep(section, block, encoded(output), true);
  }

  /// Keeps a block's output as record() does but never writes: for several blocks that
  /// belong in one write, made by write() or try_write() after the last of them.
  /// @code
  /// if (c.due()) {
  ///   for (std::uint64_t b = 0; b < n; ++b) c.store(section, b, state[b]);
  ///   c.try_write();
  /// }
  /// @endcode
  template <class R>
  void store(std::uint32_t section, std::uint64_t block, const R& output) {
    keep(section, block, encoded(output), false);
  }

  /// Whether a write is due: there is a file, and `every` has passed since the last write.
  /// @code
  /// if (c.due()) c.record(section, b, state_so_far);
  /// @endcode
  bool due() const;

 private:
  using Key = std::pair<std::uint32_t, std::uint64_t>;

  std::optional<std::string> restored_bytes(std::uint32_t section, std::uint64_t block) const;
  std::string describe(std::uint32_t section, std::uint64_t block) const;
  template <class R>
  static std::string encoded(const R& output) {
    std::string bytes;
    wire::Writer out(bytes);
    wire::encode(out, output);
    return bytes;
  }
  bool due_held() const;  // with mutex_ held
  void keep(std::uint32_t section, std::uint64_t block, std::string&& bytes, bool may_write);
  void load();
  std::string snapshot(std::uint64_t& changes) const;
  void write_held();                 // with writing_ held
  bool write_held_noting_failure();  // the same, a failure kept in write_error_

  CheckpointOptions options_;
  mutable std::mutex mutex_;  // all below but restored_
  std::mutex writing_;        // one writer at a time
  std::map<Key, std::string> blocks_;
  std::vector<std::string> sections_;           // this run's phases, by section
  std::vector<std::string> restored_sections_;  // the resumed run's
  std::size_t restored_ = 0;
  std::string write_error_;
  std::chrono::steady_clock::time_point last_write_{};
  std::uint64_t writes_ = 0;
  std::uint64_t changes_ = 0;                     // blocks kept and sections opened
  std::optional<std::uint64_t> written_changes_;  // changes_ in the file last written
};

}  // namespace pardo

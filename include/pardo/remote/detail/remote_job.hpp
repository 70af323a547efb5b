#pragma once
// Work for worker processes: one frame of encoded calls and where its results go.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/algorithms.hpp"
#include "pardo/core/detail/job.hpp"
#include "pardo/core/detail/shared_blob.hpp"
#include "pardo/core/detail/state.hpp"
#include "pardo/core/imap.hpp"
#include "pardo/remote/detail/registry.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::detail {

/// The exception a failure report stands for, for the calls of `function` starting at
/// input `index`: RemoteError for a thrown exception, SerializationError otherwise.
std::exception_ptr to_exception(const FailureReport& failure, std::uint64_t function,
                                std::size_t index);

/// One task frame: `count` calls of one remote function, with their encoded arguments.
/// The pool owns a job from `push` until it calls exactly one of `complete`, `fail`,
/// `cancel`, or gets false from `start`.
class RemoteJob {
 public:
  RemoteJob(std::uint64_t function, std::string args, std::uint32_t count, std::size_t first_index)
      : function_(function),
        args_(std::move(args)),
        count_(count),
        first_index_(first_index),
        shared_(std::exchange(encoded_blobs, {})) {}
  RemoteJob(const RemoteJob&) = delete;
  RemoteJob& operator=(const RemoteJob&) = delete;
  virtual ~RemoteJob() = default;

  /// Marks the job's future running before it is first sent; false if it was cancelled or
  /// is no longer needed, and the job is then settled.
  virtual bool start() noexcept = 0;
  /// A worker's reply: `ok` results in `results`, then, if `failure`, why the next failed.
  virtual void complete(wire::Reader& results, std::uint32_t ok,
                        const FailureReport* failure) noexcept = 0;
  /// The job cannot finish (its worker died, timed out, or the pool is broken).
  virtual void fail(std::exception_ptr error) noexcept = 0;
  /// The job never started and never will (shutdown with cancel_pending).
  virtual void cancel() noexcept = 0;

  std::uint64_t function() const noexcept { return function_; }
  const std::string& args() const noexcept { return args_; }
  std::uint32_t count() const noexcept { return count_; }
  std::size_t first_index() const noexcept { return first_index_; }

  /// The worker the job must run on (static and round-robin schedules, on_each_worker).
  std::optional<std::size_t> worker;
  /// Times the job was sent; more than one after a retry.
  std::uint32_t attempts = 0;
  /// Whether start() returned true already (a requeued job is not started again).
  bool started = false;
  /// Where a map's calls are counted as they come back (MapOptions::progress); may be null.
  Progress* progress = nullptr;

 private:
  std::uint64_t function_;
  std::string args_;
  std::uint32_t count_;
  std::size_t first_index_;
  // The broadcast values the arguments name (pardo::Shared), alive until the job is done.
  std::vector<std::shared_ptr<const SharedBlob>> shared_;
};

/// Settles a job with no calls (its first input could not be encoded): it fails without a
/// worker, with that input's error.
void settle_without_calls(RemoteJob& job) noexcept;

/// `submit`: one call completing a future of R.
template <class R>
class SingleJob final : public RemoteJob {
 public:
  SingleJob(std::uint64_t function, std::string args, StateRef<SharedState<R>> state)
      : RemoteJob(function, std::move(args), 1, 0), state_(std::move(state)) {}

  bool start() noexcept override { return state_->try_start(); }

  void complete(wire::Reader& results, std::uint32_t ok,
                const FailureReport* failure) noexcept override {
    if (ok == 0) {
      fail(to_exception(*failure, function(), 0));
      return;
    }
    try {
      if constexpr (std::is_void_v<R>) {
        state_->set_value();
      } else {
        state_->set_value(wire::decode<R>(results));
      }
    } catch (...) {
      state_->set_exception(std::current_exception());
    }
  }

  void fail(std::exception_ptr error) noexcept override {
    if (!state_->done()) state_->set_exception(std::move(error));
  }
  void cancel() noexcept override { state_->cancel(); }

 private:
  StateRef<SharedState<R>> state_;
};

/// Why a chunk ended early, and at which of its calls.
struct ChunkError {
  std::exception_ptr error;
  std::uint32_t at = 0;
};

/// Decodes the values of a chunk reply into `sink(offset, value)`; returns the error that
/// ended the chunk early, if any: the worker's failure, or a decoding error.
template <class R, class Sink>
ChunkError decode_chunk(wire::Reader& results, std::uint32_t ok, const FailureReport* failure,
                        std::uint64_t function, std::size_t first_index, Sink&& sink) noexcept {
  std::uint32_t k = 0;
  try {
    for (; k < ok; ++k) sink(k, wire::decode<R>(results));
  } catch (...) {
    return {std::current_exception(), k};
  }
  if (failure != nullptr) return {to_exception(*failure, function, first_index + k), k};
  return {};
}

/// A chunk reply as values up to the first error; if the worker ran every call, the error is
/// `error_after` (an input after them could not be encoded), moved out.
template <class R>
ChunkResult<R> decode_chunk_result(wire::Reader& results, std::uint32_t ok,
                                   const FailureReport* failure, std::uint64_t function,
                                   std::size_t first_index,
                                   std::exception_ptr& error_after) noexcept {
  ChunkResult<R> chunk;
  try {
    chunk.values.reserve(ok);
    chunk.error =
        decode_chunk<R>(results, ok, failure, function, first_index, [&](std::uint32_t, R&& value) {
          chunk.values.push_back(std::move(value));
        }).error;
  } catch (...) {
    chunk.error = std::current_exception();
  }
  if (!chunk.error) chunk.error = std::move(error_after);
  return chunk;
}

/// A chunk of `imap`/`imap_unordered`: values up to the first error, as a future.
template <class R>
class ChunkJob final : public RemoteJob {
 public:
  ChunkJob(std::uint64_t function, std::string args, std::uint32_t count, std::size_t first_index,
           StateRef<SharedState<ChunkResult<R>>> state, std::exception_ptr error_after)
      : RemoteJob(function, std::move(args), count, first_index),
        state_(std::move(state)),
        error_after_(std::move(error_after)) {}

  bool start() noexcept override { return state_->try_start(); }

  void complete(wire::Reader& results, std::uint32_t ok,
                const FailureReport* failure) noexcept override {
    state_->set_value(
        decode_chunk_result<R>(results, ok, failure, function(), first_index(), error_after_));
  }

  void fail(std::exception_ptr error) noexcept override {
    if (!state_->done()) state_->set_value(ChunkResult<R>{{}, std::move(error)});
  }
  void cancel() noexcept override { state_->cancel(); }

 private:
  StateRef<SharedState<ChunkResult<R>>> state_;
  std::exception_ptr error_after_;  // an input after the encoded ones could not be encoded
};

/// A chunk of `imap_unordered`: delivers its values to the range's channel as it finishes.
/// Its future is the range's handle, for cancelling the chunk.
template <class R>
class UnorderedChunkJob final : public RemoteJob {
 public:
  UnorderedChunkJob(std::uint64_t function, std::string args, std::uint32_t count,
                    std::size_t first_index, StateRef<SharedState<void>> state,
                    std::shared_ptr<UnorderedChannel<R>> channel, std::exception_ptr error_after)
      : RemoteJob(function, std::move(args), count, first_index),
        state_(std::move(state)),
        channel_(std::move(channel)),
        error_after_(std::move(error_after)) {}

  bool start() noexcept override {
    if (state_->try_start()) return true;
    channel_->deliver_cancelled(first_index());
    return false;
  }

  void complete(wire::Reader& results, std::uint32_t ok,
                const FailureReport* failure) noexcept override {
    settle(decode_chunk_result<R>(results, ok, failure, function(), first_index(), error_after_));
  }

  void fail(std::exception_ptr error) noexcept override {
    settle(ChunkResult<R>{{}, std::move(error)});
  }
  void cancel() noexcept override {
    state_->cancel();
    channel_->deliver_cancelled(first_index());
  }

 private:
  void settle(ChunkResult<R> chunk) noexcept {
    try {
      channel_->deliver(first_index(), std::move(chunk));
    } catch (...) {
      report_error(std::current_exception(), "imap_unordered");
    }
    state_->set_value();
  }

  StateRef<SharedState<void>> state_;
  std::shared_ptr<UnorderedChannel<R>> channel_;
  std::exception_ptr error_after_;
};

/// The results of one `map` (or `parallel_for`, R void): chunks write their values in place;
/// the last one to finish settles the state with the vector, or with the first error by
/// input order.
template <class R>
class MapGather {
  using Value = std::conditional_t<std::is_void_v<R>, void, std::vector<R>>;
  struct NoValues {
    explicit NoValues(std::size_t) {}
  };
  using Out = std::conditional_t<std::is_void_v<R>, NoValues, ResultBuffer<R>>;

 public:
  MapGather(std::size_t n, std::size_t chunks, StateRef<SharedState<Value>> state)
      : out_(n), remaining_(chunks), state_(std::move(state)) {}

  /// Whether a chunk starting at `begin` should still run.
  bool begin_chunk(std::size_t begin) noexcept {
    if (errors_.skip(begin)) return false;
    if (!started_.exchange(true, std::memory_order_acq_rel)) return state_->try_start();
    return !state_->done();
  }
  template <class V>
  void set(std::size_t i, V&& value) {
    out_.set(i, std::forward<V>(value));
  }
  void record(std::size_t index, std::exception_ptr error) noexcept {
    errors_.record(index, std::move(error));
  }
  /// Called once per chunk, whatever became of it.
  void finish_chunk() noexcept {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (state_->done()) return;
    if (!started_.exchange(true) && !state_->try_start()) return;
    // Moved out, not copied: the reader of the future then holds the error's only reference.
    if (std::exception_ptr error = errors_.take()) {
      state_->set_exception(std::move(error));
      return;
    }
    try {
      if constexpr (std::is_void_v<R>) {
        state_->set_value();
      } else {
        state_->set_value(std::move(out_).take());
      }
    } catch (...) {
      state_->set_exception(std::current_exception());
    }
  }

 private:
  Out out_;
  LoopErrors errors_;
  std::atomic<std::size_t> remaining_;
  std::atomic<bool> started_{false};
  StateRef<SharedState<Value>> state_;
};

/// A chunk of `map` (or `parallel_for`), writing into its MapGather.
template <class R>
class MapChunkJob final : public RemoteJob {
 public:
  MapChunkJob(std::uint64_t function, std::string args, std::uint32_t count,
              std::size_t first_index, std::shared_ptr<MapGather<R>> gather,
              std::exception_ptr error_after)
      : RemoteJob(function, std::move(args), count, first_index),
        gather_(std::move(gather)),
        error_after_(std::move(error_after)) {}

  bool start() noexcept override {
    if (gather_->begin_chunk(first_index())) return true;
    gather_->finish_chunk();
    return false;
  }

  void complete(wire::Reader& results, std::uint32_t ok,
                const FailureReport* failure) noexcept override {
    ChunkError ended;
    if constexpr (std::is_void_v<R>) {
      if (failure != nullptr) ended = {to_exception(*failure, function(), first_index() + ok), ok};
    } else {
      ended = decode_chunk<R>(
          results, ok, failure, function(), first_index(),
          [&](std::uint32_t k, R&& value) { gather_->set(first_index() + k, std::move(value)); });
    }
    if (ended.error) {
      gather_->record(first_index() + ended.at, std::move(ended.error));
    } else if (error_after_) {
      gather_->record(first_index() + count(), std::move(error_after_));
    }
    gather_->finish_chunk();
  }

  void fail(std::exception_ptr error) noexcept override {
    gather_->record(first_index(), std::move(error));
    gather_->finish_chunk();
  }
  void cancel() noexcept override {
    gather_->record(first_index(),
                    std::make_exception_ptr(CancelledError("map: the pool was shut down")));
    gather_->finish_chunk();
  }

 private:
  std::shared_ptr<MapGather<R>> gather_;
  std::exception_ptr error_after_;
};

}  // namespace pardo::detail

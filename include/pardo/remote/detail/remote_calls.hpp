#pragma once
// How RemotePool (remote_pool.hpp) turns calls of a registered function into jobs for its Core:
// the function's id, each call's arguments encoded as its parameters, map chunks planned and
// encoded, and the jobs whose results settle futures, ranges and maps.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "pardo/core/detail/algorithms.hpp"
#include "pardo/core/future.hpp"
#include "pardo/core/imap.hpp"
#include "pardo/core/options.hpp"
#include "pardo/remote/detail/registry.hpp"
#include "pardo/remote/detail/remote_job.hpp"
#include "pardo/remote/wire.hpp"

#define PARDO_DETAIL_NOT_REMOTE                                                      \
  "pardo pools run free functions registered with PARDO_REMOTE(fn), not lambdas or " \
  "function objects: their code cannot be found in another process"

namespace pardo::detail {

template <class F>
inline constexpr bool is_function_pointer_v =
    std::is_pointer_v<F>&& std::is_function_v<std::remove_pointer_t<F>>;

template <class>
inline constexpr bool always_false = false;

/// What `submit` of a lambda on a remote pool would return: not a Future (see the overload).
struct NotRemoteCallable {};

template <class F>
struct RemoteCallable {
  static_assert(is_function_pointer_v<F>, PARDO_DETAIL_NOT_REMOTE);
};
template <class R, class... P>
struct RemoteCallable<R (*)(P...)> {
  using result = R;
  using value = std::remove_cvref_t<R>;
  static constexpr std::size_t arity = sizeof...(P);
  /// Encodes one call's arguments, each as its parameter's type.
  template <class... A>
  static void encode(wire::Writer& out, const A&... args) {
    static_assert(sizeof...(A) == sizeof...(P),
                  "pardo pools: the number of arguments does not match the function's parameters");
    (encode_arg<P>(out, args), ...);
  }
};
template <class R, class... P>
struct RemoteCallable<R (*)(P...) noexcept> : RemoteCallable<R (*)(P...)> {};

/// The wire id of registered `fn`; throws std::invalid_argument naming it if unregistered.
template <class F>
std::uint64_t function_id(F fn, const char* caller) {
  return remote_id(reinterpret_cast<AnyFunction>(fn), typeid(F), caller);
}

/// Hands one job to `core`.
template <class Core>
void push_one(Core& core, std::unique_ptr<RemoteJob> job) {
  std::vector<std::unique_ptr<RemoteJob>> jobs;
  jobs.push_back(std::move(job));
  core.push(jobs);
}

/// `fn(args...)` as one job, on any worker or pinned to `worker`: its future, failed at once
/// with SerializationError if an argument cannot be encoded. A worker past the last throws
/// std::out_of_range naming it.
template <class Core, class F, class... A>
auto submit_call(Core& core, std::optional<std::size_t> worker, F fn, const A&... args) {
  using Call = RemoteCallable<F>;
  using R = typename Call::value;
  const char* const caller = worker ? "on_worker" : "submit";
  core.check_accepting(caller);
  if (worker && *worker >= core.size()) {
    throw std::out_of_range("on_worker: worker " + std::to_string(*worker) + " of a pool of " +
                            std::to_string(core.size()));
  }
  const std::uint64_t id = function_id(fn, caller);
  auto* state = new SharedState<R>();
  auto ref = StateRef<SharedState<R>>(state);
  Future<R> future = make_future(ref);
  std::string encoded;
  try {
    wire::Writer out(encoded);
    Call::encode(out, args...);
  } catch (...) {
    state->try_start();
    state->set_exception(std::current_exception());
    return future;
  }
  auto job = std::make_unique<SingleJob<R>>(id, std::move(encoded), std::move(ref));
  job->worker = worker;
  push_one(core, std::move(job));
  return future;
}

/// Encodes `count` inputs, `item(k)` for k in [0, count); stops at an input that cannot be
/// encoded and returns its error (`encoded` then holds the inputs before it, `encoded_count`
/// of them).
template <bool Star, class F, class Item>
std::exception_ptr encode_items(std::size_t count, Item item, std::string& encoded,
                                std::uint32_t& encoded_count) {
  using Call = RemoteCallable<F>;
  wire::Writer out(encoded);
  encoded_count = 0;
  for (std::size_t k = 0; k < count; ++k, ++encoded_count) {
    const auto& x = item(k);
    const std::size_t mark = encoded.size();
    try {
      if constexpr (Star) {
        std::apply([&](const auto&... args) { Call::encode(out, args...); }, x);
      } else {
        Call::encode(out, x);
      }
    } catch (...) {
      encoded.resize(mark);
      return std::current_exception();
    }
  }
  return nullptr;
}

/// Encodes the inputs of one planned chunk, as `encode_items`.
template <bool Star, class F, class Inputs>
std::exception_ptr encode_chunk(const Inputs& inputs, const Chunk& chunk, std::string& encoded,
                                std::uint32_t& count) {
  auto first = std::ranges::begin(inputs);
  return encode_items<Star, F>(
      chunk.end - chunk.begin,
      [&](std::size_t k) -> decltype(auto) {
        return first[static_cast<std::ranges::range_difference_t<Inputs>>(chunk.begin + k)];
      },
      encoded, count);
}

/// Checks the options and that `core` accepts work, then plans the chunks.
template <class Core, class Inputs>
std::vector<Chunk> plan(Core& core, const Inputs& inputs, const MapOptions& options,
                        const char* caller) {
  validate(options, caller);
  core.check_accepting(caller);
  return plan_chunks(std::ranges::size(inputs), core.size(), options);
}

/// Jobs handed to the core at a time while a map is still encoding the rest.
inline constexpr std::size_t job_batch = 64;

/// Encodes each planned chunk and queues the job `make_job` builds for it; its calls count in
/// `progress` (MapOptions::progress) as they come back.
template <bool Star, class Core, class F, class Inputs, class MakeJob>
void for_each_chunk(Core& core, F fn, const Inputs& inputs, const std::vector<Chunk>& chunks,
                    const char* caller, Progress* progress, MakeJob make_job) {
  const std::uint64_t id = function_id(fn, caller);
  std::vector<std::unique_ptr<RemoteJob>> jobs;
  for (const Chunk& chunk : chunks) {
    std::string encoded;
    std::uint32_t count = 0;
    std::exception_ptr error = encode_chunk<Star, F>(inputs, chunk, encoded, count);
    jobs.push_back(make_job(id, std::move(encoded), count, chunk, std::move(error)));
    jobs.back()->worker = chunk.worker;
    jobs.back()->progress = progress;
    if (jobs.size() == job_batch) core.push(jobs);
  }
  core.push(jobs);
}

/// A map's chunks, gathered into one future: of the values, or of nothing for
/// `parallel_for` (Values false).
template <bool Star, bool Values, class Core, class F, class Inputs>
auto map_chunks(Core& core, F fn, const Inputs& inputs, const MapOptions& options,
                const char* caller) {
  using R = typename RemoteCallable<F>::value;
  static_assert(!Values || !std::is_void_v<R>, "map: fn returns void; use parallel_for");
  static_assert(Values || std::is_void_v<R>, "parallel_for: fn must return void");
  using Value = std::conditional_t<Values, std::vector<R>, void>;
  auto ref = StateRef<SharedState<Value>>(new SharedState<Value>());
  Future<Value> future = make_future(ref);
  const std::vector<Chunk> chunks = plan(core, inputs, options, caller);
  if (chunks.empty()) {
    function_id(fn, caller);
    ref->try_start();
    ref->set_value();
    return future;
  }
  auto gather = std::make_shared<MapGather<R>>(std::ranges::size(inputs), chunks.size(), ref);
  for_each_chunk<Star>(core, fn, inputs, chunks, caller, options.progress,
                       [&](std::uint64_t id, std::string encoded, std::uint32_t count,
                           const Chunk& chunk, std::exception_ptr error) {
                         return std::make_unique<MapChunkJob<R>>(id, std::move(encoded), count,
                                                                 chunk.begin, gather, error);
                       });
  return future;
}

/// The value of a map's future, moved out: nobody else holds that future.
template <class R>
std::vector<R> take(Future<std::vector<R>> future) {
  future.wait();
  auto& state = static_cast<SharedState<std::vector<R>>&>(state_of(future));
  state.rethrow_if_failed();
  return std::move(state.mutable_value());
}
inline void take(Future<void> future) { future.get(); }

/// Encodes a chunk an imap range asks for and hands `core` the job `make_job(encoded, count,
/// error)` builds for it; an input that cannot be encoded, or the error that ended the
/// inputs, ends the chunk.
template <class F, class Core, class Items, class MakeJob>
void push_source_chunk(Core& core, SourceChunk<Items>& chunk, Progress* progress,
                       const char* caller, MakeJob make_job) {
  core.check_accepting(caller);
  std::string encoded;
  std::uint32_t count = 0;
  std::exception_ptr error = encode_items<false, F>(
      chunk.items.size(), [&](std::size_t k) -> decltype(auto) { return chunk.items[k]; }, encoded,
      count);
  if (!error) error = std::move(chunk.error_after);
  std::unique_ptr<RemoteJob> job = make_job(std::move(encoded), count, std::move(error));
  job->worker = chunk.worker;
  job->progress = progress;
  push_one(core, std::move(job));
}

/// `imap`'s range: chunks encoded and submitted as it is consumed.
template <class Core, class F, class Inputs>
auto imap_chunks(Core& core, F fn, Inputs&& inputs, const MapOptions& options) {
  using R = typename RemoteCallable<F>::value;
  validate(options, "imap");
  core.check_accepting("imap");
  const std::uint64_t id = function_id(fn, "imap");
  return with_source(std::forward<Inputs>(inputs), core.size(), options, "imap", [&](auto source) {
    auto launch = [&core, id, progress = options.progress](auto&& chunk) {
      auto ref = StateRef<SharedState<ChunkResult<R>>>(new SharedState<ChunkResult<R>>());
      Future<ChunkResult<R>> future = make_future(ref);
      try {
        push_source_chunk<F>(
            core, chunk, progress, "imap",
            [&](std::string encoded, std::uint32_t count, std::exception_ptr error) {
              return std::make_unique<ChunkJob<R>>(id, std::move(encoded), count, chunk.begin, ref,
                                                   error);
            });
      } catch (...) {
        if (ref->try_start()) ref->set_value(ChunkResult<R>{{}, std::current_exception()});
      }
      return future;
    };
    return ImapRange<R>(make_feed(std::move(source), std::move(launch)),
                        imap_window(options, core.size()));
  });
}

/// `imap_unordered`'s range: chunks encoded and submitted as it is consumed, delivering to
/// one channel as they finish.
template <class Core, class F, class Inputs>
auto imap_unordered_chunks(Core& core, F fn, Inputs&& inputs, const MapOptions& options) {
  using R = typename RemoteCallable<F>::value;
  validate(options, "imap_unordered");
  core.check_accepting("imap_unordered");
  const std::uint64_t id = function_id(fn, "imap_unordered");
  auto channel = std::make_shared<UnorderedChannel<R>>();
  return with_source(
      std::forward<Inputs>(inputs), core.size(), options, "imap_unordered", [&](auto source) {
        auto launch = [&core, id, channel, progress = options.progress](auto&& chunk) {
          auto ref = StateRef<SharedState<void>>(new SharedState<void>());
          Future<void> handle = make_future(ref);
          channel->expect();
          try {
            push_source_chunk<F>(
                core, chunk, progress, "imap_unordered",
                [&](std::string encoded, std::uint32_t count, std::exception_ptr error) {
                  return std::make_unique<UnorderedChunkJob<R>>(id, std::move(encoded), count,
                                                                chunk.begin, ref, channel, error);
                });
          } catch (...) {
            if (ref->try_start()) {
              channel->deliver(chunk.begin, ChunkResult<R>{{}, std::current_exception()});
              ref->set_value();
            }
          }
          return handle;
        };
        return ImapUnorderedRange<R>(channel, make_feed(std::move(source), std::move(launch)),
                                     imap_window(options, core.size()));
      });
}

/// `fn(x)` for each input as a job of its own: the futures, in input order. An input that
/// cannot be encoded fails its own future with the error its encoding threw.
template <class Core, class F, class Inputs>
auto submit_each_call(Core& core, F fn, const Inputs& inputs) {
  using Call = RemoteCallable<F>;
  using R = typename Call::value;
  core.check_accepting("submit_each");
  const std::uint64_t id = function_id(fn, "submit_each");
  std::vector<Future<R>> futures;
  std::vector<std::unique_ptr<RemoteJob>> jobs;
  for (const auto& input : inputs) {
    auto ref = StateRef<SharedState<R>>(new SharedState<R>());
    futures.push_back(make_future(ref));
    std::string encoded;
    try {
      wire::Writer out(encoded);
      Call::encode(out, input);
    } catch (...) {
      ref->try_start();
      ref->set_exception(std::current_exception());
      continue;
    }
    jobs.push_back(std::make_unique<SingleJob<R>>(id, std::move(encoded), std::move(ref)));
    if (jobs.size() == job_batch) core.push(jobs);
  }
  core.push(jobs);
  return futures;
}

/// `fn(w)` on each worker w, pinned: the futures by worker index.
template <class Core, class F>
auto each_worker_calls(Core& core, F fn) {
  using Call = RemoteCallable<F>;
  using R = typename Call::value;
  static_assert(Call::arity == 1, "on_each_worker: fn takes the worker index (std::size_t)");
  core.check_accepting("on_each_worker");
  const std::uint64_t id = function_id(fn, "on_each_worker");
  std::vector<Future<R>> futures;
  std::vector<std::unique_ptr<RemoteJob>> jobs;
  for (std::size_t w = 0; w < core.size(); ++w) {
    std::string encoded;
    wire::Writer out(encoded);
    Call::encode(out, w);
    auto* state = new SharedState<R>();
    auto ref = StateRef<SharedState<R>>(state);
    futures.push_back(make_future(ref));
    jobs.push_back(std::make_unique<SingleJob<R>>(id, std::move(encoded), std::move(ref)));
    jobs.back()->worker = w;
  }
  core.push(jobs);
  return futures;
}

}  // namespace pardo::detail

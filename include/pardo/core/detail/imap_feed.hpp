#pragma once
// Where imap's chunks come from: a sized random-access input shared with the tasks that read
// it by index, or any other input range read a chunk at a time as a stream; and the feed that
// submits each chunk as the range asks for it.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/detail/chunks.hpp"
#include "pardo/core/detail/imap.hpp"
#include "pardo/core/options.hpp"
#include "pardo/core/progress.hpp"
#include "pardo/executor.hpp"

namespace pardo::detail {

/// The most inputs in a chunk that imap picks by itself (chunksize 0), so that a range's
/// results in flight stay bounded however long the input.
inline constexpr std::size_t imap_default_chunk_cap = 4096;

/// Chunks an imap range keeps submitted and not yet consumed: `options.max_in_flight`, or four
/// per worker.
inline std::size_t imap_window(const MapOptions& options, std::size_t workers) {
  return options.max_in_flight != 0 ? options.max_in_flight : 4 * std::max<std::size_t>(workers, 1);
}

/// A chunk read from the inputs: its first input's index, its inputs, the worker it is pinned
/// to, and the error that ended the inputs right after it, if one did.
template <class Items>
struct SourceChunk {
  std::size_t begin;
  Items items;
  std::optional<std::size_t> worker;
  std::exception_ptr error_after;
};

/// A chunk's inputs in a sized random-access input that the chunk's task shares.
template <class Inputs>
struct IndexedItems {
  std::shared_ptr<Inputs> inputs;
  std::size_t begin;
  std::size_t end;

  std::size_t size() const noexcept { return end - begin; }
  decltype(auto) operator[](std::size_t k) const {
    return std::ranges::begin(
        *inputs)[static_cast<std::ranges::range_difference_t<Inputs>>(begin + k)];
  }
};

/// Chunks of a sized random-access input, by index: nothing is copied.
template <class Inputs>
class IndexedSource {
 public:
  using items_type = IndexedItems<Inputs>;

  IndexedSource(std::shared_ptr<Inputs> inputs, ChunkPlanner planner)
      : inputs_(std::move(inputs)), planner_(std::move(planner)) {}

  std::optional<SourceChunk<items_type>> next() {
    const std::optional<Chunk> chunk = planner_.next();
    if (!chunk) return std::nullopt;
    return SourceChunk<items_type>{
        chunk->begin, {inputs_, chunk->begin, chunk->end}, chunk->worker, nullptr};
  }

 private:
  std::shared_ptr<Inputs> inputs_;
  ChunkPlanner planner_;
};

/// Chunks of any input range, read in order as they are asked for and copied into the chunk:
/// generators, unbounded views, lists, stream views. An exception from the input ends the
/// chunk it happened in and the input with it.
template <class Inputs>
class StreamSource {
 public:
  using items_type = std::vector<std::ranges::range_value_t<Inputs>>;

  StreamSource(Inputs inputs, ChunkPlanner planner)
      : inputs_(std::move(inputs)), planner_(std::move(planner)) {}

  std::optional<SourceChunk<items_type>> next() {
    if (done_) return std::nullopt;
    const Chunk chunk = *planner_.next();
    const std::size_t size = chunk.end - chunk.begin;
    SourceChunk<items_type> out{chunk.begin, {}, chunk.worker, nullptr};
    try {
      if (!it_) it_.emplace(std::ranges::begin(inputs_));
      // Reserve no more than a typical chunk: an absurd chunksize must not allocate up front.
      out.items.reserve(std::min<std::size_t>(size, imap_default_chunk_cap));
      while (out.items.size() < size && *it_ != std::ranges::end(inputs_)) {
        out.items.push_back(**it_);
        ++*it_;
      }
      done_ = *it_ == std::ranges::end(inputs_);
    } catch (...) {
      out.error_after = std::current_exception();
      done_ = true;
    }
    if (out.items.empty() && !out.error_after) return std::nullopt;
    return out;
  }

 private:
  Inputs inputs_;
  ChunkPlanner planner_;
  std::optional<std::ranges::iterator_t<Inputs>> it_;
  bool done_ = false;
};

/// Calls `use` with the source for `inputs`, kept by value (copied or moved): indexed if they
/// are a sized random-access range, a stream otherwise.
template <class Inputs, class Use>
auto with_source(Inputs&& inputs, std::size_t workers, const MapOptions& options,
                 const char* caller, Use use) {
  using Stored = std::decay_t<Inputs>;
  static_assert(std::is_constructible_v<Stored, Inputs&&>,
                "imap keeps its inputs: pass a copyable range, or move it in with std::move");
  if constexpr (InputRange<Stored>) {
    auto shared = std::make_shared<Stored>(std::forward<Inputs>(inputs));
    const std::size_t n = std::ranges::size(*shared);
    return use(IndexedSource<Stored>(
        std::move(shared), ChunkPlanner(n, workers, options, caller, imap_default_chunk_cap)));
  } else {
    return use(StreamSource<Stored>(std::forward<Inputs>(inputs),
                                    ChunkPlanner(std::nullopt, workers, options, caller)));
  }
}

/// What `fn` returns for an input of a chunk of `Items`.
template <class Fn, class Items>
using ChunkValue =
    std::remove_cvref_t<std::invoke_result_t<Fn&, decltype(std::declval<Items&>()[0])>>;

/// A chunk's work in this process: `fn` over its inputs, stopping at the first error; an
/// input error after the chunk comes last.
template <class Fn, class Items>
struct ChunkCompute {
  using value_type = ChunkValue<Fn, Items>;

  std::shared_ptr<Fn> fn;
  Items items;
  std::exception_ptr error_after;
  Progress* progress;

  ChunkResult<value_type> operator()() {
    ChunkResult<value_type> result;
    result.values.reserve(items.size());
    try {
      for (std::size_t k = 0; k < items.size(); ++k) {
        result.values.push_back(std::invoke(*fn, items[k]));
        advance_progress(progress);
      }
      result.error = std::move(error_after);
    } catch (...) {
      result.error = std::current_exception();
    }
    return result;
  }
};

/// A feed over `Source` that submits each chunk with `launch(SourceChunk&&) -> Handle`.
template <class Source, class Launch>
class SourceFeed final
    : public ChunkFeed<std::invoke_result_t<Launch&, SourceChunk<typename Source::items_type>&&>> {
  using Handle = std::invoke_result_t<Launch&, SourceChunk<typename Source::items_type>&&>;

 public:
  SourceFeed(Source source, Launch launch)
      : source_(std::move(source)), launch_(std::move(launch)) {}

  std::optional<LaunchedChunk<Handle>> next() override {
    auto chunk = source_.next();
    if (!chunk) return std::nullopt;
    const std::size_t begin = chunk->begin;
    return LaunchedChunk<Handle>{begin, launch_(std::move(*chunk))};
  }

 private:
  Source source_;
  Launch launch_;
};

/// The feed over `source` that submits with `launch`, as its interface.
template <class Source, class Launch>
auto make_feed(Source source, Launch launch) {
  using Feed = SourceFeed<Source, Launch>;
  using Handle = std::invoke_result_t<Launch&, SourceChunk<typename Source::items_type>&&>;
  return std::unique_ptr<ChunkFeed<Handle>>(
      std::make_unique<Feed>(std::move(source), std::move(launch)));
}

}  // namespace pardo::detail

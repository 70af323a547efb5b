#pragma once
// The machinery of pardo::run_pipeline (pardo/flow/pipeline.hpp, its only includer, once the
// public types are declared). Items travel as tokens, at most `max_tokens` at once, each
// carrying a slot for every stage's output; a token goes from stage to stage on the thread
// that ran the last one, and no thread ever waits: a token that reaches a serial stage while
// another holds it, or before its turn in order, is parked there, and the thread that leaves
// the stage sends the next eligible one on as a new task. A stage whose call returns a
// pardo::Future is asynchronous: the thread goes on with other work, and the token is sent on
// as a new task once the future is done (counted among the tasks meanwhile).

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "pardo/core/future.hpp"

namespace pardo::detail::flow {

/// What a stage's call returns: the value it hands on, or a pardo::Future of it (an
/// asynchronous stage: a task of another executor, a worker process's say).
template <class R>
struct Awaited {
  using type = R;
  static constexpr bool async = false;
};
template <class R>
struct Awaited<Future<R>> {
  using type = R;
  static constexpr bool async = true;
};

/// The types each stage hands to the next: T0 from the source, T1 from the first stage, ...
/// The last stage returns void (or a Future<void>).
template <class In, class Stage>
using stage_output = typename Awaited<std::invoke_result_t<Stage&, In&&>>::type;

template <class Tuple, class T>
struct Prepend;
template <class... Ts, class T>
struct Prepend<std::tuple<Ts...>, T> {
  using type = std::tuple<T, Ts...>;
};

/// The input of every stage, from T (the first one's) on: what the tokens' slots hold.
template <class T, class Stage, class... Rest>
struct Inputs {
  using type = typename Prepend<typename Inputs<stage_output<T, Stage>, Rest...>::type, T>::type;
};
template <class T, class Last>
struct Inputs<T, Last> {
  static_assert(std::is_void_v<stage_output<T, Last>>,
                "run_pipeline: the last stage must return void or a Future<void> (it consumes the "
                "items)");
  using type = std::tuple<T>;
};

/// The lock of a pipeline's short critical sections (a few stores each, taken several times
/// per item by every thread): spins briefly, then yields, so that a contended section does
/// not cost a futex sleep and wake-up as std::mutex's does.
class SpinMutex {
 public:
  void lock() noexcept {
    for (int spins = 0; locked_.exchange(true, std::memory_order_acquire); ++spins) {
      while (locked_.load(std::memory_order_relaxed)) {
        if (spins < 64) {
          ++spins;
#if defined(__x86_64__) || defined(__i386__)
          __builtin_ia32_pause();
#endif
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

/// A serial stage's admission: one token at a time, in the source's order when `in_order`;
/// the others park here. Cancellation is read under the gate's lock, so a token is either
/// parked before a cancel drains the gate or refused after it.
class Gate {
 public:
  enum class Entry { admitted, parked, refused };

  /// Lets token number `seq` in if the stage is free and it is its turn, else parks it.
  Entry enter(void* token, std::uint64_t seq, bool in_order, const std::atomic<bool>& cancelled) {
    const std::lock_guard lock(mutex_);
    if (cancelled.load()) return Entry::refused;
    if (busy_ || (in_order && seq != next_)) {
      if (in_order) {
        ordered_.emplace(seq, token);
      } else {
        fifo_.push_back(token);
      }
      return Entry::parked;
    }
    busy_ = true;
    return Entry::admitted;
  }

  /// The admitted token is done: the next one to let in (admitted now), or none.
  void* leave(bool in_order, const std::atomic<bool>& cancelled) {
    const std::lock_guard lock(mutex_);
    busy_ = false;
    ++next_;
    if (cancelled.load()) return nullptr;
    void* token = nullptr;
    if (in_order) {
      if (const auto it = ordered_.find(next_); it != ordered_.end()) {
        token = it->second;
        ordered_.erase(it);
      }
    } else if (!fifo_.empty()) {
      token = fifo_.front();
      fifo_.pop_front();
    }
    busy_ = token != nullptr;
    return token;
  }

  /// Every parked token, taken out.
  std::vector<void*> drain() {
    const std::lock_guard lock(mutex_);
    std::vector<void*> parked(fifo_.begin(), fifo_.end());
    for (const auto& [seq, token] : ordered_) parked.push_back(token);
    ordered_.clear();
    fifo_.clear();
    return parked;
  }

 private:
  SpinMutex mutex_;
  bool busy_ = false;
  std::uint64_t next_ = 0;                  // in order: the sequence number let in next
  std::map<std::uint64_t, void*> ordered_;  // in order: parked tokens by sequence number
  std::deque<void*> fifo_;                  // out of order: parked tokens
};

/// A pipeline's state, on the stack of the caller, which waits until the last of its tasks
/// has done with it (each task's last act, under the state's lock, is to count itself out).
template <class Pool, class Source, class... Stages>
class PipelineState {
  using T0 = typename std::invoke_result_t<Source&>::value_type;
  using Slots = typename Inputs<T0, Stages...>::type;  // stage k's input at k - 1
  static constexpr std::size_t stages = sizeof...(Stages);

  template <class Tuple>
  struct Optionals;
  template <class... Ts>
  struct Optionals<std::tuple<Ts...>> {
    using type = std::tuple<std::optional<Ts>...>;
  };
  struct Token {
    std::uint64_t seq = 0;
    typename Optionals<Slots>::type slots;  // slot k: stage k + 1's input, while it waits
  };

 public:
  PipelineState(Pool& pool, std::size_t max_tokens, std::stop_token stop, Source source,
                std::tuple<Stages...> functions, std::vector<StageMode> modes)
      : pool_(pool),
        stop_(std::move(stop)),
        source_(std::move(source)),
        functions_(std::move(functions)),
        modes_(std::move(modes)),
        gates_(stages + 1),
        tokens_(max_tokens) {
    for (Token& token : tokens_) free_.push_back(&token);
  }

  /// Starts the source and waits for the end: the input exhausted and every token out, or a
  /// stage's exception (rethrown here), or a stop.
  PipelineRun run() {
    spawn([](PipelineState& s) { s.work(); });
    std::unique_lock lock(mutex_);
    ended_.wait(lock, [&] { return ended(); });
    if (error_) std::rethrow_exception(error_);
    return {completed_, stopped_};
  }

 private:
  bool ended() const {
    return (source_done_ || cancelled_.load()) && !source_busy_ && in_flight_ == 0 && tasks_ == 0;
  }

  // Runs `body(*this)` as a task of the pool, counted in tasks_ until it ends. `carried`, a
  // token the task would have carried on, is dropped if the pool refuses the task.
  template <class Body>
  void spawn(Body body, Token* carried = nullptr) {
    {
      const std::lock_guard lock(mutex_);
      ++tasks_;
    }
    try {
      pool_.submit([this, body] {
        body(*this);
        task_ended();
      });
    } catch (...) {  // the pool shut down under the pipeline, or no memory for the task
      fail(std::current_exception());
      if (carried != nullptr) finish(carried, false);
      task_ended();
    }
  }

  // The task's last touch of the state: the caller may return, and free it, once the lock is
  // released.
  void task_ended() {
    const std::lock_guard lock(mutex_);
    --tasks_;
    if (ended()) ended_.notify_all();
  }

  // A thread's loop: takes the source's next item and carries it as far as it goes (to the
  // end, or parked at a serial stage), then the next, until the source has nothing for it.
  void work() {
    active_.fetch_add(1);
    while (Token* token = produce()) advance<1>(token);
    active_.fetch_sub(1);
  }

  // A free token filled by the source, or none (below).
  Token* produce();

  // Token `token` reaches stage K: runs it now if it may, else parks it at the stage's gate.
  template <std::size_t K>
  void advance(Token* token) {
    bool admitted = false;
    if (modes_[K - 1] != StageMode::parallel) {
      const Gate::Entry entry = gates_[K].enter(token, token->seq, in_order(K), cancelled_);
      if (entry == Gate::Entry::parked) return;
      admitted = entry == Gate::Entry::admitted;
    }
    if (!cancelled_.load() && stop_.stop_requested()) stop();
    if (cancelled_.load()) {
      if (admitted) leave<K>();
      finish(token, false);
      return;
    }
    run<K>(token);
  }

  bool in_order(std::size_t k) const { return modes_[k - 1] == StageMode::serial_in_order; }

  // Stage K (admitted) on `token`, then the next stage (below).
  template <std::size_t K>
  void run(Token* token);

  // `token` has been through stage K: on to the next stage, or out of the pipeline (done,
  // or dropped when the stage failed).
  template <std::size_t K>
  void hand_on(Token* token, bool ok) {
    if (!ok) {
      finish(token, false);
    } else if constexpr (K == stages) {
      finish(token, true);
    } else {
      advance<K + 1>(token);
    }
  }

  // An asynchronous stage K (admitted) on `token`: its future, once done, sends the token on.
  template <std::size_t K>
  void run_async(Token* token);

  // An asynchronous stage K's future `done` is done: its value to the next stage.
  template <std::size_t K, class Done>
  void complete(Token* token, const Done& done);

  // A serial stage K lets its next token in (the next in order, or the oldest parked) as a
  // task of its own.
  template <std::size_t K>
  void leave() {
    auto* next = static_cast<Token*>(gates_[K].leave(in_order(K), cancelled_));
    if (next != nullptr) {
      spawn(
          [next](PipelineState& s) {
            s.template resume<K>(next);
            s.work();
          },
          next);
    }
  }

  // A parked token let in at stage K: run there, unless the pipeline stopped meanwhile.
  template <std::size_t K>
  void resume(Token* token) {
    if (cancelled_.load()) {
      leave<K>();
      finish(token, false);
    } else {
      run<K>(token);
    }
  }

  // The first exception stops the pipeline: the source makes no more, tokens on their way
  // are dropped, and those parked at the gates are let go.
  void fail(std::exception_ptr error) {
    {
      const std::lock_guard lock(mutex_);
      if (!error_) error_ = std::move(error);
    }
    cancel();
  }

  // A stop request: the source makes no more, and the tokens on their way are dropped.
  void stop() {
    {
      const std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    cancel();
  }

  void cancel() {
    if (cancelled_.exchange(true)) return;
    for (Gate& gate : gates_) {
      for (void* token : gate.drain()) finish(static_cast<Token*>(token), false);
    }
  }

  // A token leaves the pipeline, through its end or dropped: it is free for the source again.
  void finish(Token* token, bool completed) {
    std::apply([](auto&... slot) { (slot.reset(), ...); }, token->slots);
    {
      const std::lock_guard lock(mutex_);
      free_.push_back(token);
      --in_flight_;
      if (completed) ++completed_;
    }
  }

  Pool& pool_;
  std::stop_token stop_;
  Source source_;
  std::tuple<Stages...> functions_;
  std::vector<StageMode> modes_;  // of stages 1 .. n
  std::vector<Gate> gates_;       // by stage; [0] unused
  std::vector<Token> tokens_;
  std::atomic<bool> cancelled_{false};
  std::atomic<std::size_t> active_{0};  // threads in work()
  SpinMutex mutex_;                     // all below
  std::condition_variable_any ended_;
  std::vector<Token*> free_;
  std::size_t in_flight_ = 0;
  std::size_t tasks_ = 0;
  bool source_busy_ = false;
  bool helper_queued_ = false;  // a task started by produce() that has not begun
  bool source_done_ = false;
  bool stopped_ = false;
  std::uint64_t next_seq_ = 0;
  std::uint64_t completed_ = 0;
  std::exception_ptr error_;
};

// A free token filled by the source, or none: no token free, the source busy on another
// thread, exhausted, or the pipeline stopped. With tokens still free, another task is
// started to fill them, so that items overlap, unless every worker of the pool is already
// in this loop; one such helper queued at a time is enough, since each thread that runs
// one goes on filling tokens until none is free.
template <class Pool, class Source, class... Stages>
auto PipelineState<Pool, Source, Stages...>::produce() -> Token* {
  Token* token = nullptr;
  {
    const std::lock_guard lock(mutex_);
    if (source_busy_ || source_done_ || cancelled_.load() || free_.empty()) return nullptr;
    source_busy_ = true;
    token = free_.back();
    free_.pop_back();
    ++in_flight_;
  }
  if (stop_.stop_requested()) {
    stop();
  } else {
    try {
      auto& slot = std::get<0>(token->slots);
      slot = source_();
      if (!slot) {
        const std::lock_guard lock(mutex_);
        source_done_ = true;
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }
  bool more = false;
  bool carry = false;
  {
    const std::lock_guard lock(mutex_);
    source_busy_ = false;
    carry = !source_done_ && !cancelled_.load();
    if (carry) token->seq = next_seq_++;
    more = carry && !free_.empty() && !helper_queued_ && active_.load() < pool_.size();
    helper_queued_ = helper_queued_ || more;
  }
  if (!carry) {
    finish(token, false);
    return nullptr;
  }
  if (more) {
    spawn([](PipelineState& s) {
      {
        const std::lock_guard lock(s.mutex_);
        s.helper_queued_ = false;
      }
      s.work();
    });
  }
  return token;
}

// Stage K (admitted) on `token`, then the next stage; a serial stage admits its next token.
// At the last stage the token is done, so this thread runs the one let in itself: an
// in-order sink drains the tokens parked for it without a task each.
template <class Pool, class Source, class... Stages>
template <std::size_t K>
void PipelineState<Pool, Source, Stages...>::run(Token* token) {
  using Call = std::invoke_result_t<std::tuple_element_t<K - 1, std::tuple<Stages...>>&,
                                    std::tuple_element_t<K - 1, Slots>&&>;
  if constexpr (Awaited<Call>::async) {
    run_async<K>(token);
  } else {
    while (token != nullptr) {
      bool ok = true;
      try {
        auto& input = std::get<K - 1>(token->slots);
        if constexpr (K == stages) {
          std::get<K - 1>(functions_)(std::move(*input));
        } else {
          std::get<K>(token->slots).emplace(std::get<K - 1>(functions_)(std::move(*input)));
        }
        input.reset();
      } catch (...) {
        fail(std::current_exception());
        ok = false;
      }
      Token* next = nullptr;
      if (modes_[K - 1] != StageMode::parallel) {
        if constexpr (K == stages) {
          next = static_cast<Token*>(gates_[K].leave(in_order(K), cancelled_));
        } else {
          leave<K>();
        }
      }
      hand_on<K>(token, ok);
      if (next != nullptr && cancelled_.load()) {
        gates_[K].leave(in_order(K), cancelled_);  // frees the stage; lets nothing in
        finish(next, false);
        next = nullptr;
      }
      token = next;
    }
  }
}

template <class Pool, class Source, class... Stages>
template <std::size_t K>
void PipelineState<Pool, Source, Stages...>::run_async(Token* token) {
  using Call = std::invoke_result_t<std::tuple_element_t<K - 1, std::tuple<Stages...>>&,
                                    std::tuple_element_t<K - 1, Slots>&&>;
  static_assert(std::is_void_v<typename Awaited<Call>::type> ||
                    std::is_copy_constructible_v<typename Awaited<Call>::type>,
                "run_pipeline: an asynchronous stage's value is copied out of its future (whose "
                "copies share it), so it must be copyable");
  Call future;
  try {
    auto& input = std::get<K - 1>(token->slots);
    future = std::get<K - 1>(functions_)(std::move(*input));
    input.reset();
    if (!future.valid()) {
      throw std::logic_error("run_pipeline: stage " + std::to_string(K) +
                             " returned a future with no state");
    }
  } catch (...) {
    fail(std::current_exception());
    if (modes_[K - 1] != StageMode::parallel) leave<K>();
    finish(token, false);
    return;
  }
  {
    const std::lock_guard lock(mutex_);
    ++tasks_;  // the future, until its callback has handed the token on
  }
  future.add_done_callback([this, token](const Call& done) {
    spawn(
        [token, done](PipelineState& s) {
          s.template complete<K>(token, done);
          s.work();
        },
        token);
    task_ended();
  });
}

template <class Pool, class Source, class... Stages>
template <std::size_t K, class Done>
void PipelineState<Pool, Source, Stages...>::complete(Token* token, const Done& done) {
  bool ok = !cancelled_.load();
  if (ok) {
    try {
      if constexpr (K == stages) {
        done.get();
      } else {
        std::get<K>(token->slots).emplace(done.get());
      }
    } catch (...) {
      fail(std::current_exception());
      ok = false;
    }
  }
  if (modes_[K - 1] != StageMode::parallel) leave<K>();
  hand_on<K>(token, ok);
}

}  // namespace pardo::detail::flow

// pardo's side of bench/process/channel.py: values through a bounded channel, from producers
// to consumers, across threads (pardo::Channel) or across processes (pardo::ProcessChannel:
// producers are tasks on worker processes, consumers threads of this one). One JSON line:
// the mode, the values moved, the seconds from the first push to the last pop, and the
// transfers per second.
//
//   bench_channel --mode threads --values 1000000 --producers 1 --consumers 1
//   bench_channel --mode processes --values 1000000 --payload 64

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <pardo/pardo.hpp>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

// A value of `payload` bytes: a number for 8, a string otherwise.
template <class T>
T value_of(std::uint64_t i, std::size_t payload) {
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string(payload, static_cast<char>('a' + i % 26));
  } else {
    static_cast<void>(payload);
    return i;
  }
}

template <class T>
std::uint64_t produce(pardo::SharedHandle h, std::uint64_t count, std::uint64_t payload) {
  auto channel = pardo::ProcessChannel<T>::attach(h);
  for (std::uint64_t i = 0; i < count; ++i) channel.push(value_of<T>(i, payload));
  return count;
}
std::uint64_t produce_numbers(pardo::SharedHandle h, std::uint64_t count, std::uint64_t payload) {
  return produce<std::uint64_t>(h, count, payload);
}
PARDO_REMOTE(produce_numbers);
std::uint64_t produce_strings(pardo::SharedHandle h, std::uint64_t count, std::uint64_t payload) {
  return produce<std::string>(h, count, payload);
}
PARDO_REMOTE(produce_strings);

std::size_t ready(std::size_t worker) { return worker; }
PARDO_REMOTE(ready);

struct Options {
  std::string mode = "threads";
  std::uint64_t values = 1'000'000;
  std::size_t producers = 1;
  std::size_t consumers = 1;
  std::size_t capacity = 1024;
  std::size_t payload = 8;
};

// Pops in `consumers` threads until `channel` is closed and drained: the values popped.
template <class Channel>
std::uint64_t consume(Channel& channel, std::size_t consumers) {
  std::vector<std::uint64_t> counts(consumers);
  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < consumers; ++c) {
    threads.emplace_back([&channel, &count = counts[c]] {
      for (auto&& v : channel) {
        static_cast<void>(v);
        ++count;
      }
    });
  }
  for (auto& t : threads) t.join();
  std::uint64_t total = 0;
  for (const auto n : counts) total += n;
  return total;
}

// Producer p's share of the values: they differ by at most one.
std::uint64_t share_of(const Options& o, std::size_t p) {
  return o.values / o.producers + (p < o.values % o.producers ? 1 : 0);
}

// Pops until the channel closes, which it does once `wait_for_producers` returns.
template <class Channel, class Wait>
std::uint64_t consume_until_done(Channel& channel, std::size_t consumers, Wait wait_for_producers) {
  std::thread closer([&] {
    wait_for_producers();
    channel.close();
  });
  const std::uint64_t popped = consume(channel, consumers);
  closer.join();
  return popped;
}

template <class T>
std::uint64_t across_threads(const Options& o) {
  pardo::Channel<T> channel(o.capacity);
  std::vector<std::thread> producers;
  for (std::size_t p = 0; p < o.producers; ++p) {
    producers.emplace_back([&, p] {
      for (std::uint64_t i = 0; i < share_of(o, p); ++i) channel.push(value_of<T>(i, o.payload));
    });
  }
  return consume_until_done(channel, o.consumers, [&] {
    for (auto& t : producers) t.join();
  });
}

template <class T>
std::uint64_t across_processes(pardo::ProcessPool& pool, const Options& o) {
  auto channel = [&] {
    if constexpr (std::is_same_v<T, std::string>) {
      return pardo::ProcessChannel<T>(o.capacity, o.payload + 16);
    } else {
      return pardo::ProcessChannel<T>(o.capacity);
    }
  }();
  std::vector<pardo::Future<std::uint64_t>> producers;
  for (std::size_t p = 0; p < o.producers; ++p) {
    const auto fn = std::is_same_v<T, std::string> ? produce_strings : produce_numbers;
    producers.push_back(
        pool.on_worker(p, fn, channel.handle(), share_of(o, p), std::uint64_t{o.payload}));
  }
  return consume_until_done(channel, o.consumers, [&] {
    for (auto& f : producers) f.get();
  });
}

}  // namespace

int main(int argc, char** argv) {
  pardo::init(argc, argv);
  CLI::App app("bench_channel");
  Options o;
  app.add_option("--mode", o.mode)->check(CLI::IsMember({"threads", "processes"}));
  app.add_option("--values", o.values)->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_option("--producers", o.producers)->check(CLI::Range(1, 1024));
  app.add_option("--consumers", o.consumers)->check(CLI::Range(1, 1024));
  app.add_option("--capacity", o.capacity)->check(CLI::Range(1, 1 << 24));
  app.add_option("--payload", o.payload, "bytes a value holds: 8 (a number) or more (a string)")
      ->check(CLI::Range(8, 1 << 20));
  CLI11_PARSE(app, argc, argv);

  std::optional<pardo::ProcessPool> pool;
  if (o.mode == "processes") {
    pool.emplace(o.producers);
    pool->on_each_worker(ready);  // every worker started
  }
  const bool numbers = o.payload == 8;
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t moved = 0;
  if (o.mode == "threads") {
    moved = numbers ? across_threads<std::uint64_t>(o) : across_threads<std::string>(o);
  } else {
    moved = numbers ? across_processes<std::uint64_t>(*pool, o)
                    : across_processes<std::string>(*pool, o);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << nlohmann::json{{"mode", o.mode},
                              {"values", moved},
                              {"payload", o.payload},
                              {"producers", o.producers},
                              {"consumers", o.consumers},
                              {"capacity", o.capacity},
                              {"seconds", seconds},
                              {"per_second", static_cast<double>(moved) / seconds}}
            << '\n';
  return moved == o.values ? 0 : 1;
}

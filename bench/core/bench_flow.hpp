#pragma once
// The flow benchmarks of bench_core (bench_flow.cpp): pipeline_3stage and channel_2x2, pardo
// beside oneTBB.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

#include <pardo/pardo.hpp>

/// Registers them with `add`, to run on `pool` (of `threads` workers; TBB is capped by main).
void register_flow_benchmarks(pardo::ThreadPool& pool, std::size_t threads,
                              void (*add)(const std::string&, void (*)(benchmark::State&)));

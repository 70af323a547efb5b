// Monte Carlo pi on CUDA devices: the host's side (blocks, launches, stops, the summary); the
// kernel is in runtime.cu.
#include "pardo/cuda/pi.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/devices.hpp"
#include "cuda/runtime.hpp"
#include "pardo/random/stream.hpp"
#include "pardo/workload/blocks.hpp"

namespace pardo::cuda {

namespace {

// One run's blocks on its devices: launches of `per_launch` blocks dealt round-robin.
class PiLaunches {
 public:
  PiLaunches(const mc::PiOptions& options, const RunControl& control, std::uint64_t per_launch)
      : options_(options),
        control_(control),
        key_(random::derive_key(options.seed)),
        size_(mc::pi_block_samples(options)),
        total_(mc::pi_blocks(options)),
        per_launch_(per_launch),
        blocks_(total_) {}

  // Launches k, k + stride, ... on `device`, until they run out or a stop is requested.
  void run(int device, std::uint64_t k, std::uint64_t stride) {
    const std::uint64_t launches = (total_ + per_launch_ - 1) / per_launch_;
    std::vector<std::uint64_t> counts(per_launch_);
    for (std::uint64_t l = k; l < launches; l += stride) {
      if (control_.stop.stop_requested()) return;
      const std::uint64_t first = l * per_launch_;
      const std::uint64_t n = std::min<std::uint64_t>(per_launch_, total_ - first);
      // Every block holds size_ samples but the run's last, which may hold fewer.
      const std::uint64_t last_samples = samples_of(first + n - 1);
      const std::uint64_t uniform = last_samples == size_ ? n : n - 1;
      if (uniform > 0 && !count(device, first, uniform, size_ / 2, counts.data())) return;
      if (uniform < n &&
          !count(device, first + uniform, 1, last_samples / 2, counts.data() + uniform)) {
        return;
      }
      std::uint64_t samples = 0;
      const std::lock_guard lock(mutex_);
      for (std::uint64_t i = 0; i < n; ++i) {
        const std::uint64_t b = first + i;
        blocks_[b] = counts[i] + odd_point(b);
        samples += samples_of(b);
      }
      advance_progress(control_.progress, samples);
    }
  }

  BlockRun<std::uint64_t> take() {
    BlockRun<std::uint64_t> run;
    run.blocks = std::move(blocks_);
    run.info.blocks_total = total_;
    run.info.blocks_done = static_cast<std::uint64_t>(std::count_if(
        run.blocks.begin(), run.blocks.end(), [](const auto& b) { return b.has_value(); }));
    run.info.complete = run.info.blocks_done == total_;
    run.info.backend = "cuda";
    return run;
  }

 private:
  std::uint64_t samples_of(std::uint64_t b) const {
    return std::min(size_, options_.samples - b * size_);
  }

  // Blocks [first, first + n) of `pairs` Philox blocks each into counts: in one launch, or a
  // block longer than a launch in several, the stop checked between them; false if it stopped.
  bool count(int device, std::uint64_t first, std::uint64_t n, std::uint64_t pairs,
             std::uint64_t* counts) const {
    if (pairs <= detail::max_launch_pairs / n) {
      detail::count_pi_blocks(device, key_[0], key_[1], first, static_cast<std::size_t>(n), 0,
                              pairs, counts);
      return true;
    }
    for (std::uint64_t i = 0; i < n; ++i) {
      counts[i] = 0;
      for (std::uint64_t begin = 0; begin < pairs; begin += detail::max_launch_pairs) {
        if (begin > 0 && control_.stop.stop_requested()) return false;
        std::uint64_t part = 0;
        detail::count_pi_blocks(device, key_[0], key_[1], first + i, 1, begin,
                                std::min(detail::max_launch_pairs, pairs - begin), &part);
        counts[i] += part;
      }
    }
    return true;
  }

  // A block of an odd number of samples takes the first point of one more Philox block, as the
  // CPU's count does.
  std::uint64_t odd_point(std::uint64_t b) const {
    const std::uint64_t samples = samples_of(b);
    if (samples % 2 == 0) return 0;
    return random::detail::first_point_in_quarter_disc(key_[0], key_[1], b, samples / 2) ? 1 : 0;
  }

  const mc::PiOptions& options_;
  const RunControl& control_;
  random::Key key_;
  std::uint64_t size_;
  std::uint64_t total_;
  std::uint64_t per_launch_;
  std::mutex mutex_;
  std::vector<std::optional<std::uint64_t>> blocks_;
};

}  // namespace

mc::PiResult estimate_pi(const mc::PiOptions& options, const RunControl& control,
                         const Devices& where) {
  mc::validate(options);
  if (options.method != mc::PiMethod::simd) {
    throw std::invalid_argument("cuda::estimate_pi: method " +
                                std::string(mc::to_string(options.method)) +
                                " runs on the CPU only; the GPU counts as method simd does");
  }
  if (control.checkpoint != nullptr) {
    throw std::invalid_argument("cuda::estimate_pi: checkpoints are not supported on the GPU");
  }
  const std::vector<int> chosen = detail::chosen_devices(where, "estimate_pi");
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t size = mc::pi_block_samples(options);
  // About 2^32 points a launch, and at most 2^20 blocks (8 MiB of counts).
  const std::uint64_t per_launch =
      where.blocks_per_launch != 0
          ? where.blocks_per_launch
          : std::clamp<std::uint64_t>((std::uint64_t{1} << 32) / size, 1, std::uint64_t{1} << 20);
  start_phase(control.progress, "sampling", "samples", options.samples);
  PiLaunches launches(options, control, per_launch);
  detail::on_each_device(
      chosen, [&](int device, std::size_t i) { launches.run(device, i, chosen.size()); });
  BlockRun<std::uint64_t> run = launches.take();
  run.info.workers = chosen.size();
  run.info.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return mc::detail::summarise(options, run);
}

}  // namespace pardo::cuda

#include "birthday.hpp"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <pardo/random/distributions.hpp>
#include <pardo/random/stream.hpp>
#include <pardo/remote/remote.hpp>
#include <stdexcept>
#include <string>

namespace birthday {

void validate(const Options& options) {
  if (options.people == 0 || options.people > 365) {
    throw std::invalid_argument("birthday: people must be in [1, 365], got " +
                                std::to_string(options.people));
  }
  if (options.trials == 0) throw std::invalid_argument("birthday: trials must be positive, got 0");
  if (options.block_trials == 0) {
    throw std::invalid_argument("birthday: block_trials must be positive, got 0");
  }
}

std::uint64_t blocks(const Options& options) noexcept {
  if (options.block_trials == 0) return 0;
  return options.trials / options.block_trials +
         (options.trials % options.block_trials != 0 ? 1 : 0);
}

double exact(std::uint32_t people) {
  double distinct = 1;
  for (std::uint32_t k = 0; k < people; ++k) distinct *= (365.0 - k) / 365.0;
  return 1 - distinct;
}

namespace detail {

std::uint64_t count_shared(const Options& options, std::uint64_t block) {
  const std::uint64_t first = block * options.block_trials;
  const std::uint64_t trials = std::min(options.block_trials, options.trials - first);
  pardo::random::Stream stream(options.seed, block);
  std::uint64_t shared = 0;
  for (std::uint64_t t = 0; t < trials; ++t) {
    std::bitset<365> seen;
    for (std::uint32_t p = 0; p < options.people; ++p) {
      const auto day = static_cast<std::size_t>(pardo::random::uniform_int(stream, 0, 364));
      if (seen[day]) {
        ++shared;
        break;
      }
      seen[day] = true;
    }
  }
  return shared;
}

std::uint64_t birthday_block(BirthdayTask task) { return count_shared(task.options, task.block); }
PARDO_REMOTE(birthday_block);

Result summarise(const Options& options, const pardo::BlockRun<std::uint64_t>& run) {
  Result r;
  r.run = run.info;
  for (std::uint64_t b = 0; b < run.blocks.size(); ++b) {
    if (!run.blocks[b]) continue;
    r.shared += *run.blocks[b];
    r.trials += std::min(options.block_trials, options.trials - b * options.block_trials);
  }
  r.interval.level = 0.95;
  if (r.trials == 0) {
    r.probability = r.std_error = r.interval.low = r.interval.high = std::nan("");
    return r;
  }
  const double n = static_cast<double>(r.trials);
  r.probability = static_cast<double>(r.shared) / n;
  r.std_error = std::sqrt(r.probability * (1 - r.probability) / n);
  r.interval.low = r.probability - 1.959963984540054 * r.std_error;
  r.interval.high = r.probability + 1.959963984540054 * r.std_error;
  return r;
}

}  // namespace detail
}  // namespace birthday

#include "pardo/core/progress.hpp"

#include <utility>

#include "pardo/core/detail/trace.hpp"

namespace pardo {

Progress::~Progress() {
  if (detail::trace::on() && !phase_.empty()) detail::trace::record_phase(phase_, started_ticks_);
}

void Progress::start_phase(std::string phase, std::string unit, std::uint64_t total) {
  const std::lock_guard lock(mutex_);
  if (detail::trace::on() && !phase_.empty()) detail::trace::record_phase(phase_, started_ticks_);
  started_ticks_ = detail::trace::ticks();
  phase_ = std::move(phase);
  unit_ = std::move(unit);
  total_ = total;
  ++phase_number_;
  started_ = std::chrono::steady_clock::now();
  done_.store(0, std::memory_order_relaxed);
}

Progress::Snapshot Progress::snapshot() const {
  const std::lock_guard lock(mutex_);
  return {phase_,
          unit_,
          done_.load(std::memory_order_relaxed),
          total_,
          phase_number_,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()};
}

}  // namespace pardo

#pragma once
// A worker's inbox: jobs from threads outside the pool. Producers push with one CAS; the
// owner or a thief takes the whole list with another, so no lock is shared with producers.
// A closed inbox (its worker has exited) refuses pushes.

#include <atomic>

#include "pardo/core/detail/job.hpp"

namespace pardo::detail {

class Inbox {
 public:
  /// Adds a job; false if the inbox is closed.
  bool push(Job* job) noexcept {
    Job* head = head_.load(std::memory_order_relaxed);
    do {
      if (head == closed()) return false;
      job->next_in_inbox = head;
    } while (!head_.compare_exchange_weak(head, job, std::memory_order_seq_cst,
                                          std::memory_order_relaxed));
    return true;
  }

  /// Takes every job, newest first (linked by next_in_inbox), or null if there is none.
  Job* take_all() noexcept {
    Job* head = head_.load(std::memory_order_seq_cst);
    while (head != nullptr && head != closed()) {
      if (head_.compare_exchange_weak(head, nullptr, std::memory_order_seq_cst,
                                      std::memory_order_seq_cst)) {
        return head;
      }
    }
    return nullptr;
  }

  bool empty() const noexcept {
    Job* head = head_.load(std::memory_order_seq_cst);
    return head == nullptr || head == closed();
  }

  /// Closes an empty inbox; false if jobs arrived first.
  bool try_close() noexcept {
    Job* expected = nullptr;
    return head_.compare_exchange_strong(expected, closed(), std::memory_order_seq_cst);
  }

 private:
  /// The address of a job that never runs marks a closed inbox.
  struct Marker final : Job {
    void execute() noexcept override {}
    void abandon() noexcept override {}
  };
  static Job* closed() noexcept {
    static Marker marker;
    return &marker;
  }

  alignas(64) std::atomic<Job*> head_{nullptr};
};

}  // namespace pardo::detail

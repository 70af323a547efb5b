#include "core/trace_buffer.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <mutex>
#include <utility>

namespace pardo::detail::trace {

namespace {

constexpr std::size_t first_block_bytes = std::size_t{64} << 10;
constexpr std::size_t largest_block_bytes = std::size_t{4} << 20;
/// Blocks kept for the next trace, all threads together.
constexpr std::size_t spare_bytes_kept = std::size_t{64} << 20;

struct SpareBlocks {
  std::mutex mutex;
  std::vector<std::pair<RawEvent*, std::size_t>> blocks;  // data, capacity
  std::size_t bytes = 0;
};

SpareBlocks& spare() {
  static auto* instance = new SpareBlocks();  // never destroyed: threads may outlive main
  return *instance;
}

}  // namespace

EventBuffer::EventBuffer(EventBuffer&& other) noexcept
    : blocks_(std::exchange(other.blocks_, {})), used_(std::exchange(other.used_, 0)) {}

EventBuffer& EventBuffer::operator=(EventBuffer&& other) noexcept {
  if (this != &other) {
    release_all();
    blocks_ = std::exchange(other.blocks_, {});
    used_ = std::exchange(other.used_, 0);
  }
  return *this;
}

EventBuffer::~EventBuffer() { release_all(); }

void EventBuffer::release_all() noexcept {
  for (const Block& b : blocks_) release(b);
  blocks_.clear();
  used_ = 0;
}

std::size_t EventBuffer::size() const noexcept {
  std::size_t n = 0;
  for (std::size_t b = 0; b + 1 < blocks_.size(); ++b) n += blocks_[b].capacity;
  return blocks_.empty() ? 0 : n + used_;
}

bool EventBuffer::push(const RawEvent& event) noexcept {
  if (blocks_.empty() || used_ == blocks_.back().capacity) {
    try {
      blocks_.reserve(blocks_.size() + 1);
    } catch (...) {
      return false;
    }
    const Block block = acquire(blocks_.size());
    if (block.data == nullptr) return false;
    blocks_.push_back(block);
    used_ = 0;
  }
  blocks_.back().data[used_++] = event;
  return true;
}

/// A block for the index-th of a buffer: a spare one, or a new mapping that doubles from
/// 64 KiB up to 4 MiB, so a thread that records little maps little.
EventBuffer::Block EventBuffer::acquire(std::size_t index) noexcept {
  {
    SpareBlocks& s = spare();
    const std::lock_guard lock(s.mutex);
    if (!s.blocks.empty()) {
      const auto [data, capacity] = s.blocks.back();
      s.blocks.pop_back();
      s.bytes -= capacity * sizeof(RawEvent);
      return {data, capacity};
    }
  }
  const std::size_t bytes =
      std::min(largest_block_bytes, first_block_bytes << std::min<std::size_t>(index, 6));
  void* data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (data == MAP_FAILED) return {};
  return {static_cast<RawEvent*>(data), bytes / sizeof(RawEvent)};
}

void EventBuffer::release(Block block) noexcept {
  const std::size_t bytes = block.capacity * sizeof(RawEvent);
  {
    SpareBlocks& s = spare();
    const std::lock_guard lock(s.mutex);
    if (s.bytes + bytes <= spare_bytes_kept) {
      try {
        s.blocks.emplace_back(block.data, block.capacity);
        s.bytes += bytes;
        return;
      } catch (...) {
        // No room to note it: unmapped below.
      }
    }
  }
  ::munmap(block.data, bytes);
}

}  // namespace pardo::detail::trace

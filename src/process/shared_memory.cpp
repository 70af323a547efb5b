// Shared segments: sealed memfd files mapped MAP_SHARED, attached through
// /proc/<creator pid>/fd/<fd>; and the robust process-shared mutex built on one.
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <ctime>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "pardo/process/shared_memory.hpp"

namespace pardo {

namespace detail {

namespace {

constexpr std::uint64_t segment_magic = 0x7061'7264'6f53'484d;  // "pardoSHM"
constexpr char memfd_name[] = "pardo-shared";
constexpr std::string_view memfd_link = "/memfd:pardo-shared (deleted)";
constexpr int size_seals = F_SEAL_SHRINK | F_SEAL_GROW;
// ftruncate takes an off_t, so a segment's size must fit one.
constexpr std::size_t max_segment_bytes = std::numeric_limits<off_t>::max();

// At the start of every segment. The creator writes it before its handle exists, and it is
// never written again, so attachers read it without synchronisation.
struct SegmentHeader {
  std::uint64_t magic;
  SharedHandle handle;
};
constexpr std::size_t header_bytes = 64;
static_assert(sizeof(SegmentHeader) <= header_bytes);

std::size_t data_offset(const ElementType& type) noexcept {
  return type.align > header_bytes ? type.align : header_bytes;
}

std::string owner_name(std::string_view owner, const ElementType& type) {
  std::string name(owner);
  if (!type.name.empty()) name.append("<").append(type.name).append(">");
  return name;
}

std::string describe(const SharedHandle& handle) {
  return "handle (pid " + std::to_string(handle.pid) + ", fd " + std::to_string(handle.fd) + ")";
}

std::string describe_type(std::uint32_t size, std::uint32_t align, std::uint64_t tag) {
  char hex[17];
  const char* end = std::to_chars(hex, hex + sizeof hex, tag, 16).ptr;
  return "size " + std::to_string(size) + ", align " + std::to_string(align) + ", tag 0x" +
         std::string(static_cast<const char*>(hex), end);
}

[[noreturn]] void throw_system_error(int error, const std::string& what) {
  throw std::system_error(error, std::system_category(), what);
}

// Reads errno before building the message, which may allocate and so change errno.
template <class Message>
[[noreturn]] void throw_errno(Message message) {
  const int error = errno;
  throw_system_error(error, message());
}

// Distinct within a process (the counter) and, in practice, across processes that reuse a
// pid (the clock); splitmix64's finaliser is a bijection, so it keeps inputs apart.
std::uint64_t fresh_id() noexcept {
  static std::atomic<std::uint64_t> counter{0};
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  std::uint64_t x = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000u +
                    static_cast<std::uint64_t>(now.tv_nsec) +
                    counter.fetch_add(1, std::memory_order_relaxed) * 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

SharedSegment::SharedSegment(std::string_view owner, ElementType type, std::size_t count) {
  const std::string who = owner_name(owner, type);
  if (count == 0) {
    throw std::invalid_argument(who + ": n == 0; a shared segment holds at least one element");
  }
  const std::size_t offset = data_offset(type);
  if (count > (max_segment_bytes - offset) / type.size) {
    throw std::invalid_argument(who + ": n = " + std::to_string(count) + " elements of " +
                                std::to_string(type.size) +
                                " bytes overflow the largest possible segment");
  }
  const std::size_t bytes = count * type.size;
  const std::size_t total = offset + bytes;

  FileDescriptor fd(memfd_create(memfd_name, MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (fd.get() < 0) throw_errno([&] { return who + ": memfd_create failed"; });
  if (ftruncate(fd.get(), static_cast<off_t>(total)) != 0) {
    throw_errno(
        [&] { return who + ": cannot size a segment to " + std::to_string(total) + " bytes"; });
  }
  // Nobody may resize the file later: shrinking it would crash every process mapping it.
  if (fcntl(fd.get(), F_ADD_SEALS, size_seals | F_SEAL_SEAL) != 0) {
    throw_errno([&] { return who + ": cannot seal a segment"; });
  }
  void* base = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED) {
    throw_errno([&] { return who + ": cannot map " + std::to_string(total) + " bytes"; });
  }
  base_ = base;
  mapped_bytes_ = total;
  data_ = static_cast<std::byte*>(base) + offset;
  fd_ = fd.release();
  handle_ = {getpid(), fd_, bytes, type.size, type.align, type.tag, fresh_id()};
  std::construct_at(static_cast<SegmentHeader*>(base), SegmentHeader{segment_magic, handle_});
}

SharedSegment SharedSegment::attach(std::string_view owner, ElementType type,
                                    const SharedHandle& handle, bool single) {
  const std::string who = owner_name(owner, type) + "::attach: " + describe(handle);
  if (handle.element_size != type.size || handle.element_align != type.align ||
      handle.type_tag != type.tag) {
    throw std::invalid_argument(
        who + " names a segment of another element type (" +
        describe_type(handle.element_size, handle.element_align, handle.type_tag) + "), not " +
        (type.name.empty() ? std::string(owner) : std::string(type.name)) + " (" +
        describe_type(type.size, type.align, type.tag) + ")");
  }
  const std::size_t offset = data_offset(type);
  if (handle.bytes == 0 || handle.bytes % type.size != 0 ||
      handle.bytes > max_segment_bytes - offset || (single && handle.bytes != type.size)) {
    throw std::invalid_argument(who + " has a size of " + std::to_string(handle.bytes) +
                                " bytes, not " +
                                (single ? "one element" : "a whole number of elements") + " of " +
                                std::to_string(type.size) + " bytes");
  }
  if (handle.pid <= 0 || handle.fd < 0) {
    throw std::invalid_argument(who + " does not name a segment (a default or moved-from handle)");
  }

  const std::string path =
      "/proc/" + std::to_string(handle.pid) + "/fd/" + std::to_string(handle.fd);
  // Look before opening: opening whatever a reused fd number names now could have effects.
  char target[256];
  const ssize_t length = readlink(path.c_str(), target, sizeof target);
  if (length < 0) {
    throw_errno([&] {
      return who + ": cannot reach " + path + " (has the creator exited or destroyed the segment?)";
    });
  }
  if (std::string_view(target, static_cast<std::size_t>(length)) != memfd_link) {
    throw std::invalid_argument(who + ": " + path + " is \"" +
                                std::string(target, static_cast<std::size_t>(length)) +
                                "\", not a pardo shared segment (the creator destroyed it)");
  }
  FileDescriptor fd(open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) throw_errno([&] { return who + ": cannot open " + path; });
  const int seals = fcntl(fd.get(), F_GET_SEALS);
  struct stat status {};
  if (seals < 0 || (seals & size_seals) != size_seals || fstat(fd.get(), &status) != 0 ||
      static_cast<std::size_t>(status.st_size) != offset + handle.bytes) {
    throw std::invalid_argument(who + ": " + path + " is not a pardo segment of " +
                                std::to_string(handle.bytes) + " bytes (a stale handle?)");
  }
  const std::size_t total = offset + handle.bytes;
  void* base = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED) throw_errno([&] { return who + ": cannot map " + path; });

  SharedSegment segment;  // unmaps on the way out if the header does not match
  segment.base_ = base;
  segment.mapped_bytes_ = total;
  segment.data_ = static_cast<std::byte*>(base) + offset;
  segment.handle_ = handle;
  const auto* header = static_cast<const SegmentHeader*>(base);
  if (header->magic != segment_magic || header->handle != handle) {
    throw std::invalid_argument(who + " does not match the segment at " + path +
                                " (a stale handle whose fd number was reused, or an altered one)");
  }
  return segment;
}

SharedSegment::SharedSegment(SharedSegment&& other) noexcept { swap(other); }

SharedSegment& SharedSegment::operator=(SharedSegment&& other) noexcept {
  SharedSegment old(std::move(other));
  swap(old);
  return *this;
}

SharedSegment::~SharedSegment() {
  if (base_ != nullptr) munmap(base_, mapped_bytes_);
  if (fd_ >= 0) close(fd_);
}

void SharedSegment::swap(SharedSegment& other) noexcept {
  std::swap(base_, other.base_);
  std::swap(mapped_bytes_, other.mapped_bytes_);
  std::swap(data_, other.data_);
  std::swap(fd_, other.fd_);
  std::swap(handle_, other.handle_);
}

}  // namespace detail

namespace {

struct MutexState {
  pthread_mutex_t mutex;
  std::atomic<bool> owner_died;  // written under the mutex; atomic so a stray read is benign
};
static_assert(std::atomic<bool>::is_always_lock_free);

constexpr std::string_view mutex_owner = "pardo::ProcessMutex";
// No type name: messages then name the class alone.
constexpr detail::ElementType mutex_type{detail::fnv1a(mutex_owner),
                                         static_cast<std::uint32_t>(sizeof(MutexState)),
                                         static_cast<std::uint32_t>(alignof(MutexState)),
                                         {}};

MutexState& state_of(const detail::SharedSegment& segment) noexcept {
  return *static_cast<MutexState*>(segment.data());
}

void check(int rc, const char* what, const SharedHandle& handle) {
  if (rc == 0) return;
  std::string message = std::string(what) + ": " + detail::describe(handle);
  if (rc == EDEADLK) message += ": this thread already holds the lock";
  if (rc == EPERM) message += ": this thread does not hold the lock";
  detail::throw_system_error(rc, message);
}

class MutexAttributes {
 public:
  MutexAttributes() { check(pthread_mutexattr_init(&attributes_), "pthread_mutexattr_init", {}); }
  MutexAttributes(const MutexAttributes&) = delete;
  MutexAttributes& operator=(const MutexAttributes&) = delete;
  ~MutexAttributes() { pthread_mutexattr_destroy(&attributes_); }
  pthread_mutexattr_t* get() noexcept { return &attributes_; }

 private:
  pthread_mutexattr_t attributes_;
};

// This thread holds the lock, but its previous owner died holding it: make it usable again
// and record that the data it guards may be half-updated.
void recover(MutexState& state, const char* what, const SharedHandle& handle) {
  const int rc = pthread_mutex_consistent(&state.mutex);
  if (rc != 0) {
    pthread_mutex_unlock(&state.mutex);
    check(rc, what, handle);
  }
  state.owner_died.store(true);
}

}  // namespace

ProcessMutex::ProcessMutex() : segment_(mutex_owner, mutex_type, 1) {
  MutexAttributes attributes;
  check(pthread_mutexattr_setpshared(attributes.get(), PTHREAD_PROCESS_SHARED),
        "pardo::ProcessMutex: pthread_mutexattr_setpshared", handle());
  check(pthread_mutexattr_setrobust(attributes.get(), PTHREAD_MUTEX_ROBUST),
        "pardo::ProcessMutex: pthread_mutexattr_setrobust", handle());
  // Error checking turns relocking and foreign unlocks into errors instead of deadlocks.
  check(pthread_mutexattr_settype(attributes.get(), PTHREAD_MUTEX_ERRORCHECK),
        "pardo::ProcessMutex: pthread_mutexattr_settype", handle());
  MutexState* state = ::new (segment_.data()) MutexState{};
  check(pthread_mutex_init(&state->mutex, attributes.get()),
        "pardo::ProcessMutex: pthread_mutex_init", handle());
  // Never pthread_mutex_destroy: other processes may still use the mutex after this object
  // is gone, and a Linux mutex holds no resources beyond its memory.
}

ProcessMutex ProcessMutex::attach(const SharedHandle& handle) {
  return ProcessMutex(detail::SharedSegment::attach(mutex_owner, mutex_type, handle, true));
}

void ProcessMutex::lock() {
  MutexState& state = state_of(segment_);
  const int rc = pthread_mutex_lock(&state.mutex);
  if (rc == EOWNERDEAD) {
    recover(state, "pardo::ProcessMutex::lock", handle());
  } else {
    check(rc, "pardo::ProcessMutex::lock", handle());
  }
}

bool ProcessMutex::try_lock() {
  MutexState& state = state_of(segment_);
  const int rc = pthread_mutex_trylock(&state.mutex);
  if (rc == EBUSY) return false;
  if (rc == EOWNERDEAD) {
    recover(state, "pardo::ProcessMutex::try_lock", handle());
  } else {
    check(rc, "pardo::ProcessMutex::try_lock", handle());
  }
  return true;
}

void ProcessMutex::unlock() {
  check(pthread_mutex_unlock(&state_of(segment_).mutex), "pardo::ProcessMutex::unlock", handle());
}

bool ProcessMutex::previous_owner_died() noexcept {
  return state_of(segment_).owner_died.exchange(false);
}

}  // namespace pardo

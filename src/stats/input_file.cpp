// Whole-file reads by POSIX calls: errno gives the reason a file cannot be read, which
// std::ifstream hides, and fstat tells a directory (which ifstream opens and reads as empty).
#include "stats/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "core/validate.hpp"

namespace pardo::stats::detail {

namespace {

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail(std::string_view caller, const std::string& path, const std::string& why) {
  pardo::detail::throw_invalid(caller, path + ": " + why);
}

}  // namespace

std::string read_file(const std::string& path, std::string_view caller) {
  const Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    fail(caller, path, std::string("cannot open the file: ") + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    fail(caller, path, std::string("cannot read the file: ") + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) fail(caller, path, "is a directory, not a file");
  // Read straight into the string: one byte more than the size, so that the read that
  // meets the end of a regular file needs no growth.
  std::string bytes(S_ISREG(info.st_mode) ? static_cast<std::size_t>(info.st_size) + 1 : 1 << 16,
                    '\0');
  std::size_t used = 0;
  for (;;) {
    if (used == bytes.size()) bytes.resize(2 * bytes.size());
    const ssize_t n = ::read(fd.get(), bytes.data() + used, bytes.size() - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(caller, path, std::string("cannot read the file: ") + std::strerror(errno));
    }
    used += static_cast<std::size_t>(n);
  }
  bytes.resize(used);
  return bytes;
}

std::string read_stream(std::istream& in) {
  std::string bytes;
  // A seekable stream says its size: one allocation, no copies as the string grows.
  const std::istream::pos_type start = in.tellg();
  if (start != std::istream::pos_type(-1) && in.seekg(0, std::ios::end)) {
    const std::istream::pos_type end = in.tellg();
    in.seekg(start);
    if (end > start) bytes.reserve(static_cast<std::size_t>(end - start));
  }
  in.clear();
  std::array<char, 1 << 16> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    bytes.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  return bytes;
}

}  // namespace pardo::stats::detail

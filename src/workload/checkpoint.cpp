#include "pardo/workload/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "pardo/core/version.hpp"

namespace pardo {

namespace {

// "PARDOCK" and the format's version.
constexpr std::string_view magic = "PARDOCK1";

std::uint32_t crc_of(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes at most uInt bytes at a time.
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - at, 1U << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
    at += n;
  }
  return static_cast<std::uint32_t>(crc);
}

std::string system_error(const std::filesystem::path& path, const char* doing, int error) {
  return path.string() + ": cannot " + doing + ": " + std::strerror(error);
}

// Writes all of `bytes` to `fd`, through short writes and signals.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The identity a checkpoint carries: the caller's fields, and pardo's version (another
// version may compute a block differently).
RunIdentity full_identity(const RunIdentity& identity) {
  RunIdentity full{{"pardo", std::string(version())}};
  full.insert(full.end(), identity.begin(), identity.end());
  return full;
}

// "seed is '42' there and '43' here; data is ..." for the fields that differ.
std::string differences(const RunIdentity& there, const RunIdentity& here) {
  std::map<std::string, std::string> theirs(there.begin(), there.end());
  std::map<std::string, std::string> ours(here.begin(), here.end());
  std::string out;
  const auto add = [&](const std::string& text) { out += (out.empty() ? "" : "; ") + text; };
  for (const auto& [name, value] : here) {
    const auto it = theirs.find(name);
    if (it == theirs.end()) {
      add(name + " is '" + value + "' here and absent there");
    } else if (it->second != value) {
      add(name + " is '" + it->second + "' there and '" + value + "' here");
    }
  }
  for (const auto& [name, value] : there) {
    if (!ours.contains(name)) add(name + " is '" + value + "' there and absent here");
  }
  return out.empty() ? "its fields come in another order" : out;
}

}  // namespace

Checkpoint::Checkpoint(CheckpointOptions options) : options_(std::move(options)) {
  if (!std::isfinite(options_.every.count()) || options_.every.count() < 0) {
    throw std::invalid_argument("Checkpoint: every is " + std::to_string(options_.every.count()) +
                                " s; it must be a finite number of seconds, 0 or more");
  }
  options_.identity = full_identity(options_.identity);
  if (!options_.resume.empty()) load();
  if (options_.file.empty()) return;
  // A write renames a new file over FILE: a device or a directory there would be replaced.
  std::error_code ec;
  const auto status = std::filesystem::status(options_.file, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    throw CheckpointError(options_.file.string() +
                          ": not a regular file: a checkpoint replaces the file it names");
  }
  write();
}

std::size_t Checkpoint::restored() const { return restored_; }

std::string Checkpoint::write_error() const {
  const std::lock_guard lock(mutex_);
  return write_error_;
}

std::uint64_t Checkpoint::writes() const {
  const std::lock_guard lock(mutex_);
  return writes_;
}

std::uint32_t Checkpoint::open_section(std::string_view phase) {
  const std::lock_guard lock(mutex_);
  const auto section = static_cast<std::uint32_t>(sections_.size());
  if (section < restored_sections_.size() && restored_sections_[section] != phase) {
    throw CheckpointError(options_.resume.string() + ": the resumed run's step " +
                          std::to_string(section + 1) + " was '" + restored_sections_[section] +
                          "', this run's is '" + std::string(phase) +
                          "': the run does not repeat itself, so it cannot resume");
  }
  sections_.emplace_back(phase);
  ++changes_;
  return section;
}

std::optional<std::string> Checkpoint::restored_bytes(std::uint32_t section,
                                                      std::uint64_t block) const {
  const std::lock_guard lock(mutex_);
  // A copy: a block recorded again meanwhile replaces these bytes.
  const auto it = blocks_.find({section, block});
  if (it == blocks_.end()) return std::nullopt;
  return it->second;
}

std::string Checkpoint::describe(std::uint32_t section, std::uint64_t block) const {
  const std::lock_guard lock(mutex_);
  const std::string phase = section < sections_.size() ? sections_[section] : "?";
  return options_.resume.string() + ": block " + std::to_string(block) + " of '" + phase + "'";
}

bool Checkpoint::due_held() const {
  return !options_.file.empty() && std::chrono::steady_clock::now() - last_write_ >= options_.every;
}

bool Checkpoint::due() const {
  const std::lock_guard lock(mutex_);
  return due_held();
}

void Checkpoint::keep(std::uint32_t section, std::uint64_t block, std::string&& bytes,
                      bool may_write) {
  {
    const std::lock_guard lock(mutex_);
    blocks_.insert_or_assign({section, block}, std::move(bytes));
    ++changes_;
    if (!may_write || !due_held()) return;
  }
  // One writer at a time; a block finishing meanwhile goes on, and is in the next write.
  const std::unique_lock writing(writing_, std::try_to_lock);
  if (!writing.owns_lock()) return;
  {
    const std::lock_guard lock(mutex_);
    if (!due_held()) return;  // another block's thread wrote just now
  }
  write_held_noting_failure();
}

void Checkpoint::write() {
  if (options_.file.empty()) return;
  const std::lock_guard writing(writing_);
  write_held();
}

bool Checkpoint::try_write() noexcept {
  try {
    if (options_.file.empty()) return true;
    const std::lock_guard writing(writing_);
    return write_held_noting_failure();
  } catch (...) {  // the lock, or memory for the message: nothing a caller could do better
    return false;
  }
}

bool Checkpoint::write_held_noting_failure() {
  try {
    write_held();
    return true;
  } catch (const CheckpointError& e) {
    const std::lock_guard lock(mutex_);
    write_error_ = e.what();
    last_write_ = std::chrono::steady_clock::now();  // try again after `every`, not at once
    return false;
  }
}

std::string Checkpoint::snapshot(std::uint64_t& changes) const {
  std::string bytes(magic);
  wire::Writer out(bytes);
  const std::lock_guard lock(mutex_);
  changes = changes_;
  wire::encode(out, options_.identity);
  // The resumed run's steps past this run's so far stay: their blocks are kept too.
  wire::encode(out, sections_.size() >= restored_sections_.size() ? sections_ : restored_sections_);
  wire::encode(out, static_cast<std::uint64_t>(blocks_.size()));
  for (const auto& [key, output] : blocks_) {
    wire::encode(out, key.first);
    wire::encode(out, key.second);
    wire::encode(out, output);
  }
  wire::encode(out, crc_of(bytes));
  return bytes;
}

void Checkpoint::write_held() {
  {
    const std::lock_guard lock(mutex_);
    if (written_changes_ == changes_) return;  // the file holds every block already
  }
  std::uint64_t changes = 0;
  const std::string bytes = snapshot(changes);
  const std::filesystem::path& file = options_.file;
  std::filesystem::path temporary = file;
  temporary += ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw CheckpointError(system_error(temporary, "create", errno));
  const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
  const int error = errno;
  if (::close(fd) != 0 || !written) {
    ::unlink(temporary.c_str());
    throw CheckpointError(system_error(file, "write", written ? errno : error));
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(temporary.c_str());
    throw CheckpointError(system_error(file, "replace", rename_error));
  }
  // The rename itself lasts once the directory is synced.
  const std::filesystem::path parent = file.has_parent_path() ? file.parent_path() : ".";
  if (const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  const std::lock_guard lock(mutex_);
  last_write_ = std::chrono::steady_clock::now();
  write_error_.clear();
  written_changes_ = changes;
  ++writes_;
}

void Checkpoint::load() {
  const std::filesystem::path& path = options_.resume;
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    throw CheckpointError(path.string() + ": is a directory, not a checkpoint");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT && options_.resume_if_missing) return;
    throw CheckpointError(system_error(path, "open", errno));
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CheckpointError(system_error(path, "read", errno));
  const auto corrupt = [&](const std::string& why) {
    return CheckpointError(path.string() + ": not a pardo checkpoint, or a damaged one: " + why);
  };
  if (!std::string_view(bytes).starts_with(magic)) throw corrupt("it does not begin with PARDOCK1");
  if (bytes.size() < magic.size() + sizeof(std::uint32_t)) throw corrupt("it is truncated");
  const std::string_view body(bytes.data(), bytes.size() - sizeof(std::uint32_t));
  std::uint32_t stored_crc = 0;
  std::memcpy(&stored_crc, bytes.data() + body.size(), sizeof stored_crc);
  if (crc_of(body) != stored_crc) throw corrupt("its CRC-32 does not match its contents");
  try {
    wire::Reader reader(body.substr(magic.size()));
    const auto identity = wire::decode<RunIdentity>(reader);
    if (identity != options_.identity) {
      throw CheckpointError(path.string() + ": the checkpoint is from another run: " +
                            differences(identity, options_.identity));
    }
    restored_sections_ = wire::decode<std::vector<std::string>>(reader);
    const auto count = wire::decode<std::uint64_t>(reader);
    for (std::uint64_t i = 0; i < count; ++i) {
      const auto section = wire::decode<std::uint32_t>(reader);
      const auto block = wire::decode<std::uint64_t>(reader);
      if (section >= restored_sections_.size()) throw corrupt("a block of an unknown step");
      blocks_.insert_or_assign({section, block}, wire::decode<std::string>(reader));
    }
    reader.expect_end();
  } catch (const SerializationError& e) {
    throw corrupt(e.what());
  }
  restored_ = blocks_.size();
}

}  // namespace pardo

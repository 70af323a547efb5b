#include "remote/protocol.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "pardo/core/detail/trace.hpp"
#include "pardo/remote/wire.hpp"

namespace pardo::detail::protocol {

void append_failure(std::string& out, const FailureReport& failure) {
  const std::size_t mark = out.size();
  wire::Writer writer(out);
  wire::encode(writer, static_cast<std::uint8_t>(failure.kind));
  wire::encode(writer, failure.type);
  wire::encode(writer, failure.message);
  const auto length = static_cast<std::uint32_t>(out.size() - mark);
  wire::encode(writer, length);
}

Reply parse_reply(std::string_view payload, std::uint16_t flags) {
  std::optional<TaskTimes> times;
  if ((flags & flag_traced) != 0) {
    if (payload.size() < 2 * sizeof(std::int64_t)) {
      throw SerializationError("result frame too short for its task times");
    }
    TaskTimes t;
    const char* at = payload.data() + payload.size() - 2 * sizeof(std::int64_t);
    std::memcpy(&t.start_ns, at, sizeof t.start_ns);
    std::memcpy(&t.end_ns, at + sizeof t.start_ns, sizeof t.end_ns);
    times = t;
    payload.remove_suffix(2 * sizeof(std::int64_t));
  }
  if ((flags & flag_failed) == 0) return {payload, std::nullopt, times};
  std::uint32_t length = 0;
  if (payload.size() < sizeof length) {
    throw SerializationError("result frame too short for its failure block");
  }
  std::memcpy(&length, payload.data() + payload.size() - sizeof length, sizeof length);
  if (length > payload.size() - sizeof length) {
    throw SerializationError("failure block of " + std::to_string(length) +
                             " bytes in a payload of " + std::to_string(payload.size()));
  }
  const std::size_t start = payload.size() - sizeof length - length;
  wire::Reader reader(payload.substr(start, length));
  FailureReport failure;
  const auto kind = wire::decode<std::uint8_t>(reader);
  if (kind > static_cast<std::uint8_t>(FailureReport::Kind::unencodable_result)) {
    throw SerializationError("unknown failure kind " + std::to_string(kind));
  }
  failure.kind = static_cast<FailureReport::Kind>(kind);
  failure.type = wire::decode<std::string>(reader);
  failure.message = wire::decode<std::string>(reader);
  reader.expect_end();
  return {payload.substr(0, start), std::move(failure), times};
}

bool write_all(int fd, std::string_view data) noexcept {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void run_task(const FrameView& frame, std::string& out) {
  const bool traced = (frame.header.flags & flag_traced) != 0;
  const std::int64_t started = traced ? trace::monotonic_ns() : 0;
  const std::size_t at = begin_frame(out, FrameKind::result, frame.header.id);
  std::uint32_t ok = 0;
  std::uint16_t flags = 0;
  FailureReport failure;
  wire::Reader args(frame.payload);
  try {
    const auto id = wire::decode<std::uint64_t>(args);
    const auto entry = find_remote(id);
    if (!entry || entry->invoke == nullptr)
      throw SerializationError("unknown remote function id " + std::to_string(id));
    wire::Writer results(out);
    ok = entry->invoke(args, frame.header.aux, results, failure);
    if (ok == frame.header.aux) args.expect_end();
  } catch (...) {
    describe_current_exception(failure, FailureReport::Kind::bad_arguments);
  }
  if (ok < frame.header.aux) {
    flags = flag_failed;
    append_failure(out, failure);
  }
  if (traced) {
    const std::int64_t times[2] = {started, trace::monotonic_ns()};
    out.append(reinterpret_cast<const char*>(times), sizeof times);
    flags = static_cast<std::uint16_t>(flags | flag_traced);
  }
  set_aux_and_flags(out, at, ok, flags);
  try {
    end_frame(out, at);
  } catch (...) {
    // The results are over the frame limit: report that instead of them.
    FailureReport too_big;
    describe_current_exception(too_big, FailureReport::Kind::unencodable_result);
    const std::size_t again = begin_frame(out, FrameKind::result, frame.header.id);
    append_failure(out, too_big);
    set_aux_and_flags(out, again, 0, flag_failed);
    end_frame(out, again);
  }
}

}  // namespace pardo::detail::protocol

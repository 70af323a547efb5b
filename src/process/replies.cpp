// What workers send the parent: a hello (then the initializer, if the pool has one), and
// results in the order their jobs were sent. Anything else is a protocol violation, which
// is treated as a crash.

#include <chrono>
#include <csignal>
#include <exception>
#include <string>
#include <utility>

#include "pardo/core/detail/trace.hpp"
#include "pardo/remote/remote.hpp"
#include "process/process_core_impl.hpp"

namespace pardo::detail {

using process::InFlight;
using process::Phase;

void ProcessCore::Impl::handle_frame(Worker& w, const FrameView& frame) {
  switch (frame.header.kind) {
    case FrameKind::hello:
      return on_hello(w, frame);
    case FrameKind::result:
      return on_result(w, frame);
    default:
      throw SerializationError("unexpected frame kind " +
                               std::to_string(static_cast<int>(frame.header.kind)));
  }
}

void ProcessCore::Impl::on_hello(Worker& w, const FrameView& frame) {
  if (w.phase == Phase::exiting) return;  // told to exit before it said hello
  if (w.phase != Phase::starting) throw SerializationError("a second hello");
  if (frame.header.aux != protocol::version) {
    throw SerializationError("protocol version " + std::to_string(frame.header.aux) +
                             ", expected " + std::to_string(protocol::version));
  }
  wire::Reader reader(frame.payload);
  if (wire::decode<std::uint64_t>(reader) != registry_fingerprint()) {
    throw SerializationError(
        "its table of remote functions differs from the parent's (was the binary replaced?)");
  }
  if (options.initializer) {
    send_initializer(w);
  } else {
    becomes_ready(w);
  }
}

/// The initializer travels as a job of its own, with no RemoteJob behind it.
void ProcessCore::Impl::send_initializer(Worker& w) {
  const std::uint64_t id = next_id++;
  const std::size_t at = begin_frame(w.out, FrameKind::task, id, 1);
  wire::Writer writer(w.out);
  wire::encode(writer, options.initializer->function());
  writer.write(options.initializer->args().data(), options.initializer->args().size());
  end_frame(w.out, at);
  w.inflight.push_back({id, nullptr});
  w.head_started = Clock::now();
  w.phase = Phase::initializing;
  flush(w);
}

void ProcessCore::Impl::becomes_ready(Worker& w) {
  w.phase = Phase::ready;
  start_failures = 0;
}

void ProcessCore::Impl::on_result(Worker& w, const FrameView& frame) {
  if (w.inflight.empty() || w.inflight.front().id != frame.header.id) {
    throw SerializationError("a reply to job " + std::to_string(frame.header.id) + " out of order");
  }
  const protocol::Reply reply = protocol::parse_reply(frame.payload, frame.header.flags);
  InFlight done = std::move(w.inflight.front());
  w.inflight.pop_front();
  const auto now = Clock::now();
  const double took = std::chrono::duration<double>(now - w.head_started).count();
  w.task_seconds = w.task_seconds <= 0 ? took : 0.5 * w.task_seconds + 0.5 * took;
  w.head_started = now;
  if (!done.job) {
    on_initialized(w, reply);
    return;
  }
  if (reply.times) {
    // A worker process runs on this host's clock.
    trace::record_remote(remote_name(done.job->function()), static_cast<std::uint32_t>(w.pid),
                         static_cast<std::uint32_t>(w.pid),
                         {.start_ns = reply.times->start_ns,
                          .end_ns = reply.times->end_ns,
                          .first = done.job->first_index(),
                          .last = done.job->first_index() + done.job->count()});
  }
  wire::Reader results(reply.results);
  // Counted first: whoever the completion wakes sees the calls counted.
  advance_progress(done.job->progress, frame.header.aux);
  done.job->complete(results, frame.header.aux, reply.failure ? &*reply.failure : nullptr);
}

void ProcessCore::Impl::on_initialized(Worker& w, const protocol::Reply& reply) {
  if (!reply.failure) {
    becomes_ready(w);
    return;
  }
  break_pool(std::make_exception_ptr(
      RemoteError(reply.failure->type,
                  std::string("ProcessPool initializer failed: ") + reply.failure->message)));
  w.phase = Phase::ready;  // so that it is told to exit
}

void ProcessCore::Impl::protocol_violation(Worker& w, const std::string& what) {
  if (w.protocol_error.empty()) w.protocol_error = "sent a malformed reply: " + what;
  ::kill(w.pid, SIGKILL);
}

}  // namespace pardo::detail

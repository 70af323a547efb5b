#include <cxxabi.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include "core/demangle.hpp"
#include "pardo/remote/detail/registry.hpp"

namespace pardo::detail {

namespace {

std::uint64_t name_hash(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

struct Entry {
  std::string name;
  std::string signature;
  AnyFunction address;
  RemoteInvoker invoke;
  const std::type_info* type;
  bool ambiguous = false;
};

// Registration runs during static initialisation, lookups from any thread later.
struct Registry {
  std::mutex mutex;
  std::unordered_map<std::uint64_t, Entry> by_id;
  std::unordered_map<AnyFunction, std::uint64_t> by_address;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

void describe_current_exception(FailureReport& report, FailureReport::Kind kind) noexcept {
  report.kind = kind;
  try {
    try {
      throw;
    } catch (const std::exception& e) {
      report.type = demangle(typeid(e).name());
      report.message = e.what();
    } catch (...) {
      const std::type_info* type = abi::__cxa_current_exception_type();
      report.type = type != nullptr ? demangle(type->name()) : "unknown exception";
      report.message.clear();
    }
  } catch (...) {
    report.type = "unknown exception";  // describing it ran out of memory
  }
}

bool register_remote(std::string_view name, std::string_view file, const std::type_info& signature,
                     AnyFunction address, RemoteInvoker invoker) noexcept {
  try {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    if (r.by_address.contains(address)) return true;
    const std::string readable = demangle(signature.name());
    const std::uint64_t id = name_hash(readable, name_hash(file, name_hash(name)));
    auto [it, inserted] =
        r.by_id.try_emplace(id, Entry{std::string(name), readable, address, invoker, &signature});
    if (!inserted && it->second.address != address) it->second.ambiguous = true;
    r.by_address.emplace(address, id);
    return true;
  } catch (...) {
    std::fputs("pardo: out of memory registering a remote function\n", stderr);
    std::abort();
  }
}

std::uint64_t remote_id(AnyFunction address, const std::type_info& signature, const char* caller) {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  const auto found = r.by_address.find(address);
  if (found == r.by_address.end()) {
    std::ostringstream message;
    message << caller << ": the function " << demangle(signature.name()) << " at "
            << reinterpret_cast<void*>(address)
            << " is not registered for worker processes; add PARDO_REMOTE(its_name) (or "
               "PARDO_REMOTE_FUNCTION(its_name) for a function a workload calls) at namespace "
               "scope";
    throw std::invalid_argument(message.str());
  }
  const Entry& entry = r.by_id.at(found->second);
  if (entry.ambiguous) {
    throw std::invalid_argument(std::string(caller) + ": the remote name '" + entry.name + "' (" +
                                entry.signature +
                                ") is registered for two different functions; give them "
                                "distinct names with PARDO_REMOTE_AS(fn, \"name\")");
  }
  return found->second;
}

std::optional<RemoteEntry> find_remote(std::uint64_t id) noexcept {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  const auto it = r.by_id.find(id);
  if (it == r.by_id.end() || it->second.ambiguous) return std::nullopt;
  return RemoteEntry{it->second.name, it->second.invoke, it->second.address, it->second.type};
}

std::string_view remote_name(std::uint64_t id) noexcept {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  const auto it = r.by_id.find(id);
  return it == r.by_id.end() ? std::string_view("?") : std::string_view(it->second.name);
}

std::uint64_t registry_fingerprint() noexcept {
  auto& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::uint64_t> ids;
  ids.reserve(r.by_id.size());
  for (const auto& [id, entry] : r.by_id) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  std::uint64_t hash = name_hash("pardo-registry");
  for (const std::uint64_t id : ids) {
    hash = name_hash(std::string_view(reinterpret_cast<const char*>(&id), sizeof id), hash);
  }
  return hash;
}

}  // namespace pardo::detail

#include "pardo/core/workers.hpp"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/cgroup.hpp"

namespace pardo {

namespace {

// The CPUs of this thread's affinity mask; nullopt if the kernel will not say.
std::optional<std::size_t> affinity_cpus() noexcept {
  // Masks grow until the kernel's fits: machines with more than 1024 CPUs exist.
  for (int cpus = 1024; cpus <= (1 << 20); cpus *= 2) {
    cpu_set_t* set = CPU_ALLOC(static_cast<unsigned>(cpus));
    if (set == nullptr) return std::nullopt;
    const std::size_t bytes = CPU_ALLOC_SIZE(static_cast<unsigned>(cpus));
    CPU_ZERO_S(bytes, set);
    const int got = sched_getaffinity(0, bytes, set);
    const int error = errno;
    const int count = CPU_COUNT_S(bytes, set);
    CPU_FREE(set);
    if (got == 0) return static_cast<std::size_t>(std::max(count, 1));
    if (error != EINVAL) return std::nullopt;
  }
  return std::nullopt;
}

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// CPUs as quota / period, or nullopt for no limit ("max", -1) or nothing readable.
std::optional<double> quota_cpus(std::string_view quota, std::string_view period) {
  double q = 0;
  double p = 0;
  if (std::from_chars(quota.data(), quota.data() + quota.size(), q).ec != std::errc{} ||
      std::from_chars(period.data(), period.data() + period.size(), p).ec != std::errc{} ||
      !(q > 0) || !(p > 0)) {
    return std::nullopt;
  }
  return q / p;
}

}  // namespace

namespace detail {

std::optional<double> cgroup_cpu_quota(std::istream& cgroups, const std::string& sysfs) {
  std::string line;
  std::optional<double> tightest;
  const auto consider = [&](std::optional<double> cpus) {
    if (cpus && (!tightest || *cpus < *tightest)) tightest = cpus;
  };
  while (std::getline(cgroups, line)) {
    // "hierarchy:controllers:path"; v2 is "0::/path".
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    const bool v2 = controllers.empty();
    std::string root = sysfs;
    if (!v2) {
      std::istringstream names(controllers);
      std::string name;
      bool cpu = false;
      while (std::getline(names, name, ',')) cpu = cpu || name == "cpu";
      if (!cpu) continue;
      root += "/" + controllers;
    }
    for (;;) {
      const std::string dir = root + path;
      if (v2) {
        const std::string max = read_line(dir + "/cpu.max");
        const auto space = max.find(' ');
        if (space != std::string::npos) {
          consider(quota_cpus(std::string_view(max).substr(0, space),
                              std::string_view(max).substr(space + 1)));
        }
      } else {
        consider(quota_cpus(read_line(dir + "/cpu.cfs_quota_us"),
                            read_line(dir + "/cpu.cfs_period_us")));
      }
      if (path.empty() || path == "/") break;
      const auto slash = path.rfind('/');
      path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
    }
  }
  return tightest;
}

}  // namespace detail

namespace {

std::optional<double> cgroup_quota() {
  std::ifstream cgroups("/proc/self/cgroup");
  return detail::cgroup_cpu_quota(cgroups, "/sys/fs/cgroup");
}

std::string format_cpus(double cpus) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", cpus);
  return text;
}

}  // namespace

std::size_t hardware_concurrency() noexcept {
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

WorkerDefault explain_default_workers() {
  if (const char* value = std::getenv("PARDO_NUM_WORKERS")) {
    const std::string_view text(value);
    std::size_t count = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (ec != std::errc{} || end != text.data() + text.size() || count == 0 ||
        count > max_workers()) {
      throw std::invalid_argument("PARDO_NUM_WORKERS='" + std::string(text) +
                                  "': the default worker count must be a whole number from 1 "
                                  "to " +
                                  std::to_string(max_workers()));
    }
    return {count, "PARDO_NUM_WORKERS=" + std::string(text)};
  }
  const std::size_t hardware = hardware_concurrency();
  WorkerDefault d{hardware, "all " + std::to_string(hardware) + " hardware threads"};
  if (const auto mask = affinity_cpus(); mask && *mask < d.count) {
    d = {*mask,
         "affinity mask: " + std::to_string(*mask) + " of " + std::to_string(hardware) + " CPUs"};
  }
  if (const auto quota = cgroup_quota()) {
    const auto cpus = static_cast<std::size_t>(std::max(1.0, std::ceil(*quota)));
    if (cpus < d.count) d = {cpus, "cgroup CPU quota: " + format_cpus(*quota) + " CPUs"};
  }
  return d;
}

std::size_t available_cpus() noexcept {
  std::size_t cpus = hardware_concurrency();
  if (const auto mask = affinity_cpus()) cpus = std::min(cpus, *mask);
  try {
    if (const auto quota = cgroup_quota()) {
      cpus = std::min(cpus, static_cast<std::size_t>(std::max(1.0, std::ceil(*quota))));
    }
  } catch (...) {
    // An unreadable cgroup tree (allocation failure while reading it) leaves the mask's count.
  }
  return cpus;
}

std::size_t default_workers() { return explain_default_workers().count; }

std::size_t max_workers() noexcept {
  return std::max<std::size_t>(256, 64 * hardware_concurrency());
}

}  // namespace pardo

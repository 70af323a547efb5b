#pragma once
// The cgroup CPU quota behind available_cpus(), readable from any tree so that tests can
// build one.

#include <istream>
#include <optional>
#include <string>

namespace pardo::detail {

/// The tightest CPU quota, in CPUs, on the way from each cgroup `cgroups` lists (the format
/// of /proc/self/cgroup) up to the root of its hierarchy under `sysfs` (/sys/fs/cgroup): v2
/// `cpu.max` ("max 100000" is none), v1 `cpu.cfs_quota_us` over `cpu.cfs_period_us` (-1 is
/// none). Nullopt where no level sets one or nothing can be read.
std::optional<double> cgroup_cpu_quota(std::istream& cgroups, const std::string& sysfs);

}  // namespace pardo::detail

// The default worker count: the CPUs this process may use, or PARDO_NUM_WORKERS.
#include <gmock/gmock.h>
#include <sched.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include <pardo/pardo.hpp>

#include "core/cgroup.hpp"

namespace {

using ::testing::HasSubstr;

// Sets (or unsets) PARDO_NUM_WORKERS for one test, and puts back what was there.
class WorkersVariable {
 public:
  explicit WorkersVariable(const char* value) {
    if (const char* old = std::getenv("PARDO_NUM_WORKERS")) saved_ = old;
    if (value != nullptr) {
      ::setenv("PARDO_NUM_WORKERS", value, 1);
    } else {
      ::unsetenv("PARDO_NUM_WORKERS");
    }
  }
  ~WorkersVariable() {
    if (saved_) {
      ::setenv("PARDO_NUM_WORKERS", saved_->c_str(), 1);
    } else {
      ::unsetenv("PARDO_NUM_WORKERS");
    }
  }
  WorkersVariable(const WorkersVariable&) = delete;
  WorkersVariable& operator=(const WorkersVariable&) = delete;

 private:
  std::optional<std::string> saved_;
};

// Pins the calling thread to one CPU for one test.
class PinnedToOneCpu {
 public:
  PinnedToOneCpu() {
    sched_getaffinity(0, sizeof saved_, &saved_);
    cpu_set_t one;
    CPU_ZERO(&one);
    for (std::size_t cpu = 0; cpu < static_cast<std::size_t>(CPU_SETSIZE); ++cpu) {
      if (CPU_ISSET(cpu, &saved_)) {
        CPU_SET(cpu, &one);
        break;
      }
    }
    sched_setaffinity(0, sizeof one, &one);
  }
  ~PinnedToOneCpu() { sched_setaffinity(0, sizeof saved_, &saved_); }
  PinnedToOneCpu(const PinnedToOneCpu&) = delete;
  PinnedToOneCpu& operator=(const PinnedToOneCpu&) = delete;

 private:
  cpu_set_t saved_{};
};

TEST(DefaultWorkers, TheVariableSetsTheCountAndSaysSo) {
  const WorkersVariable three("3");
  EXPECT_EQ(pardo::default_workers(), 3u);
  EXPECT_EQ(pardo::explain_default_workers().reason, "PARDO_NUM_WORKERS=3");
  pardo::ThreadPool pool;
  EXPECT_EQ(pool.size(), 3u);
}

TEST(DefaultWorkers, ABadVariableIsRefusedNamingIt) {
  for (const char* bad : {"0", "-1", "abc", "2.5", "", " 4", "4 ", "1e3", "99999999999"}) {
    const WorkersVariable variable(bad);
    try {
      static_cast<void>(pardo::default_workers());
      FAIL() << "accepted PARDO_NUM_WORKERS='" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string("PARDO_NUM_WORKERS='") + bad + "'"));
    }
  }
}

TEST(DefaultWorkers, WithoutTheVariableItIsTheAvailableCpus) {
  const WorkersVariable unset(nullptr);
  EXPECT_EQ(pardo::default_workers(), pardo::available_cpus());
  EXPECT_GE(pardo::available_cpus(), 1u);
  EXPECT_LE(pardo::available_cpus(), pardo::hardware_concurrency());
}

TEST(DefaultWorkers, AnAffinityMaskOfOneCpuGivesOneWorker) {
  const WorkersVariable unset(nullptr);
  const PinnedToOneCpu pinned;
  EXPECT_EQ(pardo::available_cpus(), 1u);
  EXPECT_EQ(pardo::default_workers(), 1u);
  if (pardo::hardware_concurrency() > 1) {
    EXPECT_THAT(pardo::explain_default_workers().reason, HasSubstr("affinity mask: 1 of "));
  }
}

// A fake /sys/fs/cgroup: `files` maps paths under it to their one line.
class CgroupTree {
 public:
  CgroupTree() : root_(std::filesystem::temp_directory_path() / ("pardo-cgroup-" + unique())) {}
  ~CgroupTree() { std::filesystem::remove_all(root_); }
  CgroupTree(const CgroupTree&) = delete;
  CgroupTree& operator=(const CgroupTree&) = delete;
  void write(const std::string& path, const std::string& line) {
    const std::filesystem::path file = root_ / path;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << line << '\n';
  }
  std::optional<double> quota(const std::string& proc_self_cgroup) const {
    std::istringstream in(proc_self_cgroup);
    return pardo::detail::cgroup_cpu_quota(in, root_.string());
  }

 private:
  static std::string unique() {
    return std::to_string(::getpid()) + "-" +
           std::to_string(reinterpret_cast<std::uintptr_t>(&unique));
  }
  std::filesystem::path root_;
};

TEST(CgroupQuota, V2TakesTheTightestCpuMaxOnThePathToTheRoot) {
  CgroupTree tree;
  tree.write("cpu.max", "max 100000");
  tree.write("slurm/cpu.max", "400000 100000");
  tree.write("slurm/job_7/cpu.max", "150000 100000");
  tree.write("slurm/job_7/step_0/cpu.max", "max 100000");
  EXPECT_EQ(tree.quota("0::/slurm/job_7/step_0\n"), 1.5);
  EXPECT_EQ(tree.quota("0::/slurm\n"), 4.0);
  EXPECT_EQ(tree.quota("0::/\n"), std::nullopt);
}

TEST(CgroupQuota, V1ReadsTheCpuControllersQuotaAndPeriod) {
  CgroupTree tree;
  tree.write("cpu,cpuacct/cpu.cfs_quota_us", "-1");
  tree.write("cpu,cpuacct/cpu.cfs_period_us", "100000");
  tree.write("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "50000");
  tree.write("cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000");
  EXPECT_EQ(tree.quota("4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n0::/\n"), 0.5);
  EXPECT_EQ(tree.quota("3:cpu,cpuacct:/\n"), std::nullopt);
}

TEST(CgroupQuota, NothingReadableOrNonsenseIsNoQuota) {
  CgroupTree tree;
  tree.write("cpu.max", "garbage");
  EXPECT_EQ(tree.quota("0::/\n"), std::nullopt);
  EXPECT_EQ(tree.quota("0::/not/there\n"), std::nullopt);
  EXPECT_EQ(tree.quota("not a cgroup line\n"), std::nullopt);
  EXPECT_EQ(tree.quota(""), std::nullopt);
}

}  // namespace

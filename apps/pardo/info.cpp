// `pardo info`: the machine, the default worker count and why, the SIMD level chosen, the
// backends compiled in, the version; as text or, with --json, one JSON object.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pardo/cuda/device.hpp>
#include <pardo/pardo.hpp>
#include <pardo/random/bulk.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "mpi_session.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

std::string mpi_library() {
#ifdef PARDO_CLI_WITH_MPI
  return mpi::Environment::library_version();
#else
  return {};
#endif
}

// The CUDA devices, or why there are none: {"devices": [...]} or {"error": "..."}.
nlohmann::json cuda_json() {
  try {
    nlohmann::json devices = nlohmann::json::array();
    for (const cuda::Device& d : cuda::devices()) {
      devices.push_back({{"index", d.index},
                         {"name", d.name},
                         {"compute_capability",
                          std::to_string(d.compute_major) + "." + std::to_string(d.compute_minor)},
                         {"memory_bytes", d.memory_bytes},
                         {"multiprocessors", d.multiprocessors}});
    }
    return {{"devices", devices}};
  } catch (const cuda::Unavailable& e) {
    return {{"error", e.what()}};
  }
}

std::string cuda_text(const nlohmann::json& j) {
  if (j.contains("error")) return "built in; " + j["error"].get<std::string>();
  std::string text;
  for (const auto& d : j["devices"]) {
    if (!text.empty()) text += "; ";
    text += std::to_string(d["index"].get<int>()) + ": " + d["name"].get<std::string>() + " (sm " +
            d["compute_capability"].get<std::string>() + ", " +
            std::to_string(d["memory_bytes"].get<std::size_t>() >> 30) + " GiB)";
  }
  return text;
}

}  // namespace

void add_info_command(CLI::App& app, int& exit_code) {
  auto json = std::make_shared<bool>(false);
  auto* info =
      app.add_subcommand("info", "Show the machine, the backends compiled in and the version");
  info->add_flag("--json", *json, "Print one JSON object");
  info->callback([&exit_code, json] {
    const WorkerDefault workers = explain_default_workers();
    const std::string simd(random::to_string(random::simd_level()));
    std::vector<std::string> backends{"serial", "threads", "processes"};
    if (mpi_compiled_in()) backends.emplace_back("mpi");
    const nlohmann::json gpus = cuda::compiled_in() ? cuda_json() : nlohmann::json();
    if (cuda::compiled_in()) backends.emplace_back("cuda");
    if (*json) {
      nlohmann::json j{
          {"pardo", provenance("info")},
          {"cores",
           {{"hardware_threads", hardware_concurrency()}, {"available", available_cpus()}}},
          {"workers", {{"count", workers.count}, {"reason", workers.reason}}},
          {"backends", backends}};
      if (mpi_compiled_in()) j["mpi"] = mpi_library();
      if (cuda::compiled_in()) j["cuda"] = gpus;
      std::cout << j.dump() << '\n';
      exit_code = 0;
      return;
    }
    std::printf("pardo     %s\n", std::string(version()).c_str());
    std::printf("cores     %zu hardware threads, %zu available to this process\n",
                hardware_concurrency(), available_cpus());
    std::printf("workers   %zu by default (%s)\n", workers.count, workers.reason.c_str());
    std::printf("simd      %s\n", simd.c_str());
    std::printf("backends  serial, threads, processes%s%s\n",
                mpi_compiled_in() ? ", mpi (under mpirun)" : "",
                cuda::compiled_in() ? ", cuda (pardo pi)" : "");
    if (mpi_compiled_in()) std::printf("mpi       %s\n", mpi_library().c_str());
    if (cuda::compiled_in()) std::printf("cuda      %s\n", cuda_text(gpus).c_str());
    exit_code = 0;
  });
}

}  // namespace pardo::cli

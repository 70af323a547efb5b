// `pardo power`: the power of a two-sample test by simulation, or the sample size that
// reaches a target power.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <pardo/core/errors.hpp>
#include <pardo/stats/power.hpp>
#include <pardo/stats/t_test.hpp>
#include <stdexcept>
#include <string>

#include "backend.hpp"
#include "commands.hpp"
#include "outputs.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

struct PowerArgs {
  std::string test = "t";
  double effect = 0.5;
  std::string n1 = "30";
  std::string n2;
  double alpha = 0.05;
  std::string replications = "10000";
  std::string alternative = "two-sided";
  std::optional<double> target_power;
  double ratio = 1.0;
  std::string max_n = "1000000";
  std::string permutations = "999";
  CLI::Option* permutations_option = nullptr;
  std::string block = "256";
  std::uint64_t seed = 42;
  BackendArgs backend;
  bool json = false;
  std::string output;
  bool quiet = false;
};

// The analytic power where there is one: Student's t-test.
std::optional<double> analytic(const stats::PowerOptions& o, std::size_t n1, std::size_t n2) {
  if (o.test != stats::PowerTest::student) return std::nullopt;
  return stats::t_test_power(o.effect, n1, n2, o.alpha, o.alternative);
}

nlohmann::json result_json(const stats::PowerResult& r, const std::optional<double>& exact) {
  nlohmann::json j{{"n1", r.n1},
                   {"n2", r.n2},
                   {"estimate", r.power},
                   {"std_error", r.std_error},
                   {"interval", interval_json(r.interval.low, r.interval.high, r.interval.level)},
                   {"replications", r.replications},
                   {"rejections", r.rejections},
                   {"analytic_power", exact ? nlohmann::json(*exact) : nlohmann::json(nullptr)}};
  j["interval"]["method"] = "wilson";
  return j;
}

void print_result(const stats::PowerResult& r, const std::optional<double>& exact) {
  std::printf("  power         %.4f  (std error %.4f)\n", r.power, r.std_error);
  std::printf("  95%% interval  [%.4f, %.4f]  (Wilson)\n", r.interval.low, r.interval.high);
  if (exact) std::printf("  analytic      %.4f  (noncentral t)\n", *exact);
  std::printf("  rejections    %llu of %llu\n", static_cast<unsigned long long>(r.rejections),
              static_cast<unsigned long long>(r.replications));
}

// stats::validate's tests of the group sizes, naming the options: each group needs 2 values,
// and a replication's samples must fit in memory.
void check_sizes(const PowerArgs& args, const stats::PowerOptions& options,
                 const stats::SampleSizeOptions& search) {
  constexpr std::size_t min_group = 2;
  if (options.n1 < min_group) {
    throw UsageError("--n1: '" + args.n1 + "' is too small; each group needs at least 2 values");
  }
  if (!args.n2.empty() && options.n2 < min_group) {
    throw UsageError("--n2: '" + args.n2 + "' is too small; each group needs at least 2 values");
  }
  const std::size_t n2 = options.n2 == 0 ? options.n1 : options.n2;
  require_memory((static_cast<double>(options.n1) + static_cast<double>(n2)) * sizeof(double),
                 "--n1 " + args.n1 + (args.n2.empty() ? "" : " with --n2 " + args.n2),
                 "a replication's samples");
  if (!args.target_power) return;
  if (search.max_n < search.min_n) {
    throw UsageError("--max-n: '" + args.max_n + "' is below " + std::to_string(search.min_n) +
                     ", the smallest sample size searched");
  }
  require_memory(static_cast<double>(search.max_n) * (1 + search.ratio) * sizeof(double),
                 "--max-n " + args.max_n +
                     (search.ratio == 1 ? "" : " with --ratio " + format_number(search.ratio)),
                 "a replication's samples");
}

int run_power(const PowerArgs& args) {
  const auto fail = [](const std::string& message) {
    std::fprintf(stderr, "pardo power: %s\n", message.c_str());
    return 2;
  };
  if (const int code = check_backend(args.backend, "power"); code != 0) return code;
  const auto test = stats::parse_power_test(args.test);
  if (!test) return fail("--test: unknown test '" + args.test + "' (t, welch or permutation)");
  if (*test != stats::PowerTest::permutation && args.permutations_option->count() > 0) {
    return fail("--permutations does not apply to --test " + args.test +
                " (only to --test permutation)");
  }
  const auto alternative = stats::parse_alternative(args.alternative);
  if (!alternative) {
    return fail("--alternative: unknown alternative '" + args.alternative +
                "' (two-sided, less or greater)");
  }
  stats::PowerOptions options{.effect = args.effect,
                              .alpha = args.alpha,
                              .alternative = *alternative,
                              .seed = args.seed,
                              .test = *test};
  stats::SampleSizeOptions search{.ratio = args.ratio};
  if (args.target_power) search.target_power = *args.target_power;
  try {
    options.n1 = parse_count(args.n1, "--n1");
    if (!args.n2.empty()) options.n2 = parse_count(args.n2, "--n2");
    options.replications = parse_count(args.replications, "--replications");
    options.permutations = parse_count(args.permutations, "--permutations");
    options.block_replications = parse_count(args.block, "--block-size");
    search.max_n = parse_count(args.max_n, "--max-n");
    check_sizes(args, options, search);
    stats::validate(options);
    if (args.target_power) stats::validate(search);
  } catch (const UsageError& e) {
    return fail(e.what());
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
  stats::PowerResult result;
  stats::SampleSizeResult found;
  const auto run =
      run_monitored(args.backend, "power", args.quiet || args.json,
                    [&](auto& executor, const RunControl& control) {
                      if (args.target_power) {
                        found = stats::find_sample_size(executor, options, search, control);
                      } else {
                        result = stats::power(executor, options, control);
                      }
                    });
  if (!run.prints) return run.exit_code;
  const stats::PowerResult& shown = args.target_power ? found.at_n : result;
  const std::optional<double> exact =
      shown.replications > 0 ? analytic(options, shown.n1, shown.n2) : std::nullopt;
  const RunInfo& info = args.target_power ? found.run : result.run;
  if (args.json) {
    nlohmann::json j{{"test", args.test},
                     {"effect", options.effect},
                     {"alpha", options.alpha},
                     {"alternative", args.alternative},
                     {"block_replications", options.block_replications}};
    if (options.test == stats::PowerTest::permutation) j["permutations"] = options.permutations;
    if (args.target_power) {
      j["target_power"] = search.target_power;
      j["ratio"] = search.ratio;
      j["found"] = found.found;
      j.update(result_json(found.at_n, exact));
      j["n1"] = found.n1;
      j["n2"] = found.n2;
      j["evaluations"] = nlohmann::json::array();
      for (const auto& e : found.evaluations) {
        j["evaluations"].push_back(
            {{"n1", e.n1}, {"n2", e.n2}, {"power", e.power}, {"rejections", e.rejections}});
      }
    } else {
      j.update(result_json(result, exact));
    }
    add_run(j, "power", info, options.seed);
    std::cout << j.dump() << '\n';
    return finish_run(info, !args.target_power || found.found);
  }
  std::printf(
      "pardo power: %s test, effect %g, alpha %g, %s, %llu replications, %zu worker%s "
      "(%s), seed %llu\n",
      args.test.c_str(), options.effect, options.alpha, args.alternative.c_str(),
      static_cast<unsigned long long>(options.replications), info.workers,
      info.workers == 1 ? "" : "s", info.backend.c_str(),
      static_cast<unsigned long long>(options.seed));
  print_interrupted(info);
  if (args.target_power) {
    if (found.found) {
      std::printf("  smallest n    %zu per group (n2 = %zu) for power >= %g\n", found.n1, found.n2,
                  search.target_power);
    } else if (found.run.complete) {
      std::printf("  not found     power stays below %g up to n = %zu\n", search.target_power,
                  search.max_n);
    }
    if (found.at_n.replications > 0) print_result(found.at_n, exact);
    std::printf("  searched      ");
    for (const auto& e : found.evaluations) std::printf(" n=%zu:%.3f", e.n1, e.power);
    std::printf("\n  time          %.3f s\n", found.run.seconds);
  } else {
    std::printf("  n1, n2        %zu, %zu\n", result.n1, result.n2);
    print_result(result, exact);
    std::printf("  time          %.3f s\n", result.run.seconds);
  }
  return finish_run(info, !args.target_power || found.found);
}

}  // namespace

void add_power_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PowerArgs>();
  auto* cmd = app.add_subcommand(
      "power", "Power of a two-sample test by simulation, or the n reaching a target power");
  cmd->add_option("--test", args->test, "t, welch or permutation")
      ->type_name("TEST")
      ->capture_default_str();
  cmd->add_option("-e,--effect", args->effect, "Mean difference in standard deviations")
      ->type_name("FLOAT")
      ->check(number_in(-1000, 1000))
      ->capture_default_str();
  auto* n1 = cmd->add_option("--n1,--n", args->n1, "Size of the first group")
                 ->type_name("COUNT")
                 ->capture_default_str();
  auto* n2 = cmd->add_option("--n2", args->n2, "Size of the second group (default: --n1)")
                 ->type_name("COUNT");
  cmd->add_option("--alpha", args->alpha, "Significance level")
      ->type_name("FLOAT")
      ->capture_default_str()
      ->check(number_in(0, 1));
  cmd->add_option("-r,--replications", args->replications, "Simulated experiments: 1e4, 1e5")
      ->type_name("COUNT")
      ->capture_default_str();
  cmd->add_option("--alternative", args->alternative,
                  "two-sided, less or greater (greater: the second group's mean is larger)")
      ->type_name("ALTERNATIVE")
      ->capture_default_str();
  auto* target = cmd->add_option("--target-power", args->target_power,
                                 "Search for the smallest n reaching this power instead")
                     ->type_name("FLOAT")
                     ->check(number_in(0, 1))
                     ->excludes(n1)
                     ->excludes(n2);
  cmd->add_option("--ratio", args->ratio, "With --target-power: n2 = ceil(ratio * n)")
      ->type_name("FLOAT")
      ->capture_default_str()
      ->check(number_in(0, 1e6))
      ->needs(target);
  cmd->add_option("--max-n", args->max_n, "With --target-power: the largest n tried")
      ->type_name("COUNT")
      ->capture_default_str()
      ->needs(target);
  args->permutations_option = cmd->add_option("--permutations", args->permutations,
                                              "Per replication, for --test permutation")
                                  ->type_name("COUNT")
                                  ->capture_default_str();
  cmd->add_option("--block-size", args->block, "Replications per block")
      ->type_name("COUNT")
      ->capture_default_str();
  add_seed_option(*cmd, args->seed);
  add_backend_options(*cmd, args->backend);
  add_checkpoint_options(*cmd, args->backend.checkpoint);
  add_output_option(*cmd, args->output);
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_flag("-q,--quiet", args->quiet, "No progress bar");
  cmd->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = redirect_output(args->output, "power");
    if (exit_code == 0) exit_code = run_power(*args);
  });
}

}  // namespace pardo::cli

// `pardo mcmc`: several random-walk Metropolis chains on a built-in target whose moments
// are known, with R-hat, bulk ESS and Monte Carlo errors, the same draws on any backend.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pardo/core/errors.hpp>
#include <pardo/mcmc.hpp>
#include <pardo/pardo.hpp>
#include <string>
#include <vector>

#include "backend.hpp"
#include "commands.hpp"
#include "outputs.hpp"
#include "parse.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

struct McmcArgs {
  std::string target = "mvnormal";
  std::string dim = "2";
  std::string chains = "4";
  std::string warmup = "1000";
  std::string draws = "10000";
  std::string thin = "1";
  double step = 0;
  std::uint64_t seed = 42;
  BackendArgs backend;
  bool json = false;
  std::string output;
  std::string save_draws;
  bool quiet = false;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "pardo mcmc: %s\n", message.c_str());
  return 2;
}

void print_human(const McmcArgs& args, const mcmc::MetropolisOptions& options,
                 const mcmc::ChainsResult& r, const mcmc::Moments& truth) {
  std::printf("pardo mcmc: %s in %zu dimension%s, %llu chains x (%llu warm-up + %llu draws",
              args.target.c_str(), r.dim, r.dim == 1 ? "" : "s",
              static_cast<unsigned long long>(options.chains),
              static_cast<unsigned long long>(options.warmup),
              static_cast<unsigned long long>(options.draws));
  if (options.thin > 1) std::printf(", thin %llu", static_cast<unsigned long long>(options.thin));
  std::printf("), %zu worker%s (%s), seed %llu\n", r.run.workers, r.run.workers == 1 ? "" : "s",
              r.run.backend.c_str(), static_cast<unsigned long long>(options.seed));
  if (!r.run.complete) {
    std::printf("%s: %zu of %llu chains finished\n",
                r.run.failure.empty() ? "interrupted" : "failed", r.chains,
                static_cast<unsigned long long>(options.chains));
  }
  std::printf("  %-6s %11s %10s %10s %8s %9s %11s\n", "param", "mean", "sd", "mcse", "rhat",
              "ess_bulk", "true mean");
  for (std::size_t k = 0; k < r.dim; ++k) {
    std::printf("  x[%zu]%*s %11.4f %10.4f %10.4f %8.4f %9.0f %11.4f\n", k, k < 10 ? 1 : 0, "",
                r.mean[k], r.sd[k], r.mcse[k], r.rhat[k], r.ess[k], truth.mean[k]);
  }
  for (std::size_t c = 0; c < r.chains; ++c) {
    std::printf("  chain %zu: acceptance %.3f, step %.4g\n", c, r.acceptance_rate[c],
                r.step_size[c]);
  }
  std::printf("  steps %llu in %.3f s\n", static_cast<unsigned long long>(r.steps), r.run.seconds);
}

/// The parameters, named as the table names them, whose `values` fail `bad`, and the worst.
std::string failing(const std::vector<double>& values, bool (*bad)(double), bool high,
                    double& worst) {
  std::string names;
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!bad(values[k])) continue;
    if (names.empty() || (high ? values[k] > worst : values[k] < worst)) worst = values[k];
    names += (names.empty() ? "x[" : ", x[") + std::to_string(k) + "]";
  }
  return names;
}

std::string fixed(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

/// Vehtari et al. (2021)'s limits: R-hat above 1.01 (the chains disagree) or a bulk ESS
/// below 400 (too few effective draws for R-hat and the MCSE to be trusted), one warning
/// each naming the parameters. NaN (a parameter a stop left out) is neither.
std::vector<std::string> convergence_warnings(const mcmc::ChainsResult& r) {
  std::vector<std::string> warnings;
  double worst = 0;
  const std::string high_rhat = failing(
      r.rhat, [](double v) { return v > 1.01; }, true, worst);
  if (!high_rhat.empty()) {
    warnings.push_back("R-hat above 1.01 for " + high_rhat + " (largest " + fixed("%.4f", worst) +
                       "): the chains disagree; run longer (--warmup, --draws)");
  }
  const std::string low_ess = failing(
      r.ess, [](double v) { return v < 400; }, false, worst);
  if (!low_ess.empty()) {
    warnings.push_back("bulk ESS below 400 for " + low_ess + " (smallest " + fixed("%.0f", worst) +
                       "): too few effective draws to trust R-hat and the MCSE; run longer "
                       "(--draws)");
  }
  return warnings;
}

nlohmann::json to_json(const McmcArgs& args, const mcmc::MetropolisOptions& options,
                       const mcmc::ChainsResult& r, const mcmc::Moments& truth,
                       const std::vector<std::string>& warnings) {
  nlohmann::json parameters = nlohmann::json::array();
  for (std::size_t k = 0; k < r.dim; ++k) {
    parameters.push_back({{"estimate", r.mean[k]},
                          {"std_error", r.mcse[k]},
                          {"sd", r.sd[k]},
                          {"rhat", r.rhat[k]},
                          {"ess_bulk", r.ess[k]},
                          {"true_mean", truth.mean[k]},
                          {"true_sd", truth.sd[k]}});
  }
  nlohmann::json j{{"target", args.target},
                   {"dim", r.dim},
                   {"chains", options.chains},
                   {"warmup", options.warmup},
                   {"draws", options.draws},
                   {"thin", options.thin},
                   {"parameters", parameters},
                   {"acceptance_rate", r.acceptance_rate},
                   {"step_size", r.step_size},
                   {"steps", r.steps},
                   {"sampling_seconds", r.sampling_seconds},
                   {"warnings", warnings}};
  add_run(j, "mcmc", r.run, options.seed);
  return j;
}

std::uint64_t parse_warmup(const std::string& text) {
  return text == "0" ? 0 : parse_count(text, "--warmup");
}

// One row per kept draw: its chain (among the chains that finished), its index in the chain,
// then x[0] .. x[dim - 1], as the table names the parameters.
stats::NumberTable draws_table(const mcmc::ChainsResult& r) {
  stats::NumberTable t{.names = {"chain", "draw"}, .values = {}};
  for (std::size_t k = 0; k < r.dim; ++k) t.names.push_back("x[" + std::to_string(k) + "]");
  t.values.reserve(r.draws.size() / std::max<std::size_t>(r.dim, 1) * t.names.size());
  for (std::size_t c = 0; c < r.chains; ++c) {
    for (std::size_t i = 0; i < r.draws_per_chain; ++i) {
      t.values.push_back(static_cast<double>(c));
      t.values.push_back(static_cast<double>(i));
      const auto first =
          r.draws.begin() + static_cast<std::ptrdiff_t>((c * r.draws_per_chain + i) * r.dim);
      t.values.insert(t.values.end(), first, first + static_cast<std::ptrdiff_t>(r.dim));
    }
  }
  return t;
}

int run_mcmc(const McmcArgs& args) {
  if (const int code = check_backend(args.backend, "mcmc"); code != 0) return code;
  mcmc::MetropolisOptions options{.seed = args.seed, .step_size = args.step};
  std::size_t dim = 0;
  try {
    dim = parse_count(args.dim, "--dim");
    options.chains = parse_count(args.chains, "--chains");
    options.warmup = parse_warmup(args.warmup);
    options.draws = parse_count(args.draws, "--draws");
    options.thin = parse_count(args.thin, "--thin");
    // run_chains' test of the draws, before anything of size --dim is allocated.
    require_memory(static_cast<double>(options.chains) * static_cast<double>(options.draws) *
                       static_cast<double>(dim) * sizeof(double),
                   "--chains " + args.chains + " x --draws " + args.draws + " x --dim " + args.dim,
                   "the draws");
  } catch (const UsageError& e) {
    return fail(e.what());
  }
  mcmc::LogDensity density;
  mcmc::Moments truth;
  if (args.target == "mvnormal") {
    density = mcmc::correlated_normal;
    truth = mcmc::correlated_normal_moments(dim);
  } else if (args.target == "banana") {
    if (dim < 2) return fail("--dim " + std::to_string(dim) + ": the banana needs at least 2");
    density = mcmc::banana;
    truth = mcmc::banana_moments(dim);
  } else {
    return fail("--target: unknown target '" + args.target + "' (mvnormal or banana)");
  }
  if (options.draws < 4) {
    return fail("--draws " + std::to_string(options.draws) +
                ": at least 4 per chain are needed (split R-hat)");
  }
  if (!(args.step >= 0) || !std::isfinite(args.step)) {
    return fail("--step " + pardo::format_number(args.step) +
                ": must be >= 0 (0: 2.38 / sqrt(dim))");
  }
  const std::vector<double> initial(dim, 0.0);
  mcmc::ChainsResult result;
  const auto run =
      run_monitored(args.backend, "mcmc", args.quiet || args.json,
                    [&](auto& executor, const RunControl& control) {
                      result = mcmc::run_chains(executor, density, initial, options, control);
                    });
  if (!run.prints) return run.exit_code;
  // Chains that never moved estimate nothing, and their R-hat is infinite: a step so large
  // that every proposal was refused is bad input, not a result.
  if (result.run.complete && !result.acceptance_rate.empty() &&
      std::all_of(result.acceptance_rate.begin(), result.acceptance_rate.end(),
                  [](double rate) { return rate == 0; })) {
    return fail("--step " + pardo::format_number(args.step) +
                ": no proposal was accepted in any chain, so the chains never moved and "
                "estimate nothing; try a smaller --step (0: 2.38 / sqrt(dim))");
  }
  const std::vector<std::string> warnings = convergence_warnings(result);
  for (const std::string& warning : warnings) {
    std::fprintf(stderr, "pardo mcmc: warning: %s\n", warning.c_str());
  }
  if (args.json) {
    std::cout << to_json(args, options, result, truth, warnings).dump() << '\n';
  } else {
    print_human(args, options, result, truth);
  }
  if (!args.save_draws.empty()) {
    const int code = save_table(args.save_draws, draws_table(result), "--save-draws", "mcmc");
    if (code != 0) return code;
  }
  return finish_run(result.run);
}

}  // namespace

void add_mcmc_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<McmcArgs>();
  auto* mcmc = app.add_subcommand(
      "mcmc", "Random-walk Metropolis chains on a built-in target, with R-hat and bulk ESS");
  mcmc->add_option("--target", args->target,
                   "mvnormal (AR(1)-correlated normal, means 1..dim) or banana (Haario's "
                   "twisted Gaussian)")
      ->type_name("TARGET")
      ->capture_default_str();
  mcmc->add_option("-d,--dim", args->dim, "Dimensions")->type_name("COUNT")->capture_default_str();
  mcmc->add_option("--chains", args->chains, "Chains (one task each)")
      ->type_name("COUNT")
      ->capture_default_str();
  mcmc->add_option("--warmup", args->warmup, "Warm-up steps per chain (step size adapted)")
      ->type_name("COUNT")
      ->capture_default_str();
  mcmc->add_option("--draws", args->draws, "Draws kept per chain")
      ->type_name("COUNT")
      ->capture_default_str();
  mcmc->add_option("--thin", args->thin, "Keep every k-th step")
      ->type_name("COUNT")
      ->capture_default_str();
  mcmc->add_option("--step", args->step, "Initial proposal scale (0: 2.38 / sqrt(dim))")
      ->type_name("FLOAT")
      ->capture_default_str();
  add_seed_option(*mcmc, args->seed);
  add_backend_options(*mcmc, args->backend);
  add_checkpoint_options(*mcmc, args->backend.checkpoint);
  add_output_option(*mcmc, args->output);
  add_save_option(*mcmc, "--save-draws", args->save_draws,
                  "Write the kept draws to FILE (.npy or CSV): columns chain, draw, x[0], ...");
  mcmc->add_flag("--json", args->json, "Print one JSON object");
  mcmc->add_flag("-q,--quiet", args->quiet, "No progress bar");
  mcmc->callback([&exit_code, args] {
    accept_stop_requests();
    exit_code = prepare_save(args->save_draws, "--save-draws", "mcmc");
    if (exit_code == 0) exit_code = redirect_output(args->output, "mcmc");
    if (exit_code == 0) exit_code = run_mcmc(*args);
  });
}

}  // namespace pardo::cli

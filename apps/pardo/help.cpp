#include "help.hpp"

#include <map>
#include <string>
#include <string_view>

#include "report.hpp"

namespace pardo::cli {

namespace {

// Examples use only files the repository ships (examples/data/).
const std::map<std::string, std::string, std::less<>>& examples() {
  static const std::map<std::string, std::string, std::less<>> text{
      {"info", "  pardo info\n  pardo info --json\n"},
      {"tour", "  pardo tour --workers 4\n"},
      {"pi",
       "  pardo pi --samples 1e10\n"
       "  pardo pi --samples 1e9 --backend processes --workers 4 --json\n"
       "  mpirun -np 4 pardo pi --samples 1e11 --backend mpi\n"},
      {"integrate",
       "  pardo integrate --function ball --dim 5 --samples 1e8\n"
       "  pardo integrate --function gaussian --dim 3 --lower=-2 --upper 2 --rel-tol 1e-3\n"},
      {"bootstrap",
       "  pardo bootstrap examples/data/heights.csv --column height --statistic median\n"
       "  pardo bootstrap examples/data/heights.csv --columns height,weight --statistic pearson\n"
       "  seq 1 100 | pardo bootstrap - --resamples 1e5 --json\n"
       "  pardo bootstrap examples/data/waiting_times.npy --statistic median\n"},
      {"permtest",
       "  pardo permtest examples/data/groups.csv --x control --y treated\n"
       "  pardo permtest examples/data/heights.csv --x height --y weight --design correlation\n"},
      {"power",
       "  pardo power --effect 0.5 --n1 30\n"
       "  pardo power --effect 0.3 --target-power 0.8 --test welch\n"},
      {"mcmc",
       "  pardo mcmc --target banana --chains 8 --draws 1e5\n"
       "  pardo mcmc --dim 10 --json > chains.json\n"},
      {"optimize",
       "  pardo optimize --model rastrigin --dim 10 --solver cmaes --population 200 --vtr 1e-8\n"
       "  pardo optimize --model rosenbrock --dim 8 --solver buckshot --starts 20 --backend "
       "processes\n"
       "  pardo optimize --objective-cmd 'sh examples/data/simulate.sh {x}' --bounds -8:8 "
       "--solver de\n"},
      {"fit",
       "  pardo fit examples/data/sites --response y\n"
       "  pardo fit examples/data/sites/site_a.csv --model ols --predictors x1,x2 --json\n"
       "  pardo fit examples/data/r_write_csv.csv --response response --na drop\n"},
      {"laplace",
       "  pardo laplace --nx 512 --ny 512 --tol 1e-8\n"
       "  mpirun -np 4 pardo laplace --nx 2048 --ny 2048 --backend mpi\n"},
      {"mandelbrot",
       "  pardo mandelbrot --width 1920 --height 1080 --max-iter 5000 --png mandelbrot.png\n"
       "  pardo mandelbrot --region -0.8:-0.7:0.05:0.15 --schedule static --workers 4\n"
       "  pardo mandelbrot --backend processes --tile-rows 8 --npy counts.npy --json\n"},
      {"scale",
       "  pardo scale --workers 1,2,4 -- pi --samples 1e9\n"
       "  pardo scale --weak samples --plot weak.png -- pi --samples 1e9\n"},
      {"launch",
       "  pardo launch --nodes 2 --tasks-per-node 4 --cpus-per-task 8 --time 02:00:00 -- pi "
       "--samples 1e13 --backend mpi\n"
       "  pardo launch --requeue --time 12:00:00 -- pi --samples 1e14 --backend mpi "
       "--checkpoint pi.ckpt\n"
       "  pardo launch --dry-run --scheduler pbs --nodes 4 -- pi --backend mpi\n"
       "  pardo launch --scheduler mpirun --tasks-per-node 2 -- pi --backend mpi\n"},
      {"bench", "  pardo bench pi\n"},
      {"bench pi", "  pardo bench pi --workers 1 2 4 --repetitions 5 --json\n"},
      {"rng", "  pardo rng dump --seed 42 | dieharder -g 200 -a\n"},
      {"rng dump", "  pardo rng dump --seed 42 --streams 4 --count 1e6 > words.bin\n"},
  };
  return text;
}

bool is_workload(std::string_view name) {
  for (std::string_view workload : {"pi", "integrate", "bootstrap", "permtest", "power", "mcmc",
                                    "optimize", "fit", "laplace", "mandelbrot"}) {
    if (name == workload) return true;
  }
  return false;
}

// The placeholder as set (COUNT, FLOAT, ...) without the validators' own descriptions, which
// CLI11 appends after a colon ("UINT in [1 - 256]"), then what CLI11 shows after it. CLI11
// puts the space before it.
std::string option_text(const CLI::Option& option) {
  std::string type = option.get_type_name();
  type = type.substr(0, type.find(':'));
  std::string text = type;
  if (!option.get_default_str().empty()) text += "=" + option.get_default_str();
  if (option.get_expected_max() > 1) text += " ...";  // a list, as --workers 1 2 4
  if (option.get_required()) text += " REQUIRED";
  if (!option.get_needs().empty()) {
    text += " Needs:";
    for (const CLI::Option* other : option.get_needs()) text += " " + other->get_name();
  }
  if (!option.get_excludes().empty()) {
    text += " Excludes:";
    for (const CLI::Option* other : option.get_excludes()) text += " " + other->get_name();
  }
  return text;
}

// `path` names the command as typed after "pardo": "pi", "bench pi".
void finish_command(CLI::App& command, const std::string& path) {
  for (CLI::Option* option : command.get_options()) {
    if (option->get_type_size() != 0) option->option_text(option_text(*option));
  }
  const auto example = examples().find(path);
  std::string footer;
  if (example != examples().end()) footer = "Examples:\n" + example->second + "\n";
  command.footer(footer + exit_code_table());
  for (CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
    finish_command(*sub, path + " " + sub->get_name());
  }
}

}  // namespace

void finish_help(CLI::App& app) {
  for (CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    command->group(is_workload(command->get_name()) ? "Workloads" : "Tools");
    finish_command(*command, command->get_name());
  }
}

}  // namespace pardo::cli

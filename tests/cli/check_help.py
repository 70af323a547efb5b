"""The option vocabulary as a user meets it in --help: grouped commands, typed placeholders,
one meaning per short option across every command, examples that use shipped files, and
what every command accepts alike (--backend serial alone, '-' for stdin, an unknown command
named).

Usage: check_help.py PARDO REPOSITORY_ROOT
"""
import json
import os
import re
import subprocess
import sys

pardo, root = sys.argv[1:3]
failures = []


def run(args, stdin=None):
    return subprocess.run([pardo, *args], capture_output=True, text=True, input=stdin,
                          timeout=120)


top = run(["--help"])
if top.returncode != 0 or "Workloads:" not in top.stdout or "Tools:" not in top.stdout:
    failures.append(f"pardo --help: no Workloads and Tools groups: {top.stdout[:400]}")
workloads = ["pi", "integrate", "bootstrap", "permtest", "power", "mcmc", "optimize", "fit",
             "laplace", "mandelbrot"]
tools = ["info", "tour", "bench", "scale", "launch", "rng"]
if top.stdout.find("Workloads:") > top.stdout.find("Tools:"):
    failures.append("pardo --help lists the tools before the workloads")
commands = [[c] for c in workloads + tools] + [["bench", "pi"], ["rng", "dump"]]

option_line = re.compile(r"^\s+(?:(-\w),)?(--[\w-]+)(?:,(--[\w-]+))?(?:\s+(\S+))?")
shorts = {}  # -x -> {long names}
for command in commands:
    r = run([*command, "--help"])
    name = " ".join(command)
    if r.returncode != 0:
        failures.append(f"pardo {name} --help: exit {r.returncode}")
        continue
    text = r.stdout
    if command[0] not in ("bench", "rng") or len(command) == 2:
        if "Examples:" not in text:
            failures.append(f"pardo {name} --help: no Examples section")
    if "Exit codes:" not in text:
        failures.append(f"pardo {name} --help: no exit codes")
    options = text.split("Options:", 1)[-1].split("Examples:", 1)[0].split("Subcommands:")[0]
    for line in options.splitlines():
        m = option_line.match(line)
        if not m:
            continue
        short, long_name, _, placeholder = m.groups()
        if placeholder and re.fullmatch(r"(TEXT|UINT|INT|FLOAT:.*|[A-Z]+:.*)(=.*)?", placeholder):
            failures.append(f"pardo {name}: {long_name} shows the untyped placeholder "
                            f"{placeholder!r}")
        if short:
            shorts.setdefault(short, set()).add(long_name)
    # Examples name only files that the repository ships.
    for example in text.split("Examples:", 1)[1].split("Exit codes:")[0].splitlines() \
            if "Examples:" in text else []:
        for word in example.split():
            if word.startswith("examples/") and not os.path.exists(os.path.join(root, word)):
                failures.append(f"pardo {name} --help: example file {word} is not shipped")
for short, longs in sorted(shorts.items()):
    if len(longs) > 1:
        failures.append(f"short option {short} means {sorted(longs)} in different commands")
for short in ("-n", "-t", "-a"):
    if short in shorts:
        failures.append(f"short option {short} still exists ({sorted(shorts[short])})")

# --backend serial alone; and with --workers 1; any other count is refused by name.
for args in (["pi", "--samples", "1e6", "--backend", "serial", "-q"],
             ["pi", "--samples", "1e6", "--backend", "serial", "--workers", "1", "-q"]):
    r = run(args)
    if r.returncode != 0:
        failures.append(f"pardo {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
r = run(["pi", "--backend", "serial", "--workers", "3"])
if r.returncode != 2 or "--backend serial runs on 1 worker, not 3" not in r.stderr:
    failures.append(f"--backend serial --workers 3: exit {r.returncode}: {r.stderr.strip()}")

# '-' reads stdin in every command that reads a file.
sites = os.path.join(root, "examples", "data", "sites", "site_a.csv")
heights = os.path.join(root, "examples", "data", "heights.csv")
groups = os.path.join(root, "examples", "data", "groups.csv")
for args, path in ((["bootstrap", "-", "--column", "height", "--resamples", "999", "--json"],
                    heights),
                   (["permtest", "-", "--x", "control", "--y", "treated", "--permutations",
                     "999", "--json"], groups),
                   (["fit", "-", "--json"], sites)):
    from_file = run([args[0], path, *args[2:]])
    from_stdin = run(args, stdin=open(path).read())

    def result(out):
        # What the data gave: without provenance, timing, and the data set's name.
        j = json.loads(out)
        del j["pardo"], j["run"]["seconds"]
        for row in j["rows"] if isinstance(j.get("rows"), list) else []:
            del row["name"]
        return j
    if from_stdin.returncode != 0 or result(from_file.stdout) != result(from_stdin.stdout):
        failures.append(f"pardo {' '.join(args)} < {path}: exit {from_stdin.returncode}, or not "
                        f"the result of the file: {from_stdin.stderr.strip()}")

# An unknown command is named, with the commands there are.
r = run(["bootsrap", "x.csv"])
if r.returncode != 2 or "unknown command 'bootsrap'" not in r.stderr or \
        "bootstrap" not in r.stderr:
    failures.append(f"pardo bootsrap: exit {r.returncode}: {r.stderr.strip()}")
r = run(["bench", "pie"])
if r.returncode != 2 or "unknown command 'pie'" not in r.stderr:
    failures.append(f"pardo bench pie: exit {r.returncode}: {r.stderr.strip()}")

for f in failures:
    print("FAIL:", f)
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("the option vocabulary holds across every command")

"""Every command's --json validates against docs/pardo.schema.json, in each of its modes; the
schema is strict where it promises (pardo, run, interval) and refuses the old key names.

Usage: check_json.py PARDO SCHEMA FIT_DIR
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

pardo, schema_path, fit_dir = sys.argv[1:4]
schema = json.load(open(schema_path))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []


def problems(obj):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in validator.iter_errors(obj)]


def run(args, codes=(0,)):
    proc = subprocess.run([pardo, *args], capture_output=True, text=True, timeout=120)
    if proc.returncode not in codes:
        failures.append(f"pardo {' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
        return None
    try:
        return json.loads(proc.stdout)
    except ValueError:
        failures.append(f"pardo {' '.join(args)}: not one JSON object: {proc.stdout[:200]!r}")
        return None


def check(args, command, codes=(0,)):
    obj = run(args, codes)
    if obj is None:
        return None
    found = problems(obj)
    if found:
        failures.append(f"pardo {' '.join(args)}: {found[:5]}")
    if obj.get("pardo", {}).get("command") != command:
        failures.append(f"pardo {' '.join(args)}: pardo.command is "
                        f"{obj.get('pardo', {}).get('command')!r}, expected {command!r}")
    if obj.get("pardo", {}).get("argv", [None])[1:] != args:
        failures.append(f"pardo {' '.join(args)}: pardo.argv {obj.get('pardo', {}).get('argv')}")
    return obj


tmp = tempfile.mkdtemp()
two = os.path.join(tmp, "two.csv")
with open(two, "w") as f:
    f.write("a,b\n" + "".join(f"{(i * 37 % 101) / 10},{(i * 53 % 97) / 9 + 0.5}\n"
                              for i in range(60)))

pi = check(["pi", "--samples", "1e6", "--json"], "pi")
check(["pi", "--samples", "1e6", "--backend", "serial", "--json"], "pi")
check(["pi", "--samples", "1e6", "--backend", "processes", "--workers", "2", "--json"], "pi")
check(["integrate", "--samples", "1e5", "--json"], "integrate")
check(["integrate", "--samples", "1e6", "--method", "stratified", "--rel-tol", "1e-2",
       "--json"], "integrate", codes=(0, 1))
check(["integrate", "--function", "cosine", "--dim", "3", "--samples", "1e5", "--json"],
      "integrate")
boot = check(["bootstrap", two, "--resamples", "999", "--json"], "bootstrap")
for method in ("percentile", "basic"):
    check(["bootstrap", two, "--statistic", "median", "--method", method, "--resamples", "999",
           "--json", "--distribution"], "bootstrap")
check(["bootstrap", two, "--statistic", "pearson", "--columns", "a,b", "--resamples", "999",
       "--json"], "bootstrap")
for design in ("independent", "paired", "correlation"):
    check(["permtest", two, "--design", design, "--permutations", "999", "--json"], "permtest")
check(["permtest", two, "--permutations", "999", "--json", "--distribution"], "permtest")
power = check(["power", "--replications", "1000", "--json"], "power")
check(["power", "--test", "permutation", "--replications", "100", "--permutations", "99",
       "--json"], "power")
target = check(["power", "--replications", "200", "--target-power", "0.8", "--json"], "power")
check(["power", "--replications", "100", "--target-power", "0.99", "--effect", "0.01",
       "--max-n", "20", "--json"], "power", codes=(1,))
check(["mcmc", "--draws", "1000", "--json"], "mcmc")
check(["mcmc", "--target", "banana", "--draws", "1000", "--backend", "serial", "--json"], "mcmc")
opt = check(["optimize", "--model", "rastrigin", "--dim", "3", "--vtr", "1e-6", "--json"],
            "optimize")
check(["optimize", "--solver", "buckshot", "--starts", "4", "--json"], "optimize")
check(["optimize", "--solver", "cmaes", "--max-evaluations", "200", "--vtr", "-1", "--json"],
      "optimize", codes=(1,))
check(["optimize", "--objective-cmd", "exit 3 {x}", "--bounds", "0:1", "--max-evaluations",
       "10", "--json"], "optimize", codes=(3,))
check(["fit", os.path.join(fit_dir, "ols"), "--json"], "fit")
check(["fit", os.path.join(fit_dir, "logistic"), "--model", "logistic", "--json"], "fit")
check(["laplace", "--nx", "20", "--ny", "20", "--json"], "laplace", codes=(0, 1))
check(["mandelbrot", "--width", "40", "--height", "30", "--json"], "mandelbrot")
check(["mandelbrot", "--width", "40", "--height", "30", "--backend", "processes", "--json"],
      "mandelbrot")
info = check(["info", "--json"], "info")
bench = check(["bench", "pi", "--scale", "0.002", "--workers", "1", "--repetitions", "3",
               "--json"], "bench pi")
scale = check(["scale", "--workers", "1,2", "--repetitions", "1", "--json", "--", "pi",
               "--samples", "1e6"], "scale")
weak = check(["scale", "--workers", "1,2", "--repetitions", "1", "--weak", "samples", "--json",
              "--", "pi", "--samples", "1e6"], "scale")

# What the schema promises, in values as well as in shape.
if pi:
    i = pi["interval"]
    if not (i["low"] < pi["estimate"] < i["high"] and i["level"] == 0.95
            and pi["run"]["seed"] == 42 and pi["run"]["complete"]
            and pi["run"]["blocks"]["done"] == pi["run"]["blocks"]["total"]):
        failures.append(f"pi: interval, seed or blocks wrong: {pi}")
if boot and boot["interval"]["method"] != "bca":
    failures.append(f"bootstrap: interval method {boot['interval']}")
if power and power["interval"]["method"] != "wilson":
    failures.append(f"power: interval method {power['interval']}")
if target and not (target["found"] and target["estimate"] >= 0.8 * 0.9):
    failures.append(f"power --target-power: {target}")
if opt and not (opt["best"]["value"] <= 1e-6 and len(opt["best"]["x"]) == 3
                and opt["termination"].startswith("value_to_reach")):
    failures.append(f"optimize: best or termination wrong: {opt}")
if bench:
    cells = bench["cells"]
    if len(cells) != 3 or any(c["repetitions"] != 3 or
                              not c["seconds"]["min"] <= c["seconds"]["median"]
                              <= c["seconds"]["max"] for c in cells):
        failures.append(f"bench pi: cells {cells}")

if scale and not ([p["workers"] for p in scale["points"]] == [1, 2]
                  and scale["mode"] == "strong" and scale["fit"]["law"] == "amdahl"
                  and scale["points"][0]["speedup"] == 1.0):
    failures.append(f"scale: {scale}")
if weak and not (weak["mode"] == "weak" and weak["weak_option"] == "samples"
                 and weak["fit"]["law"] == "gustafson"):
    failures.append(f"scale --weak: {weak}")

# The schema can fail: the old names and a loose run are refused.
if pi:
    old = copy.deepcopy(pi)
    old["ci95"] = [old["interval"]["low"], old["interval"]["high"]]
    del old["interval"]
    bad_run = copy.deepcopy(pi)
    bad_run["run"]["blocks_done"] = 3
    no_seed = copy.deepcopy(pi)
    del no_seed["run"]["seed"]
    wrong_command = copy.deepcopy(pi)
    wrong_command["pardo"]["command"] = "bootstrap"
    for name, obj in [("ci95 instead of interval", old), ("blocks_done in run", bad_run),
                      ("run without seed", no_seed), ("pi labelled bootstrap", wrong_command)]:
        if not problems(obj):
            failures.append(f"the schema accepts {name}")

for f in failures:
    print("FAIL:", f)
if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("every --json output validates against docs/pardo.schema.json")

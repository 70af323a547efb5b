"""The outputs people keep and plot: `--output FILE` for the printed result, MCMC draws,
bootstrap and permutation distributions (CSV and .npy), the Laplace field (PNG, .npy, CSV)
and fit's coefficient table; each checked against the command's own JSON, and paths that
cannot be written exit 2 (before the run) or 3 (a full disk), naming the file and reason.

Usage: check_outputs.py PARDO EXAMPLES_DATA. Exits 77 without numpy.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

try:
    import numpy as np
except ImportError:
    print("SKIP: no numpy")
    sys.exit(77)

pardo, data = sys.argv[1], sys.argv[2]
failures = []


def run(*args):
    return subprocess.run([pardo, *args], capture_output=True, text=True, timeout=120)


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def expect(args, code, needles):
    r = run(*args)
    check(r.returncode == code,
          f"pardo {' '.join(args)}: exit {r.returncode}, expected {code}: {r.stderr.strip()}")
    for needle in needles:
        check(needle in r.stderr, f"pardo {' '.join(args)}: stderr lacks {needle!r}: {r.stderr}")
    return r


def read_csv(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split(",")
    return header, np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)


def png_pixels(path):
    """(width, height, rows of RGB bytes) of an 8-bit RGB PNG, its filters undone."""
    with open(path, "rb") as f:
        blob = f.read()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        body = blob[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2), f"depth {depth}, colour type {colour}"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 3 * width
    rows, previous = [], bytearray(stride)
    for j in range(height):
        kind, line = raw[j * (stride + 1)], bytearray(raw[j * (stride + 1) + 1:(j + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = previous[i]
            c = previous[i - 3] if i >= 3 else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


tmp = tempfile.mkdtemp()
heights = os.path.join(data, "heights.csv")
groups = os.path.join(data, "groups.csv")

# --output: the result goes to the file, nothing to stdout; the file is what --json prints.
out = os.path.join(tmp, "pi.json")
r = run("pi", "--samples", "1e6", "--json", "--output", out)
check(r.returncode == 0 and r.stdout == "", f"pi --output: exit {r.returncode}, stdout {r.stdout!r}")
check(json.load(open(out))["pardo"]["command"] == "pi", "pi --output: the file is not pi's JSON")
same = run("pi", "--samples", "1e6", "--json").stdout
check(json.loads(same)["estimate"] == json.load(open(out))["estimate"],
      "pi -o: a different estimate from the same seed")
human = os.path.join(tmp, "pi.txt")
check(run("pi", "--samples", "1e5", "-o", human).returncode == 0 and
      "pardo pi" in open(human).read(), "pi -o: the human result is not in the file")
for command in (["pi", "--samples", "1e12"], ["integrate", "--samples", "1e12"],
                ["bootstrap", heights, "--resamples", "1e9"], ["power", "--replications", "1e9"],
                ["mcmc", "--draws", "1e9"], ["fit", os.path.join(data, "sites")],
                ["permtest", groups, "--permutations", "1e12"], ["laplace", "--nx", "30000"]):
    # A path that cannot be created fails at once, before a run that would take hours.
    r = expect(command + ["--output", os.path.join(tmp, "no", "such", "dir")], 2,
               ["--output " + os.path.join(tmp, "no", "such", "dir"),
                "cannot create: No such file or directory"])
if os.path.exists("/dev/full"):
    expect(["pi", "--samples", "1e5", "--json", "--output", "/dev/full"], 3,
           ["No space left on device"])

# MCMC draws: chain, draw, x[0..]; their means are the JSON's estimates.
draws_csv = os.path.join(tmp, "draws.csv")
draws_npy = os.path.join(tmp, "draws.npy")
mcmc = ["mcmc", "--chains", "3", "--draws", "200", "--dim", "2", "--json", "-q"]
j = json.loads(run(*mcmc, "--save-draws", draws_csv).stdout)
header, table = read_csv(draws_csv)
check(header == ["chain", "draw", "x[0]", "x[1]"], f"--save-draws header {header}")
check(table.shape == (600, 4), f"--save-draws CSV shape {table.shape}")
check(np.array_equal(table[:, 0], np.repeat([0, 1, 2], 200)), "--save-draws chain column")
check(np.array_equal(table[:, 1], np.tile(np.arange(200), 3)), "--save-draws draw column")
for k in range(2):
    want = j["parameters"][k]["estimate"]
    check(abs(table[:, 2 + k].mean() - want) <= 1e-12 * max(1, abs(want)),
          f"--save-draws: mean of x[{k}] {table[:, 2 + k].mean()} vs estimate {want}")
run(*mcmc, "--save-draws", draws_npy)
check(np.array_equal(np.load(draws_npy), table), "--save-draws .npy differs from the CSV")

# Bootstrap and permutation distributions, in CSV and .npy, equal to the JSON's.
dist = os.path.join(tmp, "boot.npy")
j = json.loads(run("bootstrap", heights, "--resamples", "999", "--json", "-q", "--distribution",
                   "--save-distribution", dist).stdout)
saved = np.load(dist)
check(saved.shape == (999,), f"bootstrap --save-distribution shape {saved.shape}")
check(np.array_equal(saved, np.asarray(j["distribution"])),
      "bootstrap --save-distribution differs from --distribution")
check(abs(saved.std(ddof=1) - j["std_error"]) <= 1e-9 * j["std_error"],
      "bootstrap: the saved distribution's sd is not the std_error")
perm = os.path.join(tmp, "perm.csv")
j = json.loads(run("permtest", groups, "--permutations", "999", "--json", "-q", "--distribution",
                   "--save-distribution", perm).stdout)
header, saved = read_csv(perm)
check(header == ["mean-diff"], f"permtest --save-distribution header {header}")
check(np.array_equal(saved[:, 0], np.asarray(j["null_distribution"])),
      "permtest --save-distribution differs from --distribution")

# The Laplace field: u - (x^2 - y^2) is the JSON's max_error; the image is viridis, y up.
field = os.path.join(tmp, "u.npy")
j = json.loads(run("laplace", "--nx", "40", "--ny", "30", "--tol", "1e-8", "--json",
                   "--save-field", field).stdout)
u = np.load(field)
check(u.shape == (30, 40), f"--save-field .npy shape {u.shape}")
x, y = np.meshgrid(np.linspace(0, 1, 40), np.linspace(0, 1, 30))
check(abs(np.abs(u - (x * x - y * y)).max() - j["max_error"]) <= 1e-12,
      "--save-field: the saved field's error is not max_error")
csv = os.path.join(tmp, "u.csv")
run("laplace", "--nx", "40", "--ny", "30", "--tol", "1e-8", "--save-field", csv)
header, long = read_csv(csv)
check(header == ["x", "y", "u"] and long.shape == (1200, 3), f"--save-field CSV {header}")
check(np.array_equal(long[:, 2], u.ravel()), "--save-field CSV u differs from the .npy")
image = os.path.join(tmp, "u.png")
r = run("laplace", "--nx", "40", "--ny", "30", "--tol", "1e-8", "--save-field", image)
check(r.returncode == 0, f"--save-field png: exit {r.returncode} {r.stderr}")
width, height, rows = png_pixels(image)
check((width, height) == (40, 30), f"--save-field png is {width} x {height}")
# Top left is (x, y) = (0, 1), the minimum -1: viridis(0); bottom right (1, 0), the maximum.
check(rows[0][:3] == bytes([68, 1, 84]), f"png top left {list(rows[0][:3])}")
check(rows[-1][-3:] == bytes([253, 231, 37]), f"png bottom right {list(rows[-1][-3:])}")

# Fit: statistics, p-values and intervals at --level.
r = run("fit", os.path.join(data, "sites"), "--level", "0.9", "--json", "-q")
j = json.loads(r.stdout)
row = j["rows"][0]
check(j["level"] == 0.9 and [c["term"] for c in row["coefficients"]] == row["terms"],
      "fit --json: coefficients do not follow the terms")
for c, b, se in zip(row["coefficients"], row["estimates"], row["std_errors"]):
    check(c["estimate"] == b and c["std_error"] == se and c["interval"]["low"] < b <
          c["interval"]["high"] and 0 <= c["p_value"] <= 1, f"fit coefficient {c}")
text = run("fit", os.path.join(data, "sites"), "--level", "0.9", "-q").stdout
check("p-value" in text and "90% interval" in text, f"fit's table lacks p-values: {text}")
expect(["fit", os.path.join(data, "sites"), "--level", "1.5"], 2, ["--level"])

# Saving: a path that cannot be created is refused before the run; '-' is refused (stdout
# carries the result); a full disk is a failure (3) naming the option and the reason.
for command, option in ((mcmc, "--save-draws"),
                        (["bootstrap", heights, "--resamples", "1e9"], "--save-distribution"),
                        (["permtest", groups, "--permutations", "1e12"], "--save-distribution"),
                        (["laplace", "--nx", "30000"], "--save-field")):
    bad = os.path.join(tmp, "no", "x.csv")
    expect(command + [option, bad], 2, [f"{option} {bad}: cannot create: No such file"])
    expect(command + [option, "-"], 2, [option, "standard output"])
if os.path.exists("/dev/full"):
    expect(mcmc + ["--save-draws", "/dev/full"], 3, ["--save-draws", "No space left on device"])
    expect(["laplace", "--nx", "40", "--ny", "30", "--save-field", "/dev/full"], 3,
           ["--save-field", "No space left on device"])

print(f"cli.outputs: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)

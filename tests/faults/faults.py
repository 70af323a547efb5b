#!/usr/bin/env python3
"""The fault suite of issue 15: pardo under bad input, killed workers, Ctrl-C and I/O failure.

    python3 tests/faults/faults.py BUILD/bin/pardo CATEGORY

(CATEGORY: bad_input, kill, sigint, sigint_workers or io.)

It checks the CLI contract, not today's behaviour:
  exit 0 success; 1 ran to the end without reaching what was asked; 2 usage or bad input (one
  line on stderr naming the option and the value); 3 failure while running (workers lost beyond
  retries, a failed write, out of memory); 130 interrupted, with the partial result printed.
  No input ever ends in a signal or in "terminate called". Every command with --backend takes
  --retries N (default 2) and --stall-timeout SECONDS (0: off).

Every case runs in its own process group under a watchdog; a case that outlives it is killed,
group and all, and fails naming itself. One line per failing case, then a summary; exit 1 if
any case failed. Standard library only.
"""

import faulthandler
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from proctable import ProcTable

SEED_2_64 = str(2**64)
WATCHDOG_S = 20.0  # a single short case
REAP_S = 10.0  # the longest wait for a killed process to be gone
CRASH_TEXT = ("terminate called", "Aborted", "Segmentation fault", "core dumped",
              "AddressSanitizer", "what():")


# Known gaps of issue 15, left for later work: each still fails as described, so it is
# reported as a known gap, not a failure; one that starts to pass fails the suite until it is
# taken off this list, so the list only shrinks. Keys are commands with the temporary
# directory written as <tmp>.
KNOWN_GAPS = {}


class Result:
    def __init__(self, rc, out, err, seconds, timed_out=False, watchdog=WATCHDOG_S):
        self.rc, self.out, self.err, self.seconds, self.timed_out = rc, out, err, seconds, timed_out
        self.watchdog = watchdog

    def err_head(self):
        lines = [line for line in self.err.splitlines() if line.strip()]
        return " | ".join(lines[:3])[:300] if lines else "(empty stderr)"


class Suite:
    def __init__(self, pardo, tmp):
        self.pardo = pardo
        self.tmp = tmp
        self.cases = 0
        self.failures = []
        self.known_gaps = 0
        self.started = time.monotonic()
        # Under ctest's 420 s with room for the longest case (about 35 s with its reaping),
        # so that the report always comes out.
        self.budget_s = 300.0
        self.progress = False  # a line per case: where a slow machine spends the time
        self.last_case = self.started

    def out_of_time(self, args):
        """True (and a failure) once the category has spent its time budget: a suite that
        cannot finish in time says which cases it did not run."""
        if time.monotonic() - self.started < self.budget_s:
            return False
        self.cases += 1
        self.fail(args, "to run", f"not run: the category's {self.budget_s:g} s budget is spent "
                  "(earlier cases hung until their watchdogs)")
        return True

    # --- running -------------------------------------------------------------------------

    def run(self, args, timeout=WATCHDOG_S, stdin=None, stdout=subprocess.PIPE, preexec=None,
            input_text=None):
        """Runs pardo ARGS in a new process group; on timeout kills the group."""
        start = time.monotonic()
        proc = subprocess.Popen([self.pardo] + args, stdin=stdin if input_text is None else
                                subprocess.PIPE, stdout=stdout, stderr=subprocess.PIPE,
                                start_new_session=True, preexec_fn=preexec, text=True,
                                errors="replace")
        try:
            out, err = proc.communicate(input=input_text, timeout=timeout)
            return Result(proc.returncode, out or "", err or "", time.monotonic() - start)
        except subprocess.TimeoutExpired:
            kill_group(proc.pid)
            try:
                out, err = proc.communicate(timeout=REAP_S)
            except subprocess.TimeoutExpired:  # a process outside the group holds the pipes
                proc.kill()
                proc.wait()
                out, err = "", ""
            return Result(proc.returncode, out or "", err or "", time.monotonic() - start, True,
                          timeout)

    # --- reporting -----------------------------------------------------------------------

    def fail(self, args, expected, got, err="", note=""):
        command = "pardo " + " ".join(quote(a) for a in args)
        line = f"FAIL: {command}\n    expected: {expected}\n    got:      {got}"
        if err:
            line += f"\n    stderr:   {err}"
        if note:
            line += f"\n    note:     {note}"
        self.failures.append(line)
        print(line, flush=True)

    def check(self, args, ok, expected, result, note=""):
        """Counts a case; on failure prints it. `ok` is a bool or a string naming the problem."""
        self.cases += 1
        key = " ".join(args).replace(self.tmp, "<tmp>")
        if self.progress:
            now = time.monotonic()
            print(f"[{now - self.started:6.1f} s, +{now - self.last_case:4.1f}] {key[:150]}",
                  flush=True)
            self.last_case = now
        problem = None
        if result.timed_out:
            problem = (getattr(result, "timeout_text", None) or
                       f"still running after the {result.watchdog:g} s watchdog (killed)")
        elif result.rc is not None and result.rc < 0:
            problem = f"killed by signal {signal_name(-result.rc)}"
        elif any(t in result.err for t in CRASH_TEXT):
            problem = f"exit {result.rc} with a crash text on stderr"
        elif ok is not True:
            problem = ok if isinstance(ok, str) else f"exit {result.rc}"
        if key in KNOWN_GAPS:
            if problem is None:
                self.fail(args, "a known gap (" + KNOWN_GAPS[key] + ")",
                          "it passes now: take it off KNOWN_GAPS")
                return False
            self.known_gaps += 1
            print(f"KNOWN GAP: pardo {key}: {problem}", flush=True)
            return False
        if problem is not None:
            self.fail(args, expected, problem, result.err_head(), note)
            return False
        return True

    def summary(self, category):
        failed = len(self.failures)
        print(f"faults.{category}: {self.cases - failed - self.known_gaps} of {self.cases} "
              f"cases passed, {failed} failed, {self.known_gaps} known gaps")
        return 1 if failed else 0


# --- helpers ---------------------------------------------------------------------------------

def quote(a):
    return a if re.fullmatch(r"[\w./:=,+@%-]+", a) else "'" + a.replace("'", "'\\''") + "'"


def signal_name(n):
    try:
        return signal.Signals(n).name
    except ValueError:
        return str(n)


def kill_group(pgid):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


PROC = ProcTable()


def survivors(seen, pgid=None):
    """The processes of `seen` ({pid: starttime}) still alive (not zombies), plus any live
    member of process group pgid."""
    alive = [pid for pid, st in PROC.stats(seen).items() if st[3] == seen[pid] and st[2] != "Z"]
    if pgid is not None:
        alive += [pid for pid in PROC.group(pgid) if pid not in alive]
    return alive


def reap(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def numbers_in(value, path="", skip=()):
    """Yields (path, number-or-None) of every number or null in a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in skip:
                yield from numbers_in(v, f"{path}.{k}", skip)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from numbers_in(v, f"{path}[{i}]", skip)
    elif value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        yield path, value


def non_finite(j, skip=()):
    """The paths of null, NaN or infinite numbers (nlohmann prints NaN and inf as null)."""
    return [p for p, v in numbers_in(j, "", skip) if v is None or not math.isfinite(v)]


def parse_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


# --- usage errors ------------------------------------------------------------------------------

def usage_case(s, args, needles, note="", allow_unknown_option=False):
    """Expects exit 2 and one line on stderr that contains every needle (case-insensitive).

    An "argument was not expected" error does not count unless allow_unknown_option: the
    contract's options must exist and reject the value themselves."""
    r = s.run(args)
    lines = [line for line in r.err.splitlines() if line.strip()]
    low = r.err.lower()
    missing = [n for n in needles if n.lower() not in low]
    ok = True
    if r.rc != 2:
        ok = f"exit {r.rc}"
    elif not lines:
        ok = "exit 2 with an empty stderr"
    elif len(lines) > 1:
        ok = f"exit 2 with {len(lines)} lines on stderr, not one"
    elif missing:
        ok = "exit 2 but stderr does not name " + ", ".join(repr(n) for n in missing)
    elif not allow_unknown_option and "not expected" in low:
        ok = "exit 2 only because the option does not exist"
    s.check(args, ok, "exit 2, one stderr line naming " + ", ".join(repr(n) for n in needles), r,
            note)


def with_option(base, opt, value):
    """base with opt set to value: a previous opt VALUE pair is dropped (CLI11 rejects an
    option given twice, which would hide the error under test)."""
    out, i = [], 0
    while i < len(base):
        if base[i] == opt:
            i += 2
            continue
        out.append(base[i])
        i += 1
    return out + [opt, value]


def good_case(s, args, note=""):
    """A control: valid input (often a contract option) runs to exit 0."""
    r = s.run(args)
    s.check(args, r.rc == 0 or f"exit {r.rc}", "exit 0 (valid input)", r, note)


# The commands with --backend, and a short valid run of each (for appended bad options).
def short_runs(d):
    return {
        "pi": ["pi", "--samples", "100000", "--json"],
        "integrate": ["integrate", "--samples", "100000", "--json"],
        "bootstrap": ["bootstrap", d["normal"], "--resamples", "999", "--json"],
        "power": ["power", "--replications", "500", "--json"],
        "fit": ["fit", d["fit_dir"], "--json"],
        "permtest": ["permtest", d["two"], "--permutations", "999", "--json"],
        "mcmc": ["mcmc", "--draws", "1000", "--warmup", "200", "--json"],
    }


def bad_input(s):
    d = make_data(s.tmp)
    runs = short_runs(d)
    missing = os.path.join(s.tmp, "no-such-file.csv")

    # Options every command with --backend shares: workers, backend, seed, retries, stall.
    for name, base in runs.items():
        usage_case(s, base + ["--backend", "gpu"], ["--backend", "gpu"])
        usage_case(s, base + ["--workers", "0"], ["--workers", "0"])
        usage_case(s, base + ["--workers", "-1"], ["--workers", "-1"])
        usage_case(s, base + ["--workers", "1e15"], ["--workers", "1e15"])
        # fit draws no random numbers: there --seed does not apply at all, itself an error.
        no_seed = name == "fit"
        usage_case(s, base + ["--seed", "-1"], ["--seed", "-1"], allow_unknown_option=no_seed)
        usage_case(s, base + ["--seed", SEED_2_64], ["--seed", SEED_2_64],
                   allow_unknown_option=no_seed)
        usage_case(s, base + ["--seed", "abc"], ["--seed", "abc"], allow_unknown_option=no_seed)
        usage_case(s, base + ["--retries", "-1"], ["--retries", "-1"])
        usage_case(s, base + ["--retries", "abc"], ["--retries", "abc"])
        usage_case(s, base + ["--stall-timeout", "-1"], ["--stall-timeout", "-1"])
        usage_case(s, base + ["--stall-timeout", "nan"], ["--stall-timeout", "nan"])
        # The contract's options exist and take their documented values. They act on worker
        # processes: on any other backend they do not apply, a usage error naming it.
        # An empty value is not "not given".
        usage_case(s, base + ["--seed", ""], ["--seed", "empty"], allow_unknown_option=no_seed)
        usage_case(s, base + ["--workers="], ["--workers", "empty"])
        usage_case(s, base + ["--retries", "0"], ["--retries", "processes"])
        usage_case(s, base + ["--stall-timeout", "5"], ["--stall-timeout", "processes"])
        good_case(s, base + ["--backend", "processes", "--retries", "0", "--stall-timeout", "0"])
        good_case(s, base + ["--backend", "processes", "--workers", "2", "--retries", "3",
                             "--stall-timeout", "30"])

    # info and tour take (almost) nothing: anything else is a usage error naming it.
    for cmd in (["info"], ["tour"]):
        usage_case(s, cmd + ["--bogus"], ["--bogus"], allow_unknown_option=True)
        usage_case(s, cmd + ["extra"], ["extra"], allow_unknown_option=True)
        usage_case(s, cmd + ["--seed", "-1"], ["--seed"], allow_unknown_option=True)
        usage_case(s, cmd + ["--samples", "1e15"], ["--samples"], allow_unknown_option=True)
        usage_case(s, cmd + ["--backend", "processes"], ["--backend"], allow_unknown_option=True)
    usage_case(s, ["info", "--workers", "0"], ["--workers"], allow_unknown_option=True)
    usage_case(s, ["info", "--json=maybe"], ["--json"], allow_unknown_option=True)
    usage_case(s, ["info", "--retries", "2"], ["--retries"], allow_unknown_option=True)
    usage_case(s, ["info", "--stall-timeout", "1"], ["--stall-timeout"],
               allow_unknown_option=True)
    usage_case(s, ["info", "-"], ["-"], allow_unknown_option=True)
    for bad in ("-1", "1e15", "abc", "nan", "inf", "1e308", "4097", SEED_2_64, "1.5", ""):
        usage_case(s, ["tour", "--workers", bad], ["--workers"] + ([bad] if bad else []))
    usage_case(s, ["frobnicate"], ["frobnicate"], allow_unknown_option=True)

    # pi
    for bad, why in (("0", "0"), ("-5", "-5"), ("nan", "nan"), ("inf", "inf"), ("1e308", "1e308"),
                     ("1e30", "1e30"), ("abc", "abc"), ("1.5", "1.5"), ("10X", "10X"),
                     (SEED_2_64 + "0", SEED_2_64 + "0")):
        usage_case(s, ["pi", "--samples", bad], ["--samples", why])
    usage_case(s, ["pi", "--samples", ""], ["--samples"])
    usage_case(s, ["pi", "--samples", "1e6", "--block-size", "0"], ["--block-size", "0"])
    usage_case(s, ["pi", "--samples", "1e6", "--block-size", "nan"], ["--block-size", "nan"])
    usage_case(s, ["pi", "--samples", "1e6", "--method", "fast"], ["--method", "fast"])
    usage_case(s, ["pi", "--samples", "1e6", "--seed", "1.5"], ["--seed", "1.5"])
    usage_case(s, ["pi", "--samples", "1e6", "--backend", "serial", "--workers", "4"],
               ["--backend serial", "4"])

    # integrate
    base = ["integrate", "--samples", "1e5"]
    for opt, bad in (("--function", "nope"), ("--dim", "0"), ("--dim", "-1"), ("--dim", "1e15"),
                     ("--dim", "abc"), ("--lower", "nan"), ("--upper", "inf"),
                     ("--lower", "1,2,3"), ("--samples", "0"), ("--samples", "1e30"),
                     ("--method", "fancy"), ("--abs-tol", "-1"), ("--rel-tol", "nan"),
                     ("--abs-tol", "inf"), ("--block-size", "0")):
        usage_case(s, with_option(base, opt, bad), [opt, bad])
    usage_case(s, base + ["--method", "stratified", "--strata", "0"], ["--strata", "0"])
    # An empty or inverted box is contradictory.
    usage_case(s, base + ["--lower", "1", "--upper", "0"], ["--lower"])
    # --strata only applies to --method stratified.
    usage_case(s, base + ["--method", "plain", "--strata", "64"], ["--strata"])

    # bootstrap
    empty = write(os.path.join(s.tmp, "empty.csv"), "")
    header_only = write(os.path.join(s.tmp, "header_only.csv"), "x,y\n")
    ragged = write(os.path.join(s.tmp, "ragged.csv"), "x,y\n1,2\n3\n")
    text_cell = write(os.path.join(s.tmp, "text_cell.csv"), "x\n1\n2\nabc\n")
    for path, why in ((missing, missing), (s.tmp, s.tmp), (empty, "empty"),
                      (header_only, "no rows"), (ragged, "ragged.csv"), (text_cell, "abc")):
        usage_case(s, ["bootstrap", path, "--resamples", "999"], [why])
    bs = ["bootstrap", d["normal"], "--resamples", "999"]
    for opt, bad in (("--column", "nope"), ("--column", "99"), ("--statistic", "nope"),
                     ("--method", "nope"), ("--level", "0"), ("--level", "1"),
                     ("--level", "nan"), ("--level", "1.5"), ("--resamples", "0"),
                     ("--resamples", "-1"), ("--resamples", "1e30"), ("--block-size", "0")):
        usage_case(s, with_option(bs, opt, bad), [opt, bad])
    # 1e18 resamples cannot be held (the intervals need every replicate): rejected up front.
    usage_case(s, ["bootstrap", d["normal"], "--resamples", "1e18", "--json"],
               ["--resamples", "1e18"])
    usage_case(s, bs + ["--distribution"], ["--distribution"],
               note="--distribution only applies with --json")
    usage_case(s, bs + ["--columns", "x,y"], ["--columns"])
    usage_case(s, ["bootstrap", d["two"], "--statistic", "pearson", "--resamples", "999"],
               ["pearson"])
    usage_case(s, ["bootstrap", d["two"], "--statistic", "pearson", "--columns", "x,y,z"],
               ["--columns"])

    # permtest
    for path, why in ((missing, missing), (s.tmp, s.tmp), (empty, "empty"),
                      (header_only, "no rows")):
        usage_case(s, ["permtest", path, "--permutations", "999"], [why])
    pt = ["permtest", d["two"], "--permutations", "999"]
    for opt, bad in (("--x", "nope"), ("--y", "99"), ("--design", "nope"),
                     ("--statistic", "nope"), ("--alternative", "nope"),
                     ("--permutations", "0"), ("--permutations", "-1"),
                     ("--permutations", "1e30"), ("--block-size", "0")):
        usage_case(s, with_option(pt, opt, bad), [opt, bad])
    usage_case(s, pt + ["--design", "correlation", "--statistic", "mean-diff"],
               ["--statistic", "mean-diff"])
    usage_case(s, ["permtest", "--x", f"{d['two']}:x", "--y", f"{d['short']}:x", "--design",
                   "paired"], ["60", "3"], note="paired samples of unequal length (60 and 3)")
    usage_case(s, ["permtest", "--x", "x", "--y", "y"], ["--x"], note="no FILE for a bare column")
    # Chosen by analogy with bootstrap: a null distribution only goes into JSON.
    usage_case(s, pt + ["--distribution"], ["--distribution"])
    usage_case(s, ["permtest", d["two"], "--permutations", "1e18", "--distribution", "--json"],
               ["--permutations", "1e18"], note="1e18 permutations cannot be kept")

    # power (generates its data; reads no file)
    pw = ["power", "--replications", "500"]
    for opt, bad in (("--test", "nope"), ("--effect", "nan"), ("--effect", "inf"),
                     ("--n", "0"), ("--n", "1"), ("--n", "1e15"), ("--n", "-3"),
                     ("--n2", "0"), ("--alpha", "0"), ("--alpha", "1"), ("--alpha", "nan"),
                     ("--replications", "0"), ("--replications", "1e30"),
                     ("--alternative", "nope"), ("--block-size", "0")):
        usage_case(s, with_option(pw, opt, bad), [opt, bad])
    usage_case(s, pw + ["--ratio", "2"], ["--ratio"], note="--ratio needs --target-power")
    usage_case(s, pw + ["--max-n", "100"], ["--max-n"], note="--max-n needs --target-power")
    usage_case(s, pw + ["--test", "t", "--permutations", "99"], ["--permutations"],
               note="--permutations only applies to --test permutation")
    for bad in ("0", "1", "1.5", "nan"):
        usage_case(s, pw + ["--target-power", bad], ["--target-power", bad])
    usage_case(s, pw + ["--target-power", "0.8", "--ratio", "0"], ["--ratio", "0"])
    usage_case(s, pw + ["--target-power", "0.8", "--max-n", "1"], ["--max-n", "1"])
    for opt in ("--n", "--n2"):
        usage_case(s, pw + ["--target-power", "0.8", opt, "20"], [opt, "--target-power"],
                   note="the search chooses n")
    usage_case(s, ["power", "--replications", "1e15", "--block-size", "1"],
               ["blocks", "memory"], note="the blocks' outputs alone exceed memory")

    # fit
    empty_dir = os.path.join(s.tmp, "empty_dir")
    os.makedirs(empty_dir, exist_ok=True)
    for path, why in ((missing, missing), (empty_dir, "empty_dir"), (empty, "empty"),
                      (header_only, "no rows")):
        usage_case(s, ["fit", path], [why])
    ft = ["fit", d["fit_dir"]]
    for opt, bad in (("--model", "nope"), ("--response", "nope"), ("--predictors", "nope"),
                     ("--max-iterations", "0"), ("--max-iterations", "-1"),
                     ("--max-iterations", "1e15")):
        usage_case(s, with_option(ft, opt, bad), [opt, bad])
    for bad in ("0", "-1", "nan", "inf"):
        usage_case(s, ft + ["--model", "logistic", "--tolerance", bad], ["--tolerance", bad])
    usage_case(s, ft + ["--model", "ols", "--tolerance", "1e-6"], ["--tolerance"],
               note="--tolerance only applies to --model logistic (IRLS)")
    usage_case(s, ft + ["--response", "x1", "--predictors", "x1"], ["x1"],
               note="the response among the predictors")

    # laplace (threads, serial or mpi)
    for opt, bad in (("--nx", "0"), ("--nx", "2"), ("--nx", "-1"), ("--nx", "1e15"),
                     ("--nx", "abc"), ("--ny", "nan"), ("--tol", "-1"), ("--tol", "nan"),
                     ("--tol", "inf"), ("--max-iterations", "-1"), ("--backend", "gpu"),
                     ("--backend", "processes"), ("--workers", "0")):
        usage_case(s, with_option(["laplace", "--nx", "32", "--ny", "32"], opt, bad), [opt, bad])
    usage_case(s, ["laplace", "--nx", "100000", "--ny", "100000"], ["--nx"],
               note="a grid of 1e10 points (160 GB) is rejected up front")
    usage_case(s, ["laplace", "--seed", "1"], ["--seed"], allow_unknown_option=True)

    # bench
    for opt, bad in (("--workers", "0"), ("--workers", "abc"), ("--scale", "0"),
                     ("--scale", "-1"), ("--scale", "nan"), ("--scale", "inf"),
                     ("--scale", "1e308"), ("--seed", "-1"), ("--seed", SEED_2_64),
                     ("--workers", "1e15")):
        usage_case(s, ["bench", "pi", opt, bad], [opt, bad])
    usage_case(s, ["bench", "nope"], ["nope"], allow_unknown_option=True)
    usage_case(s, ["bench"], ["subcommand"], allow_unknown_option=True)

    # mcmc
    mc = ["mcmc", "--draws", "1000", "--warmup", "100"]
    for opt, bad in (("--target", "nope"), ("--dim", "0"), ("--dim", "1e15"), ("--chains", "0"),
                     ("--chains", "1e15"), ("--warmup", "-1"), ("--draws", "0"),
                     ("--draws", "1e15"), ("--draws", "abc"), ("--thin", "0"),
                     ("--step", "-1"), ("--step", "nan"), ("--step", "inf")):
        usage_case(s, with_option(mc, opt, bad), [opt, bad])

    # rng dump
    for opt, bad in (("--seed", "-1"), ("--seed", SEED_2_64), ("--seed", "abc"),
                     ("--streams", "0"), ("--streams", "1048577"), ("--streams", "1e15"),
                     ("--rounds", "0"), ("--rounds", "17"), ("--count", "-1"),
                     ("--count", "abc"), ("--count", "1e30")):
        args = with_option(["rng", "dump", "--seed", "1", "--count", "16"], opt, bad)
        usage_case(s, args, [opt, bad])
    usage_case(s, ["rng", "dump", "--count", "16"], ["--seed"], allow_unknown_option=True)
    usage_case(s, ["rng", "nope"], ["nope"], allow_unknown_option=True)
    usage_case(s, ["rng"], ["subcommand"], allow_unknown_option=True)

    data_cases(s, d)


# --- data that is numerically hostile ------------------------------------------------------------

def make_data(tmp):
    d = {}
    d["normal"] = write(os.path.join(tmp, "normal.csv"),
                        "x,y\n" + "".join(f"{(i * 37 % 101) / 10:.1f},{(i * 53 % 97) / 7:.3f}\n"
                                          for i in range(60)))
    d["two"] = d["normal"]
    d["short"] = write(os.path.join(tmp, "short.csv"), "x,y\n1,2\n3,4\n5,7\n")
    fit_dir = os.path.join(tmp, "fit")
    os.makedirs(fit_dir, exist_ok=True)
    rows = "".join(f"{1 + 2 * (i % 7) + 0.5 * (i % 3) + 0.1 * (i * 13 % 5)},{i % 7},{i % 3}\n"
                   for i in range(40))
    write(os.path.join(fit_dir, "a.csv"), "y,x1,x2\n" + rows)
    d["fit_dir"] = fit_dir
    return d


def hostile_tables(tmp):
    """name -> (csv text, description). x is the hostile column; y is ordinary."""
    ordinary = [1.5, 2.0, 3.25, 4.0, 5.5, 2.5, 3.0, 4.5]
    def table(xs, ys=ordinary):
        return "x,y\n" + "".join(f"{a},{b}\n" for a, b in zip(xs, ys))
    return {
        "nan_cell": table([1, 2, "nan", 4, 5, 6, 7, 8]),
        "inf_cell": table([1, 2, "inf", 4, 5, 6, 7, 8]),
        "minus_inf_cell": table([1, 2, "-inf", 4, 5, 6, 7, 8]),
        "constant": table([3.0] * 8),
        "one_row": "x,y\n2.5,1.0\n",
        "huge": table(["1e308"] * 4 + ["-1e308"] + ["1e308"] * 3),
        "huge_same": table(["1e308"] * 8),
    }


def data_expectation(s, args, r, fields_ok, note=""):
    """Exit 0 with finite numbers (and fields_ok(json) -> True or a problem), or exit 2 with a
    message. Never exit 0 with NaN/null/inf, never a crash."""
    expected = "exit 0 with finite JSON numbers, or exit 2 naming the problem"
    if r.rc == 2:
        lines = [line for line in r.err.splitlines() if line.strip()]
        return s.check(args, bool(lines) or "exit 2 with an empty stderr", expected, r, note)
    if r.rc != 0:
        return s.check(args, f"exit {r.rc}", expected, r, note)
    j = parse_json(r.out)
    if not isinstance(j, dict):
        return s.check(args, "exit 0 but stdout is not one JSON object", expected, r, note)
    bad = non_finite(j, skip=("analytic_power", "distribution", "null_distribution"))
    if bad:
        return s.check(args, "exit 0 with non-finite or null numbers at " + ", ".join(bad[:6]),
                       expected, r, note)
    ok = fields_ok(j)
    return s.check(args, ok, expected, r, note)


def data_cases(s, d):
    tables = hostile_tables(s.tmp)
    paths = {n: write(os.path.join(s.tmp, f"hostile_{n}.csv"), t) for n, t in tables.items()}

    def near(a, b):
        return abs(a - b) <= 1e-9 * max(1.0, abs(b))

    for name, path in paths.items():
        for stat in ("mean", "median", "std", "var"):
            args = ["bootstrap", path, "--column", "x", "--statistic", stat, "--resamples", "999",
                    "--json"]
            r = s.run(args)

            def fields_ok(j, name=name, stat=stat):
                lo, hi = j["interval"]["low"], j["interval"]["high"]
                if not lo <= j["estimate"] <= hi:
                    return f"estimate {j['estimate']} outside its interval [{lo}, {hi}]"
                if name in ("constant", "huge_same"):
                    want = {"mean": None, "median": None, "std": 0.0, "var": 0.0}[stat]
                    value = 3.0 if name == "constant" else 1e308
                    want = value if want is None else want
                    if not (near(j["estimate"], want) and near(lo, want) and near(hi, want)):
                        return f"constant data gave estimate {j['estimate']} [{lo}, {hi}]"
                return True
            data_expectation(s, args, r, fields_ok)
        args = ["bootstrap", path, "--statistic", "pearson", "--columns", "x,y", "--resamples",
                "999", "--json"]
        data_expectation(s, args, s.run(args), lambda j: True,
                         note="pearson with a constant or non-finite column is undefined")
        for design in ("independent", "paired", "correlation"):
            args = ["permtest", path, "--x", "x", "--y", "y", "--design", design,
                    "--permutations", "999", "--json"]

            def p_ok(j):
                p = j["estimate"]
                return True if 0 < p <= 1 else f"p-value {p} outside (0, 1]"
            data_expectation(s, args, s.run(args), p_ok)
        # fit: y on the hostile x. Exit 1 is allowed here: "not everything fitted", with
        # the data set's error in its row.
        fdir = os.path.join(s.tmp, f"fit_{name}")
        os.makedirs(fdir, exist_ok=True)
        write(os.path.join(fdir, "data.csv"), tables[name])
        for model in ("ols", "logistic"):
            if model == "logistic":  # a 0/1 response
                text = tables[name].splitlines()
                rows = [text[0]] + [f"{line.split(',')[0]},{i % 2}"
                                    for i, line in enumerate(text[1:])]
                write(os.path.join(fdir, "data.csv"), "\n".join(rows) + "\n")
            args = ["fit", fdir, "--model", model, "--response", "y", "--predictors", "x",
                    "--json"]
            r = s.run(args)
            if r.rc == 1:
                j = parse_json(r.out)
                ok = (isinstance(j, dict) and j.get("failed", 0) >= 1 and
                      all(row.get("error") for row in j.get("rows", []))) or \
                    "exit 1 without a failed row naming its error in the JSON"
                s.check(args, ok, "exit 0 finite, 1 with the row's error, or 2", r)
            else:
                data_expectation(s, args, r, lambda j: True)
    # integrate over a box whose volume overflows a double.
    args = ["integrate", "--function", "gaussian", "--lower=-1e308", "--upper", "1e308",
            "--samples", "1e5", "--json"]
    data_expectation(s, args, s.run(args), lambda j: True)
    # A proposal scale of 1e308 overflows every proposal: a finite answer or exit 2.
    args = ["mcmc", "--draws", "1000", "--warmup", "100", "--step", "1e308", "--json"]
    data_expectation(s, args, s.run(args), lambda j: True)
    # power of an enormous effect is 1, finite.
    args = ["power", "--effect", "1e308", "--replications", "500", "--json"]
    data_expectation(s, args, s.run(args), lambda j: True)


# --- kill: worker processes that die or stall --------------------------------------------------

def long_runs(s):
    """Runs that last a few seconds on 2 cores: command -> (args, fields to compare)."""
    big = os.path.join(s.tmp, "big.csv")
    write(big, "x,y\n" + "".join(f"{(i * 7919 % 10007) / 100.0},{(i * 104729 % 9973) / 50.0}\n"
                                   for i in range(20000)))
    return {
        "pi": (["pi", "--samples", "2e10", "--json", "--seed", "5"],
               ["hits", "estimate", "std_error", "interval", "samples"]),
        "bootstrap": (["bootstrap", big, "--resamples", "5e5", "--block-size", "256", "--seed",
                       "5", "--json"],
                      ["estimate", "std_error", "bias", "interval", "resamples"]),
        "permtest": (["permtest", big, "--permutations", "4e5", "--block-size", "512", "--seed",
                      "5", "--json"],
                     ["statistic", "estimate", "std_error", "less_or_equal", "greater_or_equal",
                      "permutations"]),
        # Thinned, so that sampling (on the workers), not the diagnostics (on the caller),
        # takes the run's time: a kill then lands on a busy worker.
        "mcmc": (["mcmc", "--dim", "2", "--chains", "4", "--draws", "2e4", "--thin", "500",
                  "--warmup", "1000", "--seed", "5", "--json"],
                 ["parameters", "acceptance_rate", "step_size", "steps", "draws", "chains"]),
    }


def pick(j, fields):
    return {f: j.get(f) for f in fields} if isinstance(j, dict) else None


class Watched:
    """A pardo run in its own process group, with its descendants recorded as they appear."""

    def __init__(self, s, args, stdout=subprocess.PIPE, launcher=()):
        self.args = args
        self.start = time.monotonic()
        self.outfile = tempfile.TemporaryFile(mode="w+", dir=s.tmp)
        self.errfile = tempfile.TemporaryFile(mode="w+", dir=s.tmp)
        self.proc = subprocess.Popen([*launcher, s.pardo] + args, stdout=self.outfile,
                                     stderr=self.errfile, start_new_session=True, text=True)
        self.seen = {}

    def poll_children(self):
        """Records the descendants; the live (not zombie) children."""
        tree = PROC.tree(self.proc.pid)
        self.seen.update({p: st[3] for p, st in tree.items()})
        return [p for p, st in tree.items() if st[0] == self.proc.pid and st[2] != "Z"]

    def wait_for_workers(self, count, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            kids = self.poll_children()
            if len(kids) >= count:
                return kids
            time.sleep(0.02)
        return self.poll_children()

    def wait_for_ranks_handling(self, sig, count, timeout):
        """Waits until `count` pardo descendants catch or ignore `sig`; whether they did."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            self.poll_children()
            ranks = [p for p in self.seen if PROC.handles(p, sig)]
            if len(ranks) >= count:
                return True
            time.sleep(0.02)
        return False

    def sleep_watching(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.proc.poll() is None:
            self.poll_children()
            time.sleep(0.02)

    def wait(self, timeout):
        """(Result, timed out). Kills the group on timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            self.poll_children()
            time.sleep(0.02)
        timed_out = self.proc.poll() is None
        if timed_out:
            kill_group(self.proc.pid)
            reap(survivors(self.seen))
            try:
                self.proc.wait(REAP_S)
            except subprocess.TimeoutExpired:
                print(f"faults: pid {self.proc.pid} outlived SIGKILL by {REAP_S:g} s "
                      f"(state {(PROC.stat(self.proc.pid) or (0, 0, '?'))[2]})", flush=True)
        self.outfile.seek(0)
        self.errfile.seek(0)
        return Result(self.proc.returncode, self.outfile.read(), self.errfile.read(),
                      time.monotonic() - self.start, timed_out, timeout)

    def leftovers(self, grace=0.5):
        end = time.monotonic() + grace
        while True:
            alive = survivors(self.seen, self.proc.pid)
            if not alive or time.monotonic() > end:
                return alive
            time.sleep(0.05)


def signal_a_worker(s, args, moment, sig, timeout):
    """Runs args, sends sig to a live worker process `moment` s in, waits up to timeout:
    (result, the worker signalled or None, the processes left behind, now reaped)."""
    w = Watched(s, args)
    w.wait_for_workers(2, 10)
    w.sleep_watching(moment)
    victim = None
    if w.proc.poll() is None:
        kids = w.poll_children()
        if kids:
            victim = kids[0]
            os.kill(victim, sig)
    r = w.wait(timeout)
    left = w.leftovers()
    reap(left)
    return r, victim, left


def kill(s):
    runs = long_runs(s)
    for name, (args, fields) in runs.items():
        ref_args = args + ["--backend", "threads", "--workers", "2"]
        t0 = time.monotonic()
        ref = s.run(ref_args, timeout=60)
        ref_seconds = time.monotonic() - t0
        ref_j = parse_json(ref.out) if ref.rc == 0 else None
        if not s.check(ref_args, ref_j is not None or f"exit {ref.rc}",
                       "exit 0 with JSON (the reference answer)", ref):
            continue
        want = pick(ref_j, fields)
        # Kill at about a third of the run: workers are up and blocks are in flight.
        moment = max(0.5, min(2.0, ref_seconds / 3))
        if ref_seconds < 1.0:
            print(f"note: the {name} reference took only {ref_seconds:.2f} s; kills may land late")

        proc_args = args + ["--backend", "processes", "--workers", "2"]
        for how in ("kill", "stop"):
            extra = ["--stall-timeout", "1"] if how == "stop" else []
            if s.out_of_time(proc_args + extra):
                continue
            shown = proc_args + extra
            r, victim, left = signal_a_worker(
                s, shown, moment, signal.SIGKILL if how == "kill" else signal.SIGSTOP,
                max(30, 4 * ref_seconds))
            what = "SIGKILL" if how == "kill" else "SIGSTOP"
            if victim is None:
                s.check(shown, f"no worker to {what} (exit {r.rc} after {r.seconds:.2f} s)",
                        f"a live worker at {moment:.1f} s", r)
                continue
            got = pick(parse_json(r.out), fields) if r.rc == 0 else None
            if how == "kill":
                ok = True
                if r.rc != 0:
                    ok = f"exit {r.rc} after {what} of worker {victim}"
                elif got != want:
                    ok = f"answer {got} differs from threads' {want}"
                expected = f"exit 0 with the threads answer after {what} of a worker"
            else:
                ok = True
                if r.rc == 3:
                    ok = bool(r.err.strip()) or "exit 3 with an empty stderr"
                elif r.rc != 0:
                    ok = f"exit {r.rc} after {what} of worker {victim}"
                elif got != want:
                    ok = f"answer {got} differs from threads' {want}"
                expected = (f"exit 0 with the threads answer, or exit 3 with a message, after "
                            f"{what} of a worker with --stall-timeout 1")
            if ok is True and left:
                ok = f"processes left behind: {left}"
            s.check(shown, ok, expected, r)

        # --retries 0: a lost worker is a failed run, exit 3, naming the block.
        shown = proc_args + ["--retries", "0"]
        if s.out_of_time(shown):
            continue
        r, victim, left = signal_a_worker(s, shown, moment, signal.SIGKILL,
                                          max(30, 4 * ref_seconds))
        if victim is None:
            s.check(shown, f"no worker to kill (exit {r.rc} after {r.seconds:.2f} s)",
                    "a live worker", r)
            continue
        ok = True
        j = parse_json(r.out) if r.rc == 0 else None
        retried = j.get("run", {}).get("blocks", {}).get("retried") if isinstance(j, dict) else None
        if r.rc == 0 and retried == 0:
            # The kill landed between two blocks of that worker: nothing was lost, and
            # nothing was retried.
            pass
        elif r.rc != 3:
            ok = f"exit {r.rc}"
        elif not re.search(r"block\s*#?\s*\d+", r.err, re.IGNORECASE):
            ok = "exit 3 but stderr names no block ('block N')"
        elif left:
            ok = f"processes left behind: {left}"
        s.check(shown, ok, "exit 3 with a message naming the block whose worker died", r)


# --- sigint ----------------------------------------------------------------------------------

SIGNAL_MARGIN_S = 3.0  # the contract says 1 s; 3 s allows for a loaded 2-core machine


def interruptible(s):
    """Runs that take many minutes on 2 cores, far longer than the test, so that a case signalled
    late (a loaded machine) still catches them running: command -> args (with --json)."""
    big = os.path.join(s.tmp, "sigint_big.csv")
    if not os.path.exists(big):
        write(big, "x,y\n" + "".join(f"{(i * 7919 % 10007) / 100.0},"
                                     f"{(i * 104729 % 9973) / 50.0}\n" for i in range(100000)))
    fit_dir = os.path.join(s.tmp, "sigint_fit")
    if not os.path.isdir(fit_dir):
        os.makedirs(fit_dir)
        rows = "".join(f"{(i * 31 % 17) % 2},{(i * 7 % 101) / 50.0},{(i * 13 % 89) / 40.0},"
                       f"{(i * 3 % 23) / 10.0}\n" for i in range(200000))
        first = os.path.join(fit_dir, "set0000.csv")
        write(first, "y,a,b,c\n" + rows)
        # Hard links: thousands of data sets (a run far longer than the signal times, even
        # on a fast machine) at the disk cost of one.
        for k in range(1, 10000):
            os.link(first, os.path.join(fit_dir, f"set{k:04d}.csv"))
    return {
        "pi": ["pi", "--samples", "1e14", "--json"],
        "integrate": ["integrate", "--function", "gaussian", "--dim", "8", "--samples", "1e12",
                      "--json"],
        "bootstrap": ["bootstrap", big, "--resamples", "1e6", "--json"],
        "permtest": ["permtest", big, "--permutations", "1e8", "--json"],
        "power": ["power", "--test", "permutation", "--n", "200", "--replications", "1e7",
                  "--json"],
        # Kept draws fit in 64 MB; the chains would take half an hour.
        "mcmc": ["mcmc", "--dim", "10", "--chains", "8", "--draws", "1e5", "--thin", "10000",
                 "--json"],
        "fit": ["fit", fit_dir, "--model", "logistic", "--predictors", "a,b,c",
                "--json"],
        "laplace": ["laplace", "--nx", "2000", "--ny", "2000", "--tol", "1e-14",
                    "--max-iterations", "100000000", "--json"],
    }


def interrupt_case(s, args, moments, expect_json=True, group=False, note=""):
    """Within the category's time budget (else counted as a failure, not run): Starts args, sends SIGINT at each of `moments` (seconds after start; more than one
    tests the second Ctrl-C), expects exit 130 within the margin, the partial result, and
    no descendant left."""
    if s.out_of_time(args):
        return
    w = Watched(s, args)
    sent_at = None
    for m in moments:
        w.sleep_watching(m - (time.monotonic() - w.start))
        if w.proc.poll() is not None:
            break
        if group:  # as a terminal's Ctrl-C: the whole foreground process group
            os.killpg(w.proc.pid, signal.SIGINT)
        else:
            os.kill(w.proc.pid, signal.SIGINT)
        sent_at = time.monotonic()
    if sent_at is None:
        r = w.wait(1)
        s.check(args, f"ended (exit {r.rc}) after {r.seconds:.2f} s, before the SIGINT at "
                f"{moments[0]} s", "still running when SIGINT arrives", r, note)
        return
    r = w.wait(SIGNAL_MARGIN_S + 2)
    after = r.seconds - (sent_at - w.start)
    left = w.leftovers()
    reap(left)
    shown = args + [f"<SIGINT{' to the group' if group else ''} at "
                    f"{', '.join(f'{m:g}' for m in moments)} s>"]
    ok = True
    double = len(moments) > 1
    if r.timed_out:
        ok = f"still running {SIGNAL_MARGIN_S + 2:g} s after SIGINT (killed)"
        r.timeout_text = ok
    elif r.rc != 130 and not (double and r.rc == -signal.SIGINT):
        ok = f"exit {r.rc}"
    elif after > SIGNAL_MARGIN_S:
        ok = f"exit {r.rc} but {after:.2f} s after the signal"
    elif expect_json:
        j = parse_json(r.out)
        if not double and not isinstance(j, dict):
            ok = "exit 130 without a JSON object on stdout: " + repr(r.out[:120])
        elif not double and j.get("run", {}).get("complete") is not False:
            ok = f"exit 130 but \"complete\" is {j.get('run', {}).get('complete')!r}"
    elif not re.search(r"interrupt", r.out, re.IGNORECASE):
        ok = "exit 130 but stdout does not say the result is partial ('interrupted')"
    if ok is True and left:
        ok = f"processes left behind: {left}"
    expected = ("exit 130 (or death by SIGINT) within the margin of a second SIGINT"
                if double else f"exit 130 within {SIGNAL_MARGIN_S:g} s, partial result printed")
    # A signal death is the problem here only when it is not the second Ctrl-C.
    if r.rc is not None and r.rc < 0 and double and ok is True:
        r = Result(130, r.out, r.err, r.seconds)
    s.check(shown, ok, expected, r, note)


def interrupt_workloads(s, runs, backends):
    for name, args in runs.items():
        for backend in backends:
            if name == "laplace" and backend == "processes":
                continue  # laplace runs on serial, threads or mpi only
            full = args + ["--backend", backend]
            if backend != "serial":
                full += ["--workers", "2"]
            # Early (~0.3 s, maybe before the run has started), mid (to the whole group,
            # as a terminal does) and late.
            interrupt_case(s, full, [0.3])
            interrupt_case(s, full, [1.0], group=True)
            interrupt_case(s, full, [2.0])


def sigint(s):
    """Ctrl-C in the process itself: every workload on threads and serial."""
    runs = interruptible(s)
    interrupt_workloads(s, runs, ("threads", "serial"))
    for args in runs.values():
        # The human output says the result is partial.
        human = [a for a in args if a != "--json"] + ["--backend", "threads", "--workers", "2"]
        interrupt_case(s, human, [1.0], expect_json=False)


def sigint_workers(s):
    """Ctrl-C with worker processes or ranks to stop: every workload on processes, long blocks,
    a second Ctrl-C, and mpirun. (Apart from `sigint`, so that each fits its time budget on
    a slow machine.)"""
    runs = interruptible(s)
    interrupt_workloads(s, runs, ("processes",))
    # A second SIGINT ends the run at once, even when the first waits on a long block.
    for backend in ("threads", "processes"):
        args = ["pi", "--samples", "1e13", "--block-size", "1e11", "--backend", backend,
                "--workers", "2", "--json"]
        interrupt_case(s, args, [1.0, 1.3], note="one block lasts about a minute")
    # One Ctrl-C is honoured inside a long block too: threads check the stop within it, and
    # the process backend kills workers whose blocks a stopped run no longer needs.
    for backend in ("threads", "processes"):
        for args in (["pi", "--samples", "1e13", "--block-size", "1e11"],
                     ["power", "--n", "3e7", "--replications", "4", "--block-size", "1"]):
            interrupt_case(s, args + ["--backend", backend, "--workers", "2", "--json"], [1.0],
                           note="one block lasts a minute or more")
    mpirun_sigint(s, runs)


def mpi_available(s):
    if shutil.which("mpirun") is None:
        return False
    info = subprocess.run([s.pardo, "info"], capture_output=True, text=True, timeout=WATCHDOG_S)
    return "mpi (under mpirun)" in info.stdout


def mpirun_sigint(s, runs):
    """Ctrl-C under mpirun: mpirun sends SIGTERM to every rank odls_base_sigkill_timeout
    seconds later (1 by default) and SIGKILL as long after that; rank 0 must print the partial
    result in between. The timeout is raised to SIGNAL_MARGIN_S, the margin the other cases
    allow a loaded 2-core machine: at 1 s a stalled scheduler was enough to lose the result.
    mpirun's own exit status is mpirun's (it reports the ranks it killed), so only the output
    is checked."""
    if not mpi_available(s):
        print("faults.sigint: no mpirun or a pardo without MPI: the mpirun cases are skipped")
        return
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                      OMPI_MCA_odls_base_sigkill_timeout=f"{SIGNAL_MARGIN_S:.0f}")
    launcher = ["mpirun", "-np", "2", "--oversubscribe"]
    for name in ("pi", "bootstrap", "permtest", "mcmc"):
        args = runs[name] + ["--backend", "mpi"]
        if s.out_of_time(args):
            return
        w = Watched(s, args, launcher=launcher)
        shown = launcher + args + ["<SIGINT to mpirun 2 s in, once every rank handles SIGTERM; "
                                   f"SIGKILL {SIGNAL_MARGIN_S:g} s after SIGTERM>"]
        # Launching ranks can take seconds on a loaded node, and a Ctrl-C before a rank has
        # started is not one it could answer: signal once both ranks have set up SIGTERM.
        ready = w.wait_for_ranks_handling(signal.SIGTERM, 2, WATCHDOG_S / 2)
        w.sleep_watching(max(0.5, 2.0 - (time.monotonic() - w.start)))
        if w.proc.poll() is not None or not ready:
            r = w.wait(1)
            s.check(shown, f"ended (exit {r.rc}) before the SIGINT" if ready
                    else "two ranks never caught or ignored SIGTERM", "still running", r)
            continue
        os.kill(w.proc.pid, signal.SIGINT)
        sent_at = time.monotonic()
        sent = f"SIGINT sent {sent_at - w.start:.2f} s after the start; "
        # SIGTERM comes one timeout after the SIGINT, SIGKILL one more after that.
        limit = 2 * SIGNAL_MARGIN_S + 3
        r = w.wait(limit)
        after = time.monotonic() - sent_at
        left = w.leftovers()
        reap(left)
        j = parse_json(r.out)
        ok = True
        if r.timed_out:
            ok = f"mpirun still running {limit:g} s after SIGINT (killed)"
        elif not isinstance(j, dict):
            ok = f"no JSON object on stdout after {after:.2f} s: {r.out[:120]!r}"
        elif j.get("run", {}).get("complete") is not False:
            ok = (sent + f"\"complete\" is {j.get('run', {}).get('complete')!r} after "
                  f"{after:.2f} s, exit {r.rc}: run {json.dumps(j.get('run'))}")
        elif left:
            ok = f"processes left behind: {left}"
        s.check(shown, ok, "rank 0 prints the partial result (\"complete\": false)", r)


# --- io ----------------------------------------------------------------------------------------

def io(s):
    d = make_data(s.tmp)
    runs = short_runs(d)
    printing = dict(runs)
    printing.update({
        "info": ["info"],
        "tour": ["tour", "--workers", "2"],
        "laplace": ["laplace", "--nx", "32", "--ny", "32", "--json"],
        "bench": ["bench", "pi", "--scale", "0.001", "--workers", "1"],
        "rng": ["rng", "dump", "--seed", "1", "--count", "100000"],
    })
    with open("/dev/full", "w") as full:
        for name, args in printing.items():
            for variant in ([args] + ([[a for a in args if a != "--json"]]
                                      if "--json" in args else [])):
                r = s.run(variant, stdout=full)
                ok = True
                if r.rc != 3:
                    ok = f"exit {r.rc}"
                elif not re.search(r"write|space|full|output|stdout", r.err, re.IGNORECASE):
                    ok = "exit 3 but stderr does not name the write error"
                s.check(variant + ["> /dev/full"], ok, "exit 3 with a message naming the write "
                        "error", r)
    # stdout closed altogether: the write fails (EBADF), exit 3.
    for args in (runs["pi"], ["info"]):
        r = s.run(args, stdout=None, preexec=lambda: os.close(1))
        ok = (r.rc == 3 and bool(r.err.strip())) or f"exit {r.rc}"
        s.check(args + [">&-"], ok, "exit 3 with a message (stdout closed)", r)

    # --output, where a command has it.
    for name, args in runs.items():
        help_text = s.run([args[0], "--help"]).out
        if "--output" not in help_text:
            continue
        base = [a for a in args if a != "--json"]
        r = s.run(base + ["--output", "/dev/full"])
        s.check(base + ["--output", "/dev/full"], r.rc == 3 or f"exit {r.rc}",
                "exit 3 (the write to --output failed)", r)
        bad = os.path.join(s.tmp, "no", "such", "dir", "out.json")
        r = s.run(base + ["--output", bad])
        ok = (r.rc in (2, 3) and bad in r.err) or f"exit {r.rc}"
        s.check(base + ["--output", bad], ok, "exit 2 or 3 naming the path", r)

    # Under a 200 MB address-space limit: small runs work; big requests end in exit 2 or 3
    # with a message naming the size (the request's, or the limit's when an allocation
    # failed), never a signal or an uncaught bad_alloc.
    limit = 200 * 1024 * 1024

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    for args in (["pi", "--samples", "1e6", "--json", "--workers", "2"],
                 runs["bootstrap"]):
        r = s.run(args, preexec=limited, timeout=60)
        s.check(args + ["<ulimit -v 200 MB>"], r.rc == 0 or f"exit {r.rc}",
                "exit 0: a small run fits in 200 MB", r)
    big = os.path.join(s.tmp, "mem_big.csv")
    write(big, "x,y\n" + "".join(f"{i % 97},{i % 89}\n" for i in range(2000)))
    for args in (
            ["bootstrap", big, "--resamples", "1e8", "--json"],
            ["bootstrap", big, "--resamples", "2e7", "--distribution", "--json"],
            ["permtest", big, "--permutations", "5e7", "--distribution", "--json"],
            ["mcmc", "--dim", "100", "--chains", "8", "--draws", "1e7", "--json"],
            ["laplace", "--nx", "20000", "--ny", "20000", "--json"],
            ["power", "--n", "5e7", "--replications", "100", "--json"],
            ["power", "--n", "1e7", "--replications", "10", "--test", "permutation", "--json"],
            ["integrate", "--method", "stratified", "--dim", "24", "--strata", "16777216",
             "--samples", "1e8", "--json"],
            ["tour"],

            ["pi", "--samples", "1e6", "--backend", "processes", "--workers", "64", "--json"],
            ["rng", "dump", "--seed", "1", "--streams", "1048576", "--count", "1e9"]):
        stdout = subprocess.DEVNULL if args[0] == "rng" else subprocess.PIPE
        r = s.run(args, preexec=limited, timeout=30, stdout=stdout)
        ok = True
        if r.rc == 0 and args[0] == "pi":
            ok = True  # enough workers may fit; what matters is no crash
        elif r.rc == 0 and args[0] == "rng":
            ok = True  # a stream of 1e9 words needs no memory to speak of
        elif r.rc not in (2, 3):
            ok = f"exit {r.rc}"
        elif r.rc == 0 and args[0] == "tour":
            ok = True
        elif not re.search(r"\d [kMGTPE]?B\b", r.err):
            ok = f"exit {r.rc} without a size in the message"
        s.check(args + ["<ulimit -v 200 MB>"], ok,
                "exit 2 or 3 with a message naming the size, no signal", r)
    # Requests refused for what they are, not for their size: the limit changes nothing.
    for args, value in ((["integrate", "--method", "stratified", "--dim", "20", "--strata",
                          "1e12", "--samples", "1e6", "--json"], "1000000000000"),
                        (["pi", "--samples", "1e6", "--workers", "1000", "--json"], "1000")):
        r = s.run(args, preexec=limited, timeout=30)
        s.check(args + ["<ulimit -v 200 MB>"], (r.rc == 2 and value in r.err) or f"exit {r.rc}",
                f"exit 2 naming {value}", r)


CATEGORIES = {"bad_input": bad_input, "kill": kill, "sigint": sigint,
              "sigint_workers": sigint_workers, "io": io}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CATEGORIES:
        print(f"usage: {sys.argv[0]} PARDO {{{','.join(CATEGORIES)}}}", file=sys.stderr)
        return 2
    pardo = os.path.abspath(sys.argv[1])
    if not os.access(pardo, os.X_OK):
        print(f"{sys.argv[0]}: {pardo} is not an executable", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="pardo-faults-")
    try:
        s = Suite(pardo, tmp)
        s.progress = sys.argv[2] in ("kill", "sigint", "sigint_workers")
        # A hang past every bound still ends before ctest's timeout, with every thread's stack.
        faulthandler.dump_traceback_later(s.budget_s + 105, exit=True)
        CATEGORIES[sys.argv[2]](s)
        return s.summary(sys.argv[2])
    finally:
        PROC.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

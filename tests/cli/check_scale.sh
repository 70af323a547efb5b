#!/usr/bin/env bash
# `pardo scale` as a user meets it: a strong study prints a row per worker count and Amdahl's
# law, a weak one Gustafson's; --plot writes a PNG; what scale sets itself (--workers, --json,
# -q, --output) is refused in the command, as are commands that are not workloads, a --weak
# option the command lacks and a plot path that cannot be created, all with exit 2 before
# anything runs; a failing run ends the study with its exit code class and names the run;
# Ctrl-C ends it with 130.
set -uo pipefail
pardo=$1
failures=0
here=$(dirname "$0")
source "$here/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$pardo" scale --workers 1,2,3 --repetitions 2 -- pi --samples 2e6) ||
  fail "strong: exit $?"
[[ $(grep -cE '^[123] ' <<< "$out") == 3 ]] || fail "strong: not one row per count: $out"
grep -q "Amdahl's law: serial fraction" <<< "$out" || fail "strong: no fit: $out"

out=$("$pardo" scale --workers 1,2 --repetitions 1 --weak samples -- pi --samples 1e6) ||
  fail "weak: exit $?"
grep -q "Gustafson's law: serial fraction" <<< "$out" || fail "weak: no fit: $out"
grep -q "scaled" <<< "$out" || fail "weak: the column is not the scaled speed-up: $out"

# More workers than CPUs: run and shown, left out of the fit, with a note.
over=$(($(nproc) + 1))
err=$("$pardo" scale --workers "1,$over" --repetitions 1 -- pi --samples 1e6 2>&1 > /dev/null) ||
  fail "oversubscribed: exit $?"
grep -q "the fit leaves them out" <<< "$err" || fail "oversubscribed: no note: $err"
"$pardo" scale --workers "1,$over" --repetitions 1 --json -- pi --samples 1e6 |
  /usr/bin/python3 -c 'import json, sys; p = json.load(sys.stdin)["points"]
sys.exit(0 if [q["in_fit"] for q in p] == [True, False] else 1)' ||
  fail "oversubscribed: in_fit is not [true, false]"

if /usr/bin/python3 -c "import matplotlib" 2> /dev/null; then
  "$pardo" scale --workers 1,2 --repetitions 1 --plot "$tmp/s.png" -- pi --samples 1e6 \
    > /dev/null || fail "--plot: exit $?"
  [[ $(head -c 4 "$tmp/s.png" | od -An -c | tr -d ' ') == '211PNG' ]] ||
    fail "--plot: $tmp/s.png is not a PNG"
  # The benchmarks' plots: several runtimes through the same drawing, and its Amdahl fit.
  /usr/bin/python3 - "$(dirname "$pardo")/plot_scaling.py" "$tmp/b.png" << 'EOF' ||
import importlib.util, sys
spec = importlib.util.spec_from_file_location("plot_scaling", sys.argv[1])
ps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ps)
f = ps.amdahl_fraction([1, 2, 4, 8], [1 / (0.1 + 0.9 / p) for p in (1, 2, 4, 8)])
assert abs(f - 0.1) < 1e-12, f
ps.draw([ps.Series("a", [1, 2], [1.0, 0.55], [0.9, 0.5], [1.1, 0.6]),
         ps.Series("b", [1, 2, 4], [2.0, 1.0, 0.6], [2.0, 1.0, 0.6], [2.0, 1.0, 0.6])],
        sys.argv[2], "two runtimes")
EOF
    fail "plot_scaling.py: the benchmarks' drawing failed"
  [[ $(head -c 4 "$tmp/b.png" | od -An -c | tr -d ' ') == '211PNG' ]] ||
    fail "plot_scaling.py: $tmp/b.png is not a PNG"
fi

expect_usage_error "'info' is not a workload command" scale -- info
expect_usage_error "'nosuch' is not a workload command" scale -- nosuch
expect_usage_error "--workers in the command" scale -- pi --workers 2
expect_usage_error "--json in the command" scale -- pi --json
expect_usage_error "-q in the command" scale -- pi -q
expect_usage_error "--output in the command" scale -- pi --output=x.txt
expect_usage_error "the command has no --seed" scale --weak seed -- pi --samples 1e6
expect_usage_error "--samples abc is not a positive number" scale --weak samples -- pi --samples abc
expect_usage_error "cannot create" scale --plot "$tmp/no/such/dir.png" -- pi --samples 1e6
expect_usage_error "workers" scale --workers 0 -- pi
err=$("$pardo" scale --workers 1 -- pi --samples -5 2>&1 > /dev/null)
code=$?
[[ $code == 2 ]] || fail "a run's bad value: exit $code"
grep -q "exited 2" <<< "$err" || fail "a run's bad value is not named: $err"

"$pardo" scale --workers 1,2 --repetitions 50 -- pi --samples 1e9 > "$tmp/int.txt" 2>&1 &
pid=$!
sleep 1.5
kill -INT -- "$pid"
for _ in $(seq 200); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2> /dev/null; then
  kill -KILL "$pid"
  fail "scale still running 20 s after SIGINT"
fi
wait "$pid"
code=$?
[[ $code == 130 ]] || fail "SIGINT: exit $code: $(cat "$tmp/int.txt")"
grep -q "interrupted at" "$tmp/int.txt" || fail "SIGINT: $(cat "$tmp/int.txt")"

[[ $failures == 0 ]] && echo "check_scale: all passed"
exit $((failures > 0))

#!/usr/bin/env bash
# The mcmc command as a user meets it: bad values exit 2 with one line naming the value, and
# the draws' summaries are the same, bit for bit, on 1 and 2 workers, serially, on threads
# and on worker processes; runs too short to trust say so on stderr and in the JSON.
set -uo pipefail
pardo=$1
failures=0

source "$(dirname "$0")/lib.sh"

expect_usage_error "--draws 3: at least 4" mcmc --draws 3
expect_usage_error "--chains: '0' must be positive" mcmc --chains 0
expect_usage_error "--dim: '0' must be positive" mcmc --dim 0
expect_usage_error "--dim 1: the banana needs at least 2" mcmc --target banana --dim 1
expect_usage_error "unknown target 'gauss'" mcmc --target gauss
expect_usage_error "--draws: 'many' is not a number" mcmc --draws many
expect_usage_error "--step -1" mcmc --step -1
expect_usage_error "--thin: '0' must be positive" mcmc --thin 0
expect_usage_error "--chains 4 x --draws 1000 x --dim 1e15 needs" mcmc --draws 1000 --dim 1e15
expect_usage_error "--chains 1e15 x --draws 1000 x --dim 2 needs" mcmc --draws 1000 --chains 1e15
expect_usage_error "unknown backend 'gpu'" mcmc --backend gpu
expect_usage_error "workers" mcmc --workers 0

# Prints every number of the summary of one run; an empty line if it failed.
summary() {
  "$pardo" mcmc --target "$1" --dim 3 --chains 5 --warmup 300 --draws 2000 --seed 11 --json "${@:2}" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)
print([[repr(p[k]) for k in ("estimate","sd","std_error","rhat","ess_bulk")] for p in r["parameters"]],
      [repr(x) for x in r["acceptance_rate"] + r["step_size"]], r["steps"], r["run"]["complete"])'
}
for target in mvnormal banana; do
  ref=$(summary "$target" --backend serial)
  if [[ -z "$ref" ]]; then
    echo "FAIL: the serial $target run failed"
    failures=$((failures + 1))
    continue
  fi
  for backend in threads processes; do
    for w in 1 2; do
      got=$(summary "$target" --backend "$backend" --workers "$w")
      if [[ "$got" != "$ref" ]]; then
        echo "FAIL: $target on $w $backend gave '$got', serial gave '$ref'"
        failures=$((failures + 1))
      fi
    done
  done
done

# The human table names the parameters and the true means.
out=$("$pardo" mcmc --dim 2 --draws 1000 -q)
if ! grep -q "true mean" <<<"$out" || ! grep -q "x\[1\]" <<<"$out"; then
  echo "FAIL: the table lacks its columns: $out"
  failures=$((failures + 1))
fi

# Convergence warnings on stderr and in the JSON: 4 chains of 50 draws have a bulk ESS far
# below 400; 4 long chains in 1 dimension mix well and draw no warning.
err=$("$pardo" mcmc --dim 2 --chains 4 --warmup 100 --draws 50 -q 2>&1 >/dev/null)
if ! grep -q "pardo mcmc: warning: bulk ESS below 400 for x\[0\], x\[1\]" <<<"$err"; then
  echo "FAIL: a short run warns of no low ESS: '$err'"
  failures=$((failures + 1))
fi
warnings=$("$pardo" mcmc --dim 2 --chains 4 --warmup 100 --draws 50 --json 2>/dev/null |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["warnings"])')
if ! grep -q "bulk ESS below 400 for x\[0\], x\[1\]" <<<"$warnings"; then
  echo "FAIL: the JSON of a short run lacks its warning: '$warnings'"
  failures=$((failures + 1))
fi
err=$("$pardo" mcmc --dim 1 --chains 4 --draws 20000 --json 2>&1 >/dev/null)
warnings=$("$pardo" mcmc --dim 1 --chains 4 --draws 20000 --json 2>/dev/null |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["warnings"])')
if [[ -n "$err" || "$warnings" != "[]" ]]; then
  echo "FAIL: a well-mixed run warns: stderr '$err', JSON warnings $warnings"
  failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "pardo mcmc: bad values exit 2; summaries identical serially and on 1 and 2 threads and processes"

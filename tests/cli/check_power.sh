#!/usr/bin/env bash
# The power command as a user meets it: bad values exit 2 with one line naming the value,
# and the simulated power (and the sample-size search) are the same, bit for bit, serially,
# on 1 and 2 threads and on worker processes.
set -uo pipefail
pardo=$1
failures=0

source "$(dirname "$0")/lib.sh"

expect_usage_error "\--effect: 'nan' is outside" power --effect nan
expect_usage_error "\--n1: '1' is too small" power --n1 1
expect_usage_error "\--n2: '1' is too small" power --n 10 --n2 1
expect_usage_error "\--n1 1e15 needs 16 PB of memory" power --n1 1e15
expect_usage_error "\--n1 1e15 needs 16 PB of memory" power --n 1e15
expect_usage_error "\--max-n: '1' is below 2" power --target-power 0.8 --max-n 1
expect_usage_error "\--max-n 1e17 with --ratio 2 needs" power --target-power 0.8 --max-n 1e17 --ratio 2
expect_usage_error "\--alpha: '1.5' is outside (0, 1)" power --alpha 1.5
expect_usage_error "'0' must be positive" power --replications 0
expect_usage_error "\--target-power: '1' is outside (0, 1)" power --target-power 1
expect_usage_error "unknown test 'z'" power --test z
expect_usage_error "unknown alternative 'up'" power --alternative up
expect_usage_error "unknown backend 'gpu'" power --backend gpu

# Prints the fields that must not depend on the backend.
fields() {
  "$pardo" power --json -q "$@" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["rejections"], repr(r["estimate"]), r["n1"], json.dumps(r.get("evaluations")))'
}
for args in "--test t --effect 0.5 --n 30 --replications 3000" \
  "--test welch --effect 0.4 --n 20 --n2 35 --replications 2000 --alternative greater" \
  "--test permutation --effect 0.8 --n 15 --replications 300 --permutations 99" \
  "--test t --effect 0.8 --target-power 0.9 --replications 1000"; do
  # shellcheck disable=SC2086
  ref=$(fields $args --seed 5 --backend serial)
  if [[ -z "$ref" ]]; then
    echo "FAIL: pardo power $args --backend serial failed"
    failures=$((failures + 1))
    continue
  fi
  for run in "--backend threads --workers 1" "--backend threads --workers 2" \
    "--backend processes --workers 1" "--backend processes --workers 2"; do
    # shellcheck disable=SC2086
    got=$(fields $args --seed 5 $run)
    if [[ "$got" != "$ref" ]]; then
      echo "FAIL: pardo power $args $run gave '$got', serial gave '$ref'"
      failures=$((failures + 1))
    fi
  done
done

# The t-test's simulated power lies within 4 standard errors of the analytic value it prints.
"$pardo" power --effect 0.5 --n 64 --replications 20000 --json -q |
  python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if abs(r["estimate"] - r["analytic_power"]) < 4 * r["std_error"] and r["interval"]["method"] == "wilson" else 1)' ||
  { echo "FAIL: simulated power far from the analytic value"; failures=$((failures + 1)); }

if ! "$pardo" power --effect 0.5 --n 64 --replications 2000 -q | grep -q "analytic      0.8015"; then
  echo "FAIL: the human-readable output lacks the analytic power 0.8015"
  failures=$((failures + 1))
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "pardo power: bad values exit 2; power and sample-size search identical on serial, threads and processes"

#!/usr/bin/env bash
# The default worker count as a user on a shared node meets it: the CPUs the process may use
# (taskset, a cpuset), or PARDO_NUM_WORKERS; `pardo info` says how many and why.
set -uo pipefail
pardo=$1
failures=0

source "$(dirname "$0")/lib.sh"

workers_of() {
  "$pardo" pi --samples 1e6 --json "$@" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["workers"])'
}

got=$(taskset -c 0 "$pardo" info | grep '^workers')
if [[ $got != "workers   1 by default ("* ]]; then
  echo "FAIL: taskset -c 0 pardo info: '$got', expected 1 worker by default"
  failures=$((failures + 1))
fi
got=$(taskset -c 0 "$pardo" info --json |
  python3 -c 'import json,sys; w=json.load(sys.stdin)["workers"]; print(w["count"], w["reason"])')
if [[ $got != "1 "* ]]; then
  echo "FAIL: taskset -c 0 pardo info --json: workers '$got', expected 1"
  failures=$((failures + 1))
fi
got=$(taskset -c 0 bash -c "$(printf '%q ' "$pardo" pi --samples 1e6 --json)" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["workers"])')
if [[ $got != 1 ]]; then
  echo "FAIL: taskset -c 0 pardo pi ran $got workers, expected 1"
  failures=$((failures + 1))
fi
got=$(PARDO_NUM_WORKERS=3 workers_of)
if [[ $got != 3 ]]; then
  echo "FAIL: PARDO_NUM_WORKERS=3 pardo pi ran $got workers, expected 3"
  failures=$((failures + 1))
fi
got=$(PARDO_NUM_WORKERS=3 workers_of --workers 2)
if [[ $got != 2 ]]; then
  echo "FAIL: --workers 2 under PARDO_NUM_WORKERS=3 ran $got workers, expected 2"
  failures=$((failures + 1))
fi
got=$(PARDO_NUM_WORKERS=3 "$pardo" info | grep '^workers')
if [[ $got != "workers   3 by default (PARDO_NUM_WORKERS=3)" ]]; then
  echo "FAIL: PARDO_NUM_WORKERS=3 pardo info: '$got'"
  failures=$((failures + 1))
fi
for bad in 0 -2 abc 1.5 100000000; do
  PARDO_NUM_WORKERS=$bad expect_usage_error "PARDO_NUM_WORKERS='$bad'" pi --samples 1e6
done

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all worker-count checks passed"

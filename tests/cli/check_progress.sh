#!/usr/bin/env bash
# The progress bar as a user sees it on a terminal (script(1) gives the command a tty): each
# workload counts the unit that runs, up to its true total, phase by phase, with its rate in
# that unit; --quiet and --json draw nothing.
set -uo pipefail
pardo=$1
failures=0

# The bar's lines of `pardo ARGS...` run on a terminal, one per redraw.
bar_lines() {
  timeout 120 script -qec "$(printf '%q ' "$pardo" "$@")" /dev/null 2>&1 |
    tr '\r' '\n' | sed 's/\x1b\[K//g' | grep -a ' of .*/s'
}

# expect_bar PATTERN ARGS...: some redraw of `pardo ARGS` matches the extended regex PATTERN.
expect_bar() {
  local pattern=$1
  shift
  local lines
  lines=$(bar_lines "$@")
  if ! grep -aqE -- "$pattern" <<<"$lines"; then
    echo "FAIL: pardo $*: no progress line matches '$pattern'; got:"
    tail -3 <<<"$lines"
    failures=$((failures + 1))
  fi
}

expect_bar '^sampling \[.*\] .* of 20\.00G samples .* samples/s' pi --samples 2e10 --workers 2
expect_bar '^sampling \[.*\] .* of 20\.00G samples .* samples/s' \
  pi --samples 2e10 --backend processes --workers 2
expect_bar '^sampling \[.*\] .* of 300\.00M samples' integrate --dim 6 --samples 3e8
expect_bar '^resampling \[.*\] .* of 2\.00M statistics' \
  bootstrap examples/data/heights.csv --resamples 2e6 --statistic median --method percentile
expect_bar '^permuting \[.*\] .* of 100\.00M permutations' \
  permtest examples/data/groups.csv --x control --y treated --permutations 1e8
expect_bar '^simulating n1=500 \[.*\] .* of 100\.00k replications' \
  power --n1 500 --replications 1e5
expect_bar '^simulating n1=[0-9]+ \(phase [0-9]+\) \[.*\] .* replications' \
  power --target-power 0.9 --effect 0.2 --replications 1e4
expect_bar '^sampling \[.*\] .* of 4\.80M steps .* steps/s' \
  mcmc --chains 8 --warmup 0 --draws 6e5 --dim 4
expect_bar '^sampling \[.*\] .* of 4\.80M steps' \
  mcmc --chains 8 --warmup 0 --draws 6e5 --dim 4 --backend processes
expect_bar '^diagnostics \(phase 2\) \[.*\] .* of 16 parameters' \
  mcmc --chains 8 --warmup 0 --draws 2e5 --dim 16

# --quiet and --json: no bar at all.
for flag in --quiet --json; do
  if [[ -n $(bar_lines pi --samples 2e10 "$flag") ]]; then
    echo "FAIL: pardo pi $flag drew a progress bar"
    failures=$((failures + 1))
  fi
done

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "every workload's bar counts its own unit, phase by phase"

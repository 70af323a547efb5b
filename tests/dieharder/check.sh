#!/usr/bin/env bash
# `pardo rng dump` under dieharder: Philox4x32-10 must pass a fast battery, as one stream and
# as four streams interleaved, and Philox4x32 cut to 4 rounds must fail it. The negative
# control shows the battery can see a weak generator at all: 4 is the most rounds that
# these tests catch (5 already passes them), so passing at 10 means something.
# Usage: check.sh PATH/TO/pardo
set -uo pipefail
pardo=$1

if ! command -v dieharder > /dev/null; then
  echo "dieharder not found; scripts/bootstrap.sh installs it" >&2
  exit 1
fi

# Tests that each take a few seconds on 2 cores; -p trims the slow ones' p-value samples.
battery=(
  "-d 0"          # diehard_birthdays
  "-d 2 -p 10"    # diehard_rank_32x32
  "-d 3"          # diehard_rank_6x8
  "-d 8"          # diehard_count_1s_str
  "-d 15"         # diehard_runs
  "-d 100"        # sts_monobit
  "-d 101 -p 20"  # sts_runs
  "-d 200 -n 2"   # rgb_bitdist
  "-d 206"        # dab_dct
)

# Runs the battery on `pardo rng dump ARGS...` and prints dieharder's result lines. The
# input is fixed by --seed and dieharder's own seed by -S, so every run gives the same
# verdicts.
run_battery() {
  local t
  for t in "${battery[@]}"; do
    # shellcheck disable=SC2086  # each entry is a list of dieharder options
    "$pardo" rng dump "$@" | dieharder -g 200 -S 1 $t | grep -E '\|[[:space:]]*(PASSED|WEAK|FAILED)[[:space:]]*$'
  done
}

failures=0

# A WEAK verdict (p below 0.005 or above 0.995) is expected now and then from a good
# generator: the battery yields a dozen p-values, so only FAILED (p beyond 1e-6) counts.
expect_pass() {
  local results
  results=$(run_battery "$@")
  echo "$results"
  if grep -q FAILED <<< "$results"; then
    echo "FAIL: pardo rng dump $* failed dieharder"
    failures=$((failures + 1))
  elif [[ $(wc -l <<< "$results") -lt ${#battery[@]} ]]; then
    echo "FAIL: pardo rng dump $*: fewer dieharder results than tests"
    failures=$((failures + 1))
  else
    echo "ok: pardo rng dump $* passes"
  fi
}

expect_fail() {
  local results
  results=$(run_battery "$@")
  echo "$results"
  if grep -q FAILED <<< "$results"; then
    echo "ok: pardo rng dump $* fails, as a weakened generator should"
  else
    echo "FAIL: pardo rng dump $* passed; the battery cannot tell a weak generator"
    failures=$((failures + 1))
  fi
}

# Interleaving puts stream 0's words at the even places of a two-stream dump.
single=$("$pardo" rng dump --seed 42 --count 4 | od -An -v -tx4)
pair=$("$pardo" rng dump --seed 42 --streams 2 --count 8 | od -An -v -tx4 | awk '{print $1, $3}')
if [[ $(echo $single) != $(echo $pair) ]]; then
  echo "FAIL: stream 0 in --streams 2 is not at the even words: '$single' vs '$pair'"
  failures=$((failures + 1))
fi

start=$SECONDS
expect_pass --seed 42
expect_pass --seed 42 --streams 4
expect_fail --seed 42 --rounds 4
echo "dieharder: $((SECONDS - start)) s, $failures failure(s)"
((failures == 0))

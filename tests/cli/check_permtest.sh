#!/usr/bin/env bash
# The permtest command as a user meets it: bad values exit 2 with one line naming the value,
# and the p-value is the same, bit for bit, on 1 and 2 workers, serially, on threads and on
# worker processes.
set -uo pipefail
pardo=$1
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source "$(dirname "$0")/lib.sh"

{
  echo "a,b"
  for i in $(seq 1 60); do echo "$(((i * 37) % 23)).$((i % 7)),$(((i * 11) % 19)).$((i % 5))"; done
} >"$tmp/data.csv"
printf 'v\n1\n2\n3\n' >"$tmp/short.csv"
printf 'v\n1\nnan\n3\n' >"$tmp/nan.csv"

expect_usage_error "'0' must be positive" permtest "$tmp/data.csv" --permutations 0
expect_usage_error "'abc' is not a number" permtest "$tmp/data.csv" --permutations abc
expect_usage_error "'0' must be positive" permtest "$tmp/data.csv" --block-size 0
expect_usage_error "\--permutations 1e18 with --distribution needs" \
  permtest "$tmp/data.csv" --permutations 1e18 --distribution --json
expect_usage_error "unknown design 'twins'" permtest "$tmp/data.csv" --design twins
expect_usage_error "unknown statistic 'median'" permtest "$tmp/data.csv" --statistic median
expect_usage_error "unknown alternative 'bigger'" permtest "$tmp/data.csv" --alternative bigger
expect_usage_error "unknown backend 'gpu' (serial, threads, processes, mpi or cuda)" permtest "$tmp/data.csv" --backend gpu
expect_usage_error "nope" permtest "$tmp/data.csv" --x nope
expect_usage_error "no FILE was given" permtest --x a --y b
expect_usage_error "x has 60 values but y has 3" permtest "$tmp/data.csv" --x a \
  --y "$tmp/short.csv:v" --design paired
expect_usage_error "nan.csv:3:1: missing value 'nan' in column 'v'" permtest --x "$tmp/data.csv:a" --y "$tmp/nan.csv:v"

# Unequal samples from two files are fine for the independent design.
if ! "$pardo" permtest --x "$tmp/data.csv:a" --y "$tmp/short.csv:v" -q >/dev/null; then
  echo "FAIL: independent samples from two files"
  failures=$((failures + 1))
fi

# Prints "p_value permutations exact" of one run; empty (and a failure) if the run failed.
result() {
  "$pardo" permtest "$tmp/data.csv" --x a --y b --seed 5 --permutations 5000 --block-size 400 \
    --json "$@" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(repr(r["estimate"]), r["permutations"], r["exact"])'
}
for design in independent paired correlation; do
  for statistic in mean-diff t pearson; do
    [[ $design == correlation && $statistic != pearson ]] && continue
    [[ $design != correlation && $statistic == pearson ]] && continue
    ref=$(result --design "$design" --statistic "$statistic" --backend serial --workers 1)
    if [[ -z "$ref" ]]; then
      echo "FAIL: the serial $design $statistic run failed"
      failures=$((failures + 1))
      continue
    fi
    for backend in threads processes; do
      for w in 1 2; do
        got=$(result --design "$design" --statistic "$statistic" --workers "$w" --backend "$backend")
        if [[ "$got" != "$ref" ]]; then
          echo "FAIL: $design $statistic on $w $backend gave '$got', serial gave '$ref'"
          failures=$((failures + 1))
        fi
      done
    done
  done
done

# An exact test: 3 + 4 values have 35 splits, all enumerated.
printf 'v\n4\n5\n6\n7\n' >"$tmp/four.csv"
exact=$("$pardo" permtest --x "$tmp/short.csv:v" --y "$tmp/four.csv:v" --json -q |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["exact"], r["permutations"], r["estimate"])')
if [[ "$exact" != "True 35 "* ]]; then
  echo "FAIL: 3 + 4 values gave '$exact', expected an exact test over 35 splits"
  failures=$((failures + 1))
fi

# --backend cuda, every design and statistic: built without CUDA, exit 2 saying so; built
# with it but no usable device, exit 3 with the runtime's reason; with a GPU, the CPU's counts,
# p-value and null distribution bit for bit, randomized and exact.
check_cuda_refusals permtest "$tmp/data.csv" --backend cuda
if [[ $cuda == devices ]]; then
  fields='import json,sys; r=json.load(sys.stdin); print(r["less_or_equal"], r["greater_or_equal"], repr(r["estimate"]), hash(tuple(r["null_distribution"])))'
  for run in "$tmp/data.csv --permutations 20001 --block-size 3" \
    "$tmp/data.csv --permutations 20001 --block-size 3 --statistic t" \
    "$tmp/data.csv --permutations 20001 --block-size 3 --design correlation" \
    "$tmp/data.csv --permutations 20001 --block-size 3 --design paired --statistic t" \
    "--x $tmp/short.csv:v --y $tmp/four.csv:v"; do
    read -ra words <<<"$run"
    ref=$("$pardo" permtest "${words[@]}" --distribution --json -q --backend threads | python3 -c "$fields")
    got=$("$pardo" permtest "${words[@]}" --distribution --json -q --backend cuda | python3 -c "$fields")
    [[ -n "$ref" && "$got" == "$ref" ]] || fail "permtest $run --backend cuda gave '$got', threads '$ref'"
  done
fi
if [[ $cuda != absent ]]; then
  expect_usage_error "not supported with --backend cuda" permtest "$tmp/data.csv" --backend cuda --checkpoint c.ckpt
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "permtest: all checks passed"

#!/usr/bin/env bash
# The bootstrap command as a user meets it: bad values exit 2 with one line naming the
# value, and the interval is the same, bit for bit, on any backend and worker count.
set -uo pipefail
pardo=$1
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source "$(dirname "$0")/lib.sh"

printf 'x,y\n' >"$tmp/data.csv"
for i in $(seq 1 200); do printf '%d.%d,%d\n' $((i % 17)) $((i * 7 % 10)) $((i % 5)) >>"$tmp/data.csv"; done
printf 'x\n1\n2\nnan\n4\n' >"$tmp/nan.csv"
: >"$tmp/empty.csv"

expect_usage_error "nan.csv:4:1: missing value 'nan' in column 'x'" bootstrap "$tmp/nan.csv"
expect_usage_error "level 1.5 is outside (0, 1)" bootstrap "$tmp/data.csv" --level 1.5
expect_usage_error "'0' must be positive" bootstrap "$tmp/data.csv" --resamples 0
expect_usage_error "\--resamples 1e18 needs 16 EB of memory" bootstrap "$tmp/data.csv" --resamples 1e18
expect_usage_error "empty.csv" bootstrap "$tmp/empty.csv"
expect_usage_error "no column 'z'" bootstrap "$tmp/data.csv" --column z
expect_usage_error "unknown statistic 'mode'" bootstrap "$tmp/data.csv" --statistic mode
expect_usage_error "unknown method 'studentized'" bootstrap "$tmp/data.csv" --method studentized
expect_usage_error "unknown backend 'gpu' (serial, threads, processes, mpi or cuda)" bootstrap "$tmp/data.csv" --backend gpu
expect_usage_error "pearson needs two columns, as --columns x,y" bootstrap "$tmp/data.csv" --statistic pearson
expect_usage_error "--columns 'x': pearson needs two columns" bootstrap "$tmp/data.csv" --statistic pearson --columns x
expect_usage_error "--columns is for pearson; median takes one --column" bootstrap "$tmp/data.csv" --statistic median --columns x,y
expect_usage_error "--columns: no column 'z'" bootstrap "$tmp/data.csv" --statistic pearson --columns x,z
expect_usage_error "--jackknife-groups 1: at least 2 groups" bootstrap "$tmp/data.csv" --jackknife-groups 1
expect_usage_error "--jackknife-groups: 'some' is not a number" bootstrap "$tmp/data.csv" --jackknife-groups some

# BCa's jackknife: every row up to 2000 rows, 2000 groups above (auto), or as asked.
python3 -c 'import random; random.seed(1); print("x"); [print(random.expovariate(1)) for _ in range(3000)]' >"$tmp/large.csv"
for case in "data.csv auto 200" "large.csv auto 2000" "large.csv full 3000" "large.csv 150 150"; do
  read -r file groups want <<<"$case"
  got=$("$pardo" bootstrap "$tmp/$file" --statistic median --resamples 500 --jackknife-groups "$groups" --json -q |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["jackknife_values"], r["run"]["blocks"]["total"])')
  blocks=$(((500 + 127) / 128 + (want + 127) / 128))
  if [[ "$got" != "$want $blocks" ]]; then
    echo "FAIL: $file with --jackknife-groups $groups: jackknife values and blocks '$got', expected '$want $blocks'"
    failures=$((failures + 1))
  fi
done

# Prints the interval's bits and the standard error of one run.
interval() {
  "$pardo" bootstrap "$tmp/data.csv" --resamples 2000 --block-size 100 --seed 3 --json -q "$@" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); i=r["interval"]; print(repr(i["low"]), repr(i["high"]), repr(r["std_error"]), r["resamples"])'
}
# The median of y's five values is 2 on every leave-one-out sample: BCa has no acceleration.
expect_usage_error "no bca interval: the bootstrap or leave-one-out values of median are degenerate" \
  bootstrap "$tmp/data.csv" --statistic median --column y
for method in percentile basic bca; do
  statistic=median
  [[ $method == bca ]] && statistic=mean
  ref=$(interval --method "$method" --statistic "$statistic" --column y --backend serial)
  if [[ -z "$ref" ]]; then
    echo "FAIL: the serial $method run failed"
    failures=$((failures + 1))
    continue
  fi
  for backend in threads processes; do
    for w in 1 2 5; do
      got=$(interval --method "$method" --statistic "$statistic" --column y --backend "$backend" --workers "$w")
      if [[ "$got" != "$ref" ]]; then
        echo "FAIL: $method on $w $backend gave '$got', serial gave '$ref'"
        failures=$((failures + 1))
      fi
    done
  done
done

# The correlation of two columns, rows resampled together: the same bits everywhere, and
# an interval around the sample correlation.
ref=$(interval --method bca --statistic pearson --columns x,y --backend serial)
for backend in threads processes; do
  for w in 1 3; do
    got=$(interval --method bca --statistic pearson --columns x,y --backend "$backend" --workers "$w")
    if [[ -z "$ref" || "$got" != "$ref" ]]; then
      echo "FAIL: pearson on $w $backend gave '$got', serial gave '$ref'"
      failures=$((failures + 1))
    fi
  done
done
got=$("$pardo" bootstrap "$tmp/data.csv" --statistic pearson --columns 0,1 --resamples 500 --json -q |
  python3 -c 'import json,sys; r=json.load(sys.stdin); lo, hi = r["interval"]["low"], r["interval"]["high"]; print(r["rows"], lo < r["estimate"] < hi, -1 <= lo and hi <= 1)')
if [[ "$got" != "200 True True" ]]; then
  echo "FAIL: the pearson interval by column index gave '$got'"
  failures=$((failures + 1))
fi

# stdin, the distribution on request, and the column by index.
got=$("$pardo" bootstrap - --column 0 --resamples 50 --distribution --json <"$tmp/data.csv" |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r["distribution"]), r["rows"], r["run"]["complete"])')
if [[ "$got" != "50 200 True" ]]; then
  echo "FAIL: bootstrap from stdin with --distribution gave '$got'"
  failures=$((failures + 1))
fi
if ! "$pardo" bootstrap "$tmp/data.csv" --resamples 100 | grep -q "95% interval"; then
  echo "FAIL: the human-readable output has no interval line"
  failures=$((failures + 1))
fi

# --backend cuda, every statistic: built without CUDA, exit 2 saying so; built with it but no
# usable device, exit 3 with the runtime's reason; with a GPU, the CPU's interval and distribution bit
# for bit.
check_cuda_refusals bootstrap "$tmp/data.csv" --backend cuda
if [[ $cuda == devices ]]; then
  for case in "mean percentile" "mean bca" "std bca" "var percentile" "pearson bca" "median bca"; do
    read -r statistic method <<<"$case"
    columns=(--column x)
    [[ $statistic == pearson ]] && columns=(--columns x,y)
    run=("$tmp/data.csv" --statistic "$statistic" "${columns[@]}" --resamples 20001 --block-size 3 --method "$method" --distribution --json -q)
    fields='import json,sys; r=json.load(sys.stdin); print(repr(r["interval"]["low"]), repr(r["interval"]["high"]), repr(r["std_error"]), hash(tuple(r["distribution"])))'
    ref=$("$pardo" bootstrap "${run[@]}" --backend threads | python3 -c "$fields")
    got=$("$pardo" bootstrap "${run[@]}" --backend cuda | python3 -c "$fields")
    [[ -n "$ref" && "$got" == "$ref" ]] || fail "bootstrap $case --backend cuda gave '$got', threads '$ref'"
  done
fi
if [[ $cuda != absent ]]; then
  expect_usage_error "\--workers applies to the CPU backends" bootstrap "$tmp/data.csv" --backend cuda --workers 2
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "pardo bootstrap: all checks passed"

#!/usr/bin/env bash
# The fit command as a user meets it: bad values exit 2 with one line naming the value, a
# data set that cannot be fitted is reported on its own row, and the table is the same, bit
# for bit, serially, on 1 and 2 threads and on worker processes.
set -uo pipefail
pardo=$1
data=$2
failures=0

source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'y,x\n1,2\n3,oops\n' >"$tmp/bad.csv"
mkdir "$tmp/empty"
expect_usage_error "unknown model 'probit'" fit "$data/ols" --model probit
expect_usage_error "bad.csv:3:2: field 2 ('x') 'oops' is not a number" fit "$tmp/bad.csv"
expect_usage_error "no .csv files in" fit "$tmp/empty"
expect_usage_error "cannot open the file" fit "$tmp/missing.csv"
expect_usage_error "\--tolerance: '0' is outside (0, 1)" fit "$data/ols" --model logistic --tolerance 0
expect_usage_error "\--tolerance does not apply to --model ols" fit "$data/ols" --tolerance 1e-6
expect_usage_error "unknown backend 'gpu'" fit "$data/ols" --backend gpu
expect_usage_error "\--response: no data set has a column 'nope'" fit "$data/ols" --response nope
expect_usage_error "\--predictors: no data set has a column 'nope'" fit "$data/ols" --predictors x1,nope

# A column that only some data sets have fails their rows alone: exit 1, not a usage error.
mkdir "$tmp/partial"
printf 'y,x1,x2\n1,2,3\n2,3,5\n3,5,4\n4,4,8\n5,7,6\n' >"$tmp/partial/a.csv"
printf 'y,x1\n1,2\n2,3\n3,5\n4,4\n5,7\n' >"$tmp/partial/b.csv"
out=$("$pardo" fit "$tmp/partial" --predictors x2)
code=$?
if [[ $code -ne 1 ]] || ! grep -q "b: no predictor column 'x2'" <<<"$out" ||
  ! grep -q "fitted        1 of 2 (1 failed)" <<<"$out"; then
  echo "FAIL: pardo fit $tmp/partial --predictors x2 (exit $code): $out"
  failures=$((failures + 1))
fi

# "-" reads one data set from stdin, as every command does: the same fit as from the file.
from_file=$("$pardo" fit "$tmp/partial/a.csv" --json -q |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["estimates"])')
from_stdin=$("$pardo" fit - --json -q <"$tmp/partial/a.csv" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["rows"][0]["estimates"])')
if [[ -z "$from_file" || "$from_file" != "$from_stdin" ]]; then
  echo "FAIL: pardo fit - gave '$from_stdin', the file gave '$from_file'"
  failures=$((failures + 1))
fi

# Per-data-set errors: three rows fail, the fourth fits, exit 1 (not everything fitted).
out=$("$pardo" fit "$data/bad" --model logistic)
code=$?
if [[ $code -ne 1 ]] || ! grep -q "separated: perfect separation" <<<"$out" ||
  ! grep -q "collinear: the design matrix has rank 2 < 3" <<<"$out" ||
  ! grep -q "fitted        1 of 4 (3 failed)" <<<"$out"; then
  echo "FAIL: pardo fit $data/bad --model logistic (exit $code): $out"
  failures=$((failures + 1))
fi

for args in "$data/ols --model ols" "$data/logistic --model logistic" "$data/bad --model logistic" \
  "$data/ols --model ols --predictors x1,x3 --no-intercept"; do
  # The whole JSON but its provenance and how it ran (timing, backend).
  strip='import json,sys; r=json.load(sys.stdin); [r.pop(k) for k in ("pardo","run")]; print(json.dumps(r, sort_keys=True))'
  # shellcheck disable=SC2086
  ref=$("$pardo" fit $args --json -q --backend serial | python3 -c "$strip")
  if [[ -z "$ref" ]]; then
    echo "FAIL: pardo fit $args --backend serial failed"
    failures=$((failures + 1))
    continue
  fi
  for run in "--backend threads --workers 1" "--backend threads --workers 2" \
    "--backend processes --workers 1" "--backend processes --workers 2"; do
    # shellcheck disable=SC2086
    got=$("$pardo" fit $args --json -q $run | python3 -c "$strip")
    if [[ "$got" != "$ref" ]]; then
      echo "FAIL: pardo fit $args $run differs from serial"
      failures=$((failures + 1))
    fi
  done
done

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "pardo fit: bad values exit 2; failures stay on their rows; tables identical on serial, threads and processes"

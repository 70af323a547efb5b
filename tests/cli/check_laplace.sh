#!/usr/bin/env bash
# The laplace command as a user meets it: bad values exit 2 with a short message naming the
# value; serial, threads and MPI ranks give the same iterations, residual and max error, bit
# for bit; a run that does not converge prints its result and exits 1.
set -uo pipefail
pardo=$1
failures=0
# The tests run as root; Open MPI needs consent for that, and no single-copy mechanism in
# containers.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

expect_usage_error() {
  local pattern=$1
  shift
  local err
  err=$("$@" 2>&1 >/dev/null)
  local code=$?
  if [[ $code -ne 2 ]]; then
    fail "$* exited $code, expected 2"
  elif ! grep -qF -- "$pattern" <<<"$err"; then
    fail "$*: stderr does not mention '$pattern': $err"
  elif [[ $(grep -cF -- "$pattern" <<<"$err") -ne 1 ]]; then
    fail "$*: the message came more than once: $err"
  fi
}

expect_usage_error "--nx: Value 2 not in range 3 to" "$pardo" laplace --nx 2
expect_usage_error "--ny: Value 1 not in range 3 to" "$pardo" laplace --ny 1
expect_usage_error "'-5' is negative" "$pardo" laplace --ny -5
expect_usage_error "abc" "$pardo" laplace --nx abc
expect_usage_error "--tolerance: '0' is outside" "$pardo" laplace --tol 0
expect_usage_error "--nx 100000 x --ny 100000: the grid is too large" "$pardo" laplace --nx 100000 --ny 100000
expect_usage_error "--tolerance: '-1' is outside" "$pardo" laplace --tol -1
expect_usage_error "--tolerance: 'nan' is outside" "$pardo" laplace --tol nan
expect_usage_error "max_iterations must be at least 1, got 0" "$pardo" laplace --max-iterations 0
expect_usage_error "unknown backend 'gpu'" "$pardo" laplace --backend gpu
expect_usage_error "Value 0 not in range" "$pardo" laplace --workers 0
expect_usage_error "runs on 1 worker, not 2" "$pardo" laplace --backend serial --workers 2

# Prints "iterations residual max_error converged" of one --json run; empty if it failed.
summary() {
  "$@" --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(r["iterations"], repr(r["residual"]), repr(r["max_error"]), r["converged"])'
}

# 37 interior rows: divisible by none of 2, 3, 4 or 8.
problem=(laplace --nx 45 --ny 39 --tolerance 1e-7)
ref=$(summary "$pardo" "${problem[@]}" --backend serial)
if [[ -z "$ref" || "$ref" != *" True" ]]; then
  fail "the serial run failed or did not converge: '$ref'"
fi
for w in 1 2 3 8; do
  got=$(summary "$pardo" "${problem[@]}" --backend threads --workers "$w")
  [[ "$got" == "$ref" ]] || fail "threads -w $w gave '$got', serial gave '$ref'"
done

# Not converged: the result is printed, with converged false, and the exit code is 1.
out=$("$pardo" laplace --nx 40 --ny 40 --max-iterations 5 --json)
code=$?
if [[ $code -ne 1 ]] || ! grep -q '"converged":false' <<<"$out" || ! grep -q '"iterations":5' <<<"$out"; then
  fail "an unconverged run exited $code and printed: $out"
fi

# MPI, where this pardo has it.
mpi_err=$("$pardo" laplace --backend mpi --nx 5 --ny 5 2>&1 >/dev/null)
mpi_code=$?
if grep -q "built without MPI" <<<"$mpi_err"; then
  [[ $mpi_code -eq 2 ]] || fail "--backend mpi without MPI exited $mpi_code, expected 2"
  echo "note: this pardo was built without MPI; the MPI checks were skipped"
elif [[ $mpi_code -ne 0 ]]; then
  fail "--backend mpi as a singleton exited $mpi_code: $mpi_err"
elif ! command -v mpirun >/dev/null; then
  fail "pardo has MPI but mpirun is not on PATH"
else
  for np in 1 2 3; do
    got=$(summary mpirun -np "$np" --oversubscribe "$pardo" "${problem[@]}" --backend mpi)
    [[ "$got" == "$ref" ]] || fail "mpirun -np $np gave '$got', serial gave '$ref'"
  done
  out=$(mpirun -np 2 --oversubscribe "$pardo" "${problem[@]}" --backend mpi --json)
  [[ $(wc -l <<<"$out") -eq 1 ]] || fail "mpirun -np 2 printed more than one line: $out"
  grep -q '"workers":2' <<<"$out" || fail "mpirun -np 2 does not report 2 ranks: $out"
  expect_usage_error "--tolerance: '0' is outside" \
    mpirun -np 2 --oversubscribe "$pardo" laplace --backend mpi --tol 0
  expect_usage_error "3 ranks for 2 interior rows (ny = 4); use at most 2 ranks" \
    mpirun -np 3 --oversubscribe "$pardo" laplace --backend mpi --ny 4
  expect_usage_error "not with --backend mpi" "$pardo" laplace --backend mpi --workers 2
  expect_usage_error "--nx 100000 x --ny 100000: the grid is too large" \
    mpirun -np 2 --oversubscribe "$pardo" laplace --backend mpi --nx 100000 --ny 100000
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "pardo laplace: bad values exit 2; serial, threads and MPI give identical iterates"

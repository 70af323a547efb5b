#!/usr/bin/env bash
# A rank that dies (segfault, SIGKILL, a crash inside a pool task) ends the whole MPI job
# within seconds, with a non-zero exit and a message naming the rank, and leaves no process
# behind; a hung rank is ended by mpirun --timeout.
set -uo pipefail
program=$(realpath "$1")
failures=0
# The harness runs as root in CI, which Open MPI refuses without these.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none

# The ranks' command lines start with the program (mpirun's and this script's do not).
leftovers() { pgrep -f -- "^$program" || true; }

check() {
  local mode=$1 victim=$2 expect=$3 limit=$4
  shift 4
  local out start elapsed code
  out=$(mktemp)
  start=$(date +%s.%N)
  timeout 60 mpirun -np 3 --oversubscribe "$@" "$program" "$mode" "$victim" >"$out" 2>&1
  code=$?
  elapsed=$(python3 -c "import time; print(round(time.time() - $start, 1))")
  if [[ $code -eq 0 || $code -eq 124 ]]; then
    echo "FAIL: $mode on rank $victim: exit $code"
    failures=$((failures + 1))
  fi
  if python3 -c "import sys; sys.exit(0 if $elapsed <= $limit else 1)"; then :; else
    echo "FAIL: $mode on rank $victim took ${elapsed} s (limit $limit s)"
    failures=$((failures + 1))
  fi
  if ! grep -Eq -- "$expect" "$out"; then
    echo "FAIL: $mode on rank $victim: output does not match '$expect':"
    sed 's/^/  | /' "$out"
    failures=$((failures + 1))
  fi
  sleep 0.5
  local left
  left=$(leftovers)
  if [[ -n "$left" ]]; then
    echo "FAIL: $mode on rank $victim left processes behind: $left"
    pkill -KILL -f -- "^$program"
    failures=$((failures + 1))
  fi
  echo "$mode on rank $victim: exit $code after ${elapsed} s"
  rm -f "$out"
}

check segv 1 "process rank 1 .*(signal 11|Segmentation fault)" 10
check kill 2 "process rank 2 .*(signal 9|Killed)" 10
check pool 2 "process rank 2 .*(signal 11|Segmentation fault)" 10
check segv 0 "process rank 0 .*(signal 11|Segmentation fault)" 10
check hang 1 "time limit" 15 --timeout 3

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "rank death: every job ended within its limit, named the rank, and left nothing behind"

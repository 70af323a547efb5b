#!/usr/bin/env bash
# The pi command as a user meets it: bad values exit 2 with one line naming the value, and
# the estimate is the same, bit for bit, on 1, 2 and 8 workers and serially.
set -uo pipefail
pardo=$1
failures=0

source "$(dirname "$0")/lib.sh"

expect_usage_error "'0' must be positive" pi --samples 0
expect_usage_error "'-5'" pi --samples -5
expect_usage_error "'abc' is not a number" pi --samples abc
expect_usage_error "'1e30' is too large" pi --samples 1e30
expect_usage_error "'1.5' is not a whole number" pi --samples 1.5
expect_usage_error "workers" pi --workers 0 --samples 1000
expect_usage_error "unknown method 'fast'" pi --method fast --samples 1000
expect_usage_error "unknown backend 'gpu'" pi --backend gpu --samples 1000

# Prints "hits estimate" of one run; an empty line (and a failure) if the run failed.
estimate() {
  local samples=$1
  shift
  "$pardo" pi --samples "$samples" --block-size 65536 --seed 7 --json "$@" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["hits"], repr(r["estimate"]))'
}
for method in naive batched simd; do
  samples=20000001
  [[ $method == naive ]] && samples=2000001
  ref=$(estimate "$samples" --method "$method" --backend serial --workers 1)
  if [[ -z "$ref" ]]; then
    echo "FAIL: the serial $method run failed"
    failures=$((failures + 1))
    continue
  fi
  for backend in threads processes; do
    for w in 1 2 8; do
      got=$(estimate "$samples" --method "$method" --workers "$w" --backend "$backend")
      if [[ "$got" != "$ref" ]]; then
        echo "FAIL: $method on $w $backend gave '$got', serial gave '$ref'"
        failures=$((failures + 1))
      fi
    done
  done
done

# MPI: rank 0 alone prints the same estimate, bit for bit, on 1 to 4 ranks. The harness
# runs as root in CI, which Open MPI refuses without these.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
if "$pardo" pi --backend mpi --samples 1000 --json >/dev/null 2>&1; then
  ref=$(estimate 20000001 --backend serial --workers 1)
  for np in 1 2 3 4; do
    lines=$(mpirun -np "$np" --oversubscribe "$pardo" pi --samples 20000001 --block-size 65536 \
      --seed 7 --backend mpi --json --quiet)
    got=$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["hits"], repr(r["estimate"]))' <<<"$lines")
    if [[ "$got" != "$ref" ]] || [[ $(wc -l <<<"$lines") -ne 1 ]]; then
      echo "FAIL: mpirun -np $np pardo pi --backend mpi printed '$lines', serial gave '$ref'"
      failures=$((failures + 1))
    fi
  done
  # Hybrid: --workers is threads per rank; 2 ranks of 3 threads are 6 workers, the same bits.
  lines=$(mpirun -np 2 --oversubscribe "$pardo" pi --samples 20000001 --block-size 65536 \
    --seed 7 --backend mpi --workers 3 --json --quiet)
  got=$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["hits"], repr(r["estimate"]), r["run"]["workers"])' <<<"$lines")
  if [[ "$got" != "$ref 6" ]]; then
    echo "FAIL: mpirun -np 2 pardo pi --backend mpi --workers 3 printed '$lines', serial gave '$ref' (6 workers)"
    failures=$((failures + 1))
  fi
  # Without --workers each rank takes the CPUs it may use, shared with the ranks beside it:
  # never more workers in all than the CPUs, unless there are more ranks than CPUs.
  cpus=$(nproc)
  for np in 1 2; do
    w=$(mpirun -np "$np" --oversubscribe "$pardo" pi --samples 1e6 --backend mpi --json --quiet |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["workers"])')
    if ((w < np || w > (cpus > np ? cpus : np))); then
      echo "FAIL: mpirun -np $np pardo pi --backend mpi ran $w workers on $cpus CPUs"
      failures=$((failures + 1))
    fi
  done
else
  expect_usage_error "built without MPI" pi --backend mpi --samples 1000
fi

# --backend cuda: built without CUDA, exit 2 saying so; built with it but no usable device (no
# GPU, an old driver), exit 3 with the runtime's reason; with a GPU, the CPU's bits.
check_cuda_refusals pi --backend cuda --samples 1000
if [[ $cuda == devices ]]; then
  for block in 65536 65537; do
    ref=$("$pardo" pi --samples 20000001 --block-size "$block" --seed 7 --json --backend threads |
      python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["hits"], repr(r["estimate"]))')
    got=$("$pardo" pi --samples 20000001 --block-size "$block" --seed 7 --json --backend cuda |
      python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["hits"], repr(r["estimate"]))')
    [[ "$got" == "$ref" ]] || fail "pi --backend cuda --block-size $block gave '$got', threads '$ref'"
  done
fi
if [[ $cuda != absent ]]; then
  expect_usage_error "--workers applies to the CPU backends" pi --backend cuda --workers 2 --samples 1000
  expect_usage_error "runs on the CPU only" pi --backend cuda --method naive --samples 1000
  expect_usage_error "not supported with --backend cuda" pi --backend cuda --checkpoint c.ckpt --samples 1000
fi

for spelled in 10000000 1e7 10M; do
  n=$("$pardo" pi --samples "$spelled" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["samples"])')
  if [[ $n != 10000000 ]]; then
    echo "FAIL: --samples $spelled gave $n samples"
    failures=$((failures + 1))
  fi
done

# Ctrl-C: the run stops within a block and reports the partial estimate, exit 130; on the
# process backend no worker is left behind.
for backend in threads processes; do
  expect_interrupted pi --samples 1e12 --method batched --workers 2 --backend "$backend"
done

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "pardo pi: bad values exit 2; estimates identical on serial, 1, 2 and 8 threads and processes, 1 to 4 MPI ranks; Ctrl-C stops cleanly"

#!/usr/bin/env bash
# The integrate command as a user meets it: bad values exit 2 with one line naming the
# value, the exact value is reported, and the estimate is the same, bit for bit, on 1 and 2
# workers, serially, on threads, on processes and on MPI ranks.
set -uo pipefail
pardo=$1
failures=0

source "$(dirname "$0")/lib.sh"

expect_usage_error "unknown integrand 'sphere'" integrate --function sphere
expect_usage_error "\--dim: Value 0 not in range 1 to 10000" integrate --dim 0
expect_usage_error "\--dim: Value -1 not in range 1 to 10000" integrate --dim -1
expect_usage_error "\--strata 64 does not apply to --method plain" integrate --strata 64
expect_usage_error "\--samples: '0' must be positive" integrate --samples 0
expect_usage_error "\--samples: 'many' is not a number" integrate --samples many
expect_usage_error "samples is 1; at least 2" integrate --samples 1
expect_usage_error "\--lower: 'x' is not a number" integrate --lower x
expect_usage_error "\--upper: '1,2' has 2 values; give 1 or --dim 3" integrate --dim 3 --upper 1,2
expect_usage_error "\--upper: 'inf' is not finite" integrate --upper inf
expect_usage_error "\--lower 2 is not below --upper 1" integrate --lower 2
expect_usage_error "\--lower 0,1 is not below --upper 1 on axis 2" integrate --lower 0,1
expect_usage_error "\--lower -1e308 and --upper 1e308: the box's volume is inf" \
  integrate --lower=-1e308 --upper 1e308
expect_usage_error "unknown method 'vegas'" integrate --method vegas
expect_usage_error "\--strata: '0' must be positive" integrate --strata 0 --method stratified
expect_usage_error "\--abs-tol: '-1' must be positive" integrate --abs-tol=-1
expect_usage_error "\--rel-tol: '0' must be positive" integrate --rel-tol 0
expect_usage_error "\--rel-tol: 'tight' is not a number" integrate --rel-tol tight
expect_usage_error "unknown backend 'gpu'" integrate --backend gpu
expect_usage_error "workers" integrate --workers 0

# Prints "estimate std_error samples" of one run; empty if the run failed.
estimate() {
  "$pardo" integrate --seed 7 --block-size 4096 --json "$@" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(repr(r["estimate"]), repr(r["std_error"]), r["samples"])'
}
runs=(
  "--function ball --dim 4 --samples 200001"
  "--function gaussian --dim 3 --lower -1,-2,0 --upper 2 --samples 200000 --method stratified"
  "--function cross-polytope --dim 3 --samples 1e7 --rel-tol 2e-3"
)
for args in "${runs[@]}"; do
  # shellcheck disable=SC2086
  ref=$(estimate $args --backend serial)
  if [[ -z "$ref" ]]; then
    echo "FAIL: the serial run of $args failed"
    failures=$((failures + 1))
    continue
  fi
  for backend in threads processes; do
    for w in 1 2; do
      # shellcheck disable=SC2086
      got=$(estimate $args --workers "$w" --backend "$backend")
      if [[ "$got" != "$ref" ]]; then
        echo "FAIL: $args on $w $backend gave '$got', serial gave '$ref'"
        failures=$((failures + 1))
      fi
    done
  done
done

# MPI: rank 0 alone prints the same estimate on 1 to 3 ranks (Open MPI needs these as root).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
if "$pardo" integrate --backend mpi --samples 1000 --json >/dev/null 2>&1; then
  ref=$(estimate --dim 3 --samples 100000 --backend serial)
  for np in 1 3; do
    lines=$(mpirun -np "$np" --oversubscribe "$pardo" integrate --dim 3 --samples 100000 \
      --block-size 4096 --seed 7 --backend mpi --json --quiet)
    got=$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(repr(r["estimate"]), repr(r["std_error"]), r["samples"])' <<<"$lines")
    if [[ "$got" != "$ref" ]] || [[ $(wc -l <<<"$lines") -ne 1 ]]; then
      echo "FAIL: mpirun -np $np pardo integrate --backend mpi printed '$lines', serial gave '$ref'"
      failures=$((failures + 1))
    fi
  done
else
  expect_usage_error "built without MPI" integrate --backend mpi --samples 1000
fi

# The exact value is known for the ball over a box that holds it, and the estimate is
# within 4 standard errors of it; the adaptive run says whether it met its tolerance.
check=$("$pardo" integrate --function ball --dim 5 --samples 1e6 --json | python3 -c '
import json, math, sys
r = json.load(sys.stdin)
exact = 8 * math.pi**2 / 15
ok = abs(r["exact"] - exact) < 1e-12 and abs(r["estimate"] - exact) < 4 * r["std_error"]
ok = ok and r["interval"]["low"] < r["estimate"] < r["interval"]["high"] and r["run"]["complete"] and r["samples"] == 1000000
print("ok" if ok else r)')
[[ $check == ok ]] || { echo "FAIL: ball in 5 dimensions: $check"; failures=$((failures + 1)); }
check=$("$pardo" integrate --function ball --dim 2 --lower 0 --samples 1000 --json |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print("ok" if r["exact"] is None and r["abs_error"] is None else r)')
[[ $check == ok ]] || { echo "FAIL: a box that cuts the ball: $check"; failures=$((failures + 1)); }
check=$("$pardo" integrate --function gaussian --dim 2 --rel-tol 1e-3 --samples 1e8 --json |
  python3 -c 'import json,sys; r=json.load(sys.stdin); h=r["interval"]["high"]-r["estimate"]; print("ok" if r["tolerance_met"] and h <= 1e-3*r["estimate"] and r["samples"] < 1e8 else r)')
[[ $check == ok ]] || { echo "FAIL: adaptive gaussian: $check"; failures=$((failures + 1)); }
check=$("$pardo" integrate --function gaussian --dim 2 --abs-tol 1e-9 --samples 1e5 --json |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print("ok" if not r["tolerance_met"] and r["samples"] == 100000 else r)')
[[ $check == ok ]] || { echo "FAIL: spent budget: $check"; failures=$((failures + 1)); }
out=$("$pardo" integrate --function ball --dim 3 --samples 1e5 --rel-tol 1e-9)
if ! grep -q "exact         4.18879020479" <<<"$out" || ! grep -q "not met: the sample budget is spent" <<<"$out"; then
  echo "FAIL: human-readable output: $out"
  failures=$((failures + 1))
fi

# --backend cuda: built without CUDA, exit 2 saying so; built with it but no usable device, exit
# 3 with the runtime's reason; with a GPU, the CPU's estimate (its bits for ball).
check_cuda_refusals integrate --backend cuda
if [[ $cuda == devices ]]; then
  run="--function ball --dim 4 --samples 200001"
  ref=$(estimate $run --backend threads)
  got=$(estimate $run --backend cuda)
  if [[ -z "$ref" || "$got" != "$ref" ]]; then
    echo "FAIL: pardo integrate $run --backend cuda gave '$got', threads '$ref'"
    failures=$((failures + 1))
  fi
fi
if [[ $cuda != absent ]]; then
  expect_usage_error "\--workers applies to the CPU backends" integrate --backend cuda --workers 2
  expect_usage_error "not supported with --backend cuda" integrate --backend cuda --checkpoint c.ckpt
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "pardo integrate: bad values exit 2; estimates identical on serial, 1 and 2 threads and processes, MPI ranks; exact values reported"

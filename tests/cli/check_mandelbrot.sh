#!/usr/bin/env bash
# The mandelbrot command as a user meets it: bad values exit 2 with a short message naming the
# value; every backend, schedule, tile size and SIMD level draws the same counts; the PNG and
# the .npy are what they claim; Ctrl-C gives the partial image and exit 130; a worker killed
# or stopped mid-run costs a retry, not the image.
set -uo pipefail
pardo=$1
failures=0
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
source "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

expect_usage_error "--width: Value 0 not in range" mandelbrot --width 0
expect_usage_error "'-3' is negative" mandelbrot --height -3
expect_usage_error "--max-iter" mandelbrot --max-iter 0
expect_usage_error "--region '1:0:0:1': expected X0:X1:Y0:Y1" mandelbrot --region 1:0:0:1
expect_usage_error "--region 'a:b'" mandelbrot --region a:b
expect_usage_error "--region '0:1:0:nan'" mandelbrot --region 0:1:0:nan
expect_usage_error "region x is .-1e+308, 1e+308.; it must be finite" mandelbrot --region -1e308:1e308:0:1
expect_usage_error "unknown schedule 'fastest'" mandelbrot --schedule fastest
expect_usage_error "unknown level 'sse9'" mandelbrot --simd sse9
expect_usage_error "too large (at most 2^32 pixels)" mandelbrot --width 100000 --height 100000
expect_usage_error "unknown backend 'gpu'" mandelbrot --backend gpu
expect_usage_error "runs on 1 worker, not 2" mandelbrot --backend serial --workers 2
expect_usage_error "--tile-rows: Value 0 not in range" mandelbrot --tile-rows 0
expect_usage_error "--png: '-': standard output carries the result" mandelbrot --png -
expect_usage_error "--schedule static --chunksize 0: with --backend processes each tile is a task" \
  mandelbrot --backend processes --schedule static
expect_usage_error "--schedule dynamic --chunksize 4: with --backend processes" \
  mandelbrot --backend processes --chunksize 4

# The same counts everywhere: the .npy files are compared byte for byte.
problem=(mandelbrot --width 203 --height 97 --max-iter 3000 --region -0.8:-0.7:0.05:0.15 -q)
"$pardo" "${problem[@]}" --backend serial --npy "$tmp/ref.npy" >/dev/null ||
  fail "the serial run failed"
draw() {
  local name=$1
  shift
  if ! "$pardo" "${problem[@]}" --npy "$tmp/$name.npy" "$@" >"$tmp/$name.out" 2>&1; then
    fail "pardo ${problem[*]} $*: $(cat "$tmp/$name.out")"
  elif ! cmp -s "$tmp/ref.npy" "$tmp/$name.npy"; then
    fail "pardo ${problem[*]} $* drew other counts than the serial run"
  fi
}
for schedule in static round-robin dynamic guided stealing; do
  for w in 1 2 5; do draw "t_${schedule}_$w" --schedule "$schedule" --workers "$w"; done
done
draw processes --backend processes --workers 2 --tile-rows 5
draw tiles --tile-rows 4 --tile-columns 33 --chunksize 3
for level in scalar avx2 avx512; do
  if "$pardo" "${problem[@]}" --simd "$level" >/dev/null 2>&1; then
    draw "simd_$level" --simd "$level"
  fi
done

# The image and the array.
out=$("$pardo" mandelbrot --width 120 --height 80 --png "$tmp/m.png" --npy "$tmp/m.npy" --json)
[[ $? -eq 0 ]] || fail "--png and --npy: $out"
[[ $(head -c 8 "$tmp/m.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "--png did not write a PNG"
grep -q '"inside":' <<<"$out" || fail "--json has no inside count: $out"
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  /usr/bin/python3 - "$tmp/m.npy" "$tmp/m.png" <<'PY' || fail "the .npy or the PNG is not the image"
import sys, zlib, struct
import numpy as np
a = np.load(sys.argv[1])
assert a.shape == (80, 120), a.shape
assert a.max() == 1000 and a.min() >= 1, (a.min(), a.max())
# The set is in the middle of the default region, the far left escapes at once.
assert a[40, 80] == 1000 and a[40, 0] < 5, (a[40, 80], a[40, 0])
png = open(sys.argv[2], "rb").read()
width, height = struct.unpack(">II", png[16:24])
assert (width, height) == (120, 80), (width, height)
PY
fi
expect_usage_error "cannot create" mandelbrot --png /nonexistent/dir/m.png
"$pardo" mandelbrot --width 50 --height 50 --npy /dev/full -q >/dev/null 2>"$tmp/full.err"
code=$?
[[ $code -eq 3 ]] || fail "--npy /dev/full exited $code, expected 3: $(cat "$tmp/full.err")"

# Ctrl-C: the partial image is reported, exit 130, and no worker process outlives the run.
for backend in threads processes; do
  expect_interrupted mandelbrot --width 4000 --height 4000 --max-iter 100000 \
    --region -0.75:-0.74:0.1:0.11 --backend "$backend" --workers 2
done

# A worker killed (SIGKILL) or stopped (SIGSTOP, then killed after --stall-timeout) mid-run:
# the image is the same; a killed worker's tile is drawn again and counted as retried (a
# stopped one may have been between tiles, holding none).
deep=(mandelbrot --width 1200 --height 1200 --max-iter 20000 --region -0.75:-0.74:0.1:0.11 -q)
"$pardo" "${deep[@]}" --npy "$tmp/deep.npy" >/dev/null || fail "the deep threads run failed"
for signal in KILL STOP; do
  "$pardo" "${deep[@]}" --backend processes --workers 2 --tile-rows 40 --stall-timeout 2 \
    --npy "$tmp/$signal.npy" --json >"$tmp/$signal.out" 2>&1 &
  pid=$!
  sleep 0.7
  victim=$(pgrep -P "$pid" | head -1)
  [[ -n $victim ]] && kill "-$signal" "$victim"
  wait "$pid"
  code=$?
  if [[ $code -ne 0 ]]; then
    fail "SIG$signal on a worker ended the run with exit $code: $(cat "$tmp/$signal.out")"
  elif ! cmp -s "$tmp/deep.npy" "$tmp/$signal.npy"; then
    fail "after SIG$signal on a worker the image differs"
  elif [[ $signal == KILL && -n $victim ]] && ! grep -q '"retried":[1-9]' "$tmp/$signal.out"; then
    fail "SIG$signal on a worker: its tile was not counted as retried: $(cat "$tmp/$signal.out")"
  fi
  [[ -n $victim ]] && kill -KILL "$victim" 2>/dev/null
done

# MPI ranks, where this pardo has them.
if "$pardo" mandelbrot --backend mpi --width 8 --height 8 -q >/dev/null 2>&1 &&
  command -v mpirun >/dev/null; then
  for np in 2 3; do
    out=$(mpirun -np "$np" "$pardo" "${problem[@]}" --backend mpi --npy "$tmp/mpi$np.npy" 2>&1)
    [[ $? -eq 0 ]] || fail "mpirun -np $np: $out"
    cmp -s "$tmp/ref.npy" "$tmp/mpi$np.npy" || fail "mpirun -np $np drew other counts"
  done
else
  echo "note: no MPI here; the MPI checks were skipped"
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all mandelbrot checks passed"

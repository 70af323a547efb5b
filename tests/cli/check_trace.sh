#!/usr/bin/env bash
# --trace and --profile as a user meets them: on every backend the file opens as Chrome Trace
# Event JSON with one event per tile, nested on each track, worker processes and MPI ranks as
# processes of their own; reading the input is a span; --profile prints each worker's
# figures; a file that cannot be created exits 2 before the run, one that cannot be written
# exits 3, naming it; PARDO_TRACE does the same as --trace.
set -uo pipefail
pardo=$1
failures=0
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# 97 rows: 97 tiles. On threads the tiles are a map: with --chunksize 1, 97 chunks; static
# blocks on 3 workers, 3 chunks; serial runs the map as one chunk. Elsewhere a tile is a task.
problem=(mandelbrot --width 64 --height 97 --max-iter 500 -q)

"$pardo" "${problem[@]}" --backend threads --workers 2 --chunksize 1 --trace "$tmp/threads.json" \
  > /dev/null || fail "threads: exit $?"
/usr/bin/python3 "$here/check_trace.py" "$tmp/threads.json" 97 --category chunk ||
  fail "threads: the trace"
"$pardo" "${problem[@]}" --backend threads --workers 3 --schedule static \
  --trace "$tmp/static.json" > /dev/null || fail "static: exit $?"
/usr/bin/python3 "$here/check_trace.py" "$tmp/static.json" 3 --category chunk ||
  fail "static: the trace"
"$pardo" "${problem[@]}" --backend serial --trace "$tmp/serial.json" > /dev/null ||
  fail "serial: exit $?"
/usr/bin/python3 "$here/check_trace.py" "$tmp/serial.json" 1 --category chunk ||
  fail "serial: the trace"

"$pardo" "${problem[@]}" --backend processes --workers 2 --trace "$tmp/processes.json" \
  > /dev/null || fail "processes: exit $?"
/usr/bin/python3 "$here/check_trace.py" "$tmp/processes.json" 97 --processes 2 ||
  fail "processes: the trace"

# A worker killed mid-run: each block that runs again is a "retry" moment on the dead worker's
# track (a kill between two blocks retries none).
"$pardo" pi --samples 2e10 --backend processes --workers 2 -q --json --trace "$tmp/kill.json" \
  > "$tmp/kill.out" &
pid=$!
sleep 1.5
victim=$(pgrep -P "$pid" | head -1)
kill -9 "$victim"
wait "$pid" || fail "a killed worker: exit $?"
/usr/bin/python3 - "$tmp/kill.json" "$tmp/kill.out" "$victim" << 'EOF' ||
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
retried = json.load(open(sys.argv[2]))["run"]["blocks"]["retried"]
retries = [e["pid"] for e in events if e.get("cat") == "retry"]
sys.exit(0 if retries == [int(sys.argv[3])] * retried else 1)
EOF
  fail "a killed worker: the trace's retries are not the run's"

if command -v mpirun > /dev/null; then
  mpirun -np 3 "$pardo" "${problem[@]}" --backend mpi --trace "$tmp/mpi.json" > /dev/null ||
    fail "mpi: exit $?"
  /usr/bin/python3 "$here/check_trace.py" "$tmp/mpi.json" 97 || fail "mpi: the trace"
  ls "$tmp"/mpi.json.* > /dev/null 2>&1 && fail "mpi: ranks other than 0 wrote files"
fi

# Reading the input is a span of its own.
data="$here/../../examples/data/heights.csv"
"$pardo" bootstrap "$data" --resamples 2000 --workers 2 -q --trace "$tmp/boot.json" > /dev/null ||
  fail "bootstrap: exit $?"
/usr/bin/python3 - "$tmp/boot.json" "read $data" << 'EOF' || fail "bootstrap: no span for reading"
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
spans = [e for e in events if e.get("cat") == "span" and e["name"] == sys.argv[2]]
sys.exit(0 if len(spans) == 1 and spans[0]["dur"] > 0 else 1)
EOF

out=$("$pardo" "${problem[@]}" --workers 2 --profile 2>&1 > /dev/null) || fail "profile: exit $?"
for text in "threads worker 0" "threads worker 1" "imbalance" "task durations: median"; do
  grep -q "$text" <<< "$out" || fail "--profile does not print '$text': $out"
done

err=$("$pardo" "${problem[@]}" --trace /dev/full 2>&1 > /dev/null)
code=$?
[[ $code == 3 ]] || fail "--trace /dev/full: exit $code"
grep -q "cannot write /dev/full: No space left on device" <<< "$err" ||
  fail "--trace /dev/full: $err"

err=$("$pardo" "${problem[@]}" --trace "$tmp/no-such-dir/t.json" 2>&1 > /dev/null)
code=$?
[[ $code == 2 ]] || fail "--trace in a missing directory: exit $code"
grep -q "no-such-dir/t.json: cannot create: No such file or directory" <<< "$err" ||
  fail "--trace in a missing directory: $err"

PARDO_TRACE="$tmp/env.json" "$pardo" "${problem[@]}" --workers 2 --chunksize 1 > /dev/null ||
  fail "PARDO_TRACE: exit $?"
/usr/bin/python3 "$here/check_trace.py" "$tmp/env.json" 97 --category chunk ||
  fail "PARDO_TRACE: the trace"

[[ $failures == 0 ]] && echo "check_trace: all passed"
exit $((failures > 0))

#!/usr/bin/env bash
# --checkpoint and --resume as a user on a cluster meets them: a run killed with SIGKILL at an
# arbitrary moment, stopped by Ctrl-C or by SIGTERM (a batch job's time limit) resumes from its
# checkpoint on another backend and worker count with the bits of a run never stopped; a
# requeued job's command line works before its first checkpoint exists; a checkpoint from
# another run (another seed, changed data), a damaged one, a missing one and a file that cannot
# be written are refused with exit 2 naming the problem; a write that fails during the run ends
# it with exit 3. An optimiser's checkpoint keeps its solver's state and resumes it exactly.
set -uo pipefail
pardo=$1
failures=0
here=$(dirname "$0")
source "$here/lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# field FILE KEY: a value of a --json output, "missing" if it has none.
field() {
  /usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
run = j["run"]
print({"hits": lambda: j["hits"], "estimate": lambda: repr(j["estimate"]),
       "restored": lambda: run["blocks"]["restored"], "done": lambda: run["blocks"]["done"],
       "complete": lambda: run["complete"]}[sys.argv[2]]())' "$1" "$2" 2> /dev/null ||
    echo missing
}

pi=(pi --samples 2e10 --block-size 4194304 --seed 3)
"$pardo" "${pi[@]}" --workers 2 --json -q > "$tmp/fresh.json" || fail "fresh run: exit $?"
fresh_hits=$(field "$tmp/fresh.json" hits)
fresh_estimate=$(field "$tmp/fresh.json" estimate)
[[ $fresh_hits != missing ]] || fail "the fresh run has no hits: $(cat "$tmp/fresh.json")"

# same_as_fresh NAME JSON: the resumed run's answer is the fresh one's, bit for bit.
same_as_fresh() {
  [[ $(field "$2" hits) == "$fresh_hits" && $(field "$2" estimate) == "$fresh_estimate" ]] ||
    fail "$1: $(field "$2" hits) hits, estimate $(field "$2" estimate); a fresh run has" \
      "$fresh_hits and $fresh_estimate"
  [[ $(field "$2" complete) == True ]] || fail "$1: the resumed run is not complete"
  local restored
  restored=$(field "$2" restored)
  ((restored > 0)) || fail "$1: nothing was restored"
}

# Killed at once, with a checkpoint after every block; resumed on processes.
"$pardo" "${pi[@]}" --workers 2 -q --checkpoint "$tmp/kill.ckpt" --checkpoint-every 0 \
  > /dev/null 2>&1 &
pid=$!
sleep 0.7
kill -KILL "$pid"
wait "$pid" 2> /dev/null
[[ -s $tmp/kill.ckpt ]] || fail "SIGKILL: no checkpoint"
ls "$tmp"/kill.ckpt.tmp.* > /dev/null 2>&1 && rm -f "$tmp"/kill.ckpt.tmp.*
"$pardo" "${pi[@]}" --backend processes --workers 3 --json -q --resume "$tmp/kill.ckpt" \
  > "$tmp/kill.json" || fail "resume after SIGKILL: exit $?"
same_as_fresh "SIGKILL, resumed on 3 processes" "$tmp/kill.json"

# Ctrl-C and SIGTERM: a partial result, exit 130, the checkpoint written as the run stopped.
for signal in INT TERM; do
  "$pardo" "${pi[@]}" --workers 2 --checkpoint "$tmp/$signal.ckpt" > "$tmp/$signal.out" 2>&1 &
  pid=$!
  sleep 0.7
  kill -"$signal" "$pid"
  wait "$pid"
  code=$?
  [[ $code == 130 ]] || fail "SIG$signal: exit $code: $(cat "$tmp/$signal.out")"
  grep -q "interrupted: partial result" "$tmp/$signal.out" ||
    fail "SIG$signal: no partial result: $(cat "$tmp/$signal.out")"
  "$pardo" "${pi[@]}" --backend serial --json -q --resume "$tmp/$signal.ckpt" \
    > "$tmp/$signal.json" || fail "resume after SIG$signal: exit $?"
  same_as_fresh "SIG$signal, resumed on 1 thread" "$tmp/$signal.json"
done
# The same numbers spelt otherwise are the same run; placement and output options are free.
"$pardo" pi --samples 20000000000 --block-size 4194304 --seed 3 --workers 1 --json -q \
  -o "$tmp/spelt.json" --resume "$tmp/INT.ckpt" || fail "resume, numbers spelt otherwise: exit $?"
same_as_fresh "numbers spelt otherwise" "$tmp/spelt.json"
err=$("$pardo" "${pi[@]}" --workers 1 --resume "$tmp/INT.ckpt" 2>&1 > /dev/null) ||
  fail "resume with a progress bar: exit $?"
grep -q "note: resuming from $tmp/INT.ckpt: [0-9]* blocks done" <<< "$err" ||
  fail "resuming says nothing: $err"

# A requeued job: the same command line before its first checkpoint and after; a run that
# ended writes its checkpoint, so running it again runs no block.
job=(pi --samples 1e8 --seed 3 --checkpoint "$tmp/job.ckpt" --resume "$tmp/job.ckpt" --json -q)
"$pardo" "${job[@]}" > "$tmp/job1.json" || fail "a job's first run: exit $?"
[[ $(field "$tmp/job1.json" restored) == 0 ]] || fail "a job's first run restored blocks"
"$pardo" "${job[@]}" > "$tmp/job2.json" || fail "a job's second run: exit $?"
restored=$(field "$tmp/job2.json" restored)
[[ $restored != missing && $restored == $(field "$tmp/job2.json" done) ]] ||
  fail "a job's second run ran blocks again: $restored restored"

if command -v mpirun > /dev/null; then
  mpirun -np 3 "$pardo" "${pi[@]}" --backend mpi --json -q --resume "$tmp/TERM.ckpt" \
    > "$tmp/mpi.json" || fail "resume under mpirun: exit $?"
  same_as_fresh "SIGTERM on threads, resumed on 3 MPI ranks" "$tmp/mpi.json"
fi

# Another run's checkpoint, a damaged one, a missing one.
expect_usage_error "seed is '3' there and '4' here" pi --samples 2e10 --block-size 4194304 \
  --seed 4 --resume "$tmp/INT.ckpt"
expect_usage_error "samples is '20000000000' there and '30000000000' here" pi --samples 3e10 \
  --block-size 4194304 --seed 3 --resume "$tmp/INT.ckpt"
/usr/bin/python3 -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 1
open(sys.argv[2], "wb").write(b)' "$tmp/INT.ckpt" "$tmp/flipped.ckpt"
expect_usage_error "CRC-32 does not match" "${pi[@]}" --resume "$tmp/flipped.ckpt"
expect_usage_error "does not begin with PARDOCK1" "${pi[@]}" --resume "$here/lib.sh"
expect_usage_error "nothing.ckpt: cannot open: No such file or directory" "${pi[@]}" \
  --resume "$tmp/nothing.ckpt"
expect_usage_error "cannot create: No such file or directory" "${pi[@]}" \
  --checkpoint "$tmp/no/such/dir/c.ckpt"
mkfifo "$tmp/fifo"
expect_usage_error "fifo: not a regular file" "${pi[@]}" --checkpoint "$tmp/fifo"
[[ -p $tmp/fifo ]] || fail "--checkpoint replaced a FIFO"
expect_usage_error "not a regular file" "${pi[@]}" --checkpoint "$tmp"
expect_usage_error "--checkpoint-every requires --checkpoint" "${pi[@]}" --checkpoint-every 5
expect_usage_error "checkpoint-every" "${pi[@]}" --checkpoint "$tmp/x.ckpt" --checkpoint-every -1

# Data files are part of the run: a checkpoint of other data is refused; stdin cannot be checked.
data=$tmp/heights.csv
cp "$here/../../examples/data/heights.csv" "$data"
boot=(bootstrap "$data" --resamples 20000 --block-size 100 --seed 5 --workers 2 -q)
"$pardo" "${boot[@]}" --checkpoint "$tmp/boot.ckpt" > /dev/null || fail "bootstrap: exit $?"
"$pardo" "${boot[@]}" --json --resume "$tmp/boot.ckpt" > "$tmp/boot.json" ||
  fail "bootstrap resumed: exit $?"
restored=$(field "$tmp/boot.json" restored)
[[ $restored != missing && $restored == $(field "$tmp/boot.json" done) ]] ||
  fail "bootstrap: $restored blocks restored of $(field "$tmp/boot.json" done)"
tail -n 1 "$data" >> "$data"
expect_usage_error "file data is 'size" "${boot[@]}" --resume "$tmp/boot.ckpt"
expect_usage_error "standard input" bootstrap - --checkpoint "$tmp/stdin.ckpt"

# A write that fails during the run (a file size limit here, a full disk elsewhere): exit 3.
(
  trap '' XFSZ
  ulimit -f 4
  "$pardo" pi --samples 4e9 --block-size 1048576 --workers 2 -q --checkpoint "$tmp/big.ckpt" \
    --checkpoint-every 0 > "$tmp/big.out" 2> "$tmp/big.err"
  echo $? > "$tmp/big.code"
)
[[ $(cat "$tmp/big.code") == 3 ]] || fail "a failed write: exit $(cat "$tmp/big.code")"
grep -q "pardo pi: --checkpoint: .*big.ckpt: cannot write: File too large" "$tmp/big.err" ||
  fail "a failed write is not named: $(cat "$tmp/big.err")"
grep -q "^  estimate " "$tmp/big.out" || fail "a failed write lost the result: $(cat "$tmp/big.out")"

# stop_after SECONDS OUT ARGS...: runs pardo ARGS, its output into OUT, sends it SIGTERM (a batch
# job's time limit) after SECONDS and returns its exit code.
stop_after() {
  local seconds=$1 out=$2
  shift 2
  "$pardo" "$@" > "$out" &
  local pid=$!
  sleep "$seconds"
  kill -TERM "$pid"
  wait "$pid"
}

# An optimiser's checkpoint is its solver's whole state at the end of a generation: stopped by
# SIGTERM and resumed on worker processes, the solve ends where one never stopped ends.
solve=(optimize --model rastrigin --dim 50 --solver de --population 400 --max-generations 3000
  --max-evaluations 1e9)
opt=("${solve[@]}" --seed 8 --json -q)
# best: "x value generations evaluations" of an optimize run's JSON.
best() {
  /usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["best"]["x"], repr(j["best"]["value"]), j["generations"], j["evaluations"], j["run"]["complete"])' "$1" 2> /dev/null ||
    echo missing
}
"$pardo" "${opt[@]}" --workers 2 > "$tmp/opt_fresh.json" || fail "optimize: exit $?"
stop_after 1 "$tmp/opt_stopped.json" "${opt[@]}" --workers 2 --checkpoint "$tmp/opt.ckpt" \
  --checkpoint-every 0.2
code=$?
[[ $code == 130 && $(best "$tmp/opt_stopped.json") == *False ]] ||
  fail "optimize, SIGTERM: exit $code: $(cat "$tmp/opt_stopped.json")"
"$pardo" "${opt[@]}" --backend processes --workers 2 --resume "$tmp/opt.ckpt" \
  > "$tmp/opt_resumed.json" || fail "optimize resumed: exit $?"
[[ $(best "$tmp/opt_resumed.json") == "$(best "$tmp/opt_fresh.json")" ]] ||
  fail "optimize resumed to $(best "$tmp/opt_resumed.json"); never stopped: $(best "$tmp/opt_fresh.json")"
err=$("$pardo" "${solve[@]}" --seed 8 --workers 2 --resume "$tmp/opt.ckpt" 2>&1 > /dev/null)
grep -q "note: resuming from $tmp/opt.ckpt at generation [1-9]" <<< "$err" ||
  fail "optimize: resuming says nothing: $err"
expect_usage_error "seed is '8' there and '9' here" "${solve[@]}" --seed 9 --resume "$tmp/opt.ckpt"
expect_usage_error "--solver buckshot runs many" optimize --solver buckshot --checkpoint "$tmp/b.ckpt"

# MCMC chains are kept part-way: killed with no chain finished, the run resumes each chain
# from its last step kept, on another backend, and draws what a run never stopped draws.
chains=(mcmc --dim 20 --chains 2 --draws 4e5 --thin 5 --seed 5 --json -q)
# draws: what the chains drew and made of it, from an mcmc run's JSON.
draws() {
  /usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(j["parameters"], j["acceptance_rate"], j["step_size"], j["run"]["complete"])' "$1" \
    2> /dev/null || echo missing
}
"$pardo" "${chains[@]}" --workers 2 > "$tmp/mcmc_fresh.json" || fail "mcmc: exit $?"
"$pardo" "${chains[@]}" --workers 2 --checkpoint "$tmp/mcmc.ckpt" --checkpoint-every 0.1 \
  > /dev/null 2>&1 &
pid=$!
# Killed once the checkpoint holds draws (its first write, before any step, holds none).
for _ in $(seq 200); do
  (($(stat -c %s "$tmp/mcmc.ckpt" 2> /dev/null || echo 0) > 100000)) && break
  sleep 0.05
done
kill -KILL "$pid"
wait "$pid" 2> /dev/null
"$pardo" "${chains[@]}" --backend processes --workers 2 --resume "$tmp/mcmc.ckpt" \
  > "$tmp/mcmc_resumed.json" || fail "mcmc resumed after SIGKILL: exit $?"
[[ $(draws "$tmp/mcmc_resumed.json") == "$(draws "$tmp/mcmc_fresh.json")" ]] ||
  fail "mcmc resumed on processes after SIGKILL: $(draws "$tmp/mcmc_resumed.json" | cut -c1-200);" \
    "never stopped: $(draws "$tmp/mcmc_fresh.json" | cut -c1-200)"
err=$("$pardo" "${chains[@]:0:11}" --workers 2 --resume "$tmp/mcmc.ckpt" 2>&1 > /dev/null)
grep -q "note: resuming from $tmp/mcmc.ckpt: [12] chains kept, each going on" <<< "$err" ||
  fail "mcmc: resuming says nothing: $err"
# Stopped by SIGTERM: the chains as they stopped, resumed on MPI ranks.
stop_after 1 "$tmp/mcmc_stopped.json" "${chains[@]}" --workers 2 --checkpoint "$tmp/mcmc_term.ckpt"
code=$?
[[ $code == 130 && $(draws "$tmp/mcmc_stopped.json") == *False ]] ||
  fail "mcmc, SIGTERM: exit $code: $(cut -c1-200 "$tmp/mcmc_stopped.json")"
if command -v mpirun > /dev/null; then
  mpirun -np 2 "$pardo" "${chains[@]}" --backend mpi --workers 1 --resume "$tmp/mcmc_term.ckpt" \
    > "$tmp/mcmc_mpi.json" || fail "mcmc resumed under mpirun: exit $?"
  [[ $(draws "$tmp/mcmc_mpi.json") == "$(draws "$tmp/mcmc_fresh.json")" ]] ||
    fail "mcmc resumed on 2 MPI ranks after SIGTERM: $(draws "$tmp/mcmc_mpi.json" | cut -c1-200)"
fi
expect_usage_error "draws is '400000' there and '300000' here" \
  "${chains[@]/4e5/3e5}" --resume "$tmp/mcmc_term.ckpt"

[[ $failures == 0 ]] && echo "check_checkpoint: all passed"
exit $((failures > 0))

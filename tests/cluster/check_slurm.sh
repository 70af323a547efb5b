#!/usr/bin/env bash
# pardo on a real Slurm: a single-node cluster started here (scripts/local_slurm.sh) runs
#  - sbatch and srun over 2 MPI ranks (Open MPI through PMIx), srun -c 2 (threads from
#    SLURM_CPUS_PER_TASK) and mpirun inside salloc: each gives the threads' bits;
#  - pardo launch: followed to the end, --detach, a failing command's exit code;
#  - exact restarts: a job cancelled, one whose rank was killed, and one stopped by the signal
#    before its time limit and requeued, each resumed from its checkpoint, give the bits of a
#    run never stopped.
# Skipped (77) without root, Slurm, munge or an MPI build of pardo.
set -uo pipefail
pardo=$(realpath "$1")
local_slurm=$(realpath "$2")
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

skip() {
  echo "skipped: $*"
  exit 77
}

[[ $(id -u) -eq 0 ]] || skip "needs root to start slurmd"
for tool in sbatch srun salloc scancel scontrol slurmctld slurmd munged mpirun; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done
"$pardo" pi --backend mpi --samples 1000 >/dev/null 2>&1 || skip "pardo was built without MPI"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
work=$(mktemp -d)
trap 'bash "$local_slurm" stop "$work/slurm"; rm -rf "$work"' EXIT
cd "$work" || exit 1
conf=$(bash "$local_slurm" start "$work/slurm") || skip "the local Slurm did not start"
export "${conf?}"

# estimate: "hits estimate workers" of a pi run's JSON on stdin.
estimate() {
  python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["hits"], repr(r["estimate"]), r["run"]["workers"])'
}
# bits: "hits estimate" alone, whatever the worker count.
bits() { estimate | cut -d' ' -f1,2; }
state_of() { scontrol show job -o "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
wait_for_end() {
  local id=$1 state
  for _ in $(seq 600); do
    state=$(state_of "$id")
    case $state in PENDING | RUNNING | COMPLETING | REQUEUED | CONFIGURING) sleep 0.2 ;; *) break ;; esac
  done
  echo "$state"
}
wait_for_file() {
  for _ in $(seq 300); do [[ -s $1 ]] && return 0; sleep 0.1; done
  return 1
}

small=(pi --samples 4e8 --seed 3 --json -q)
ref=$("$pardo" "${small[@]}" | bits)

cat >job.sh <<EOS
#!/bin/bash
#SBATCH --ntasks=2 --cpus-per-task=1 --output=job.out
srun --mpi=pmix --cpus-per-task=1 $pardo ${small[*]} --backend mpi
EOS
sbatch --wait -Q job.sh >/dev/null || fail "sbatch srun -n 2: exit $?"
[[ $(estimate <job.out) == "$ref 2" ]] || fail "sbatch srun -n 2 gave: $(cat job.out)"

got=$(srun -n 1 -c 2 --mpi=pmix "$pardo" "${small[@]}" --backend mpi | estimate)
[[ $got == "$ref 2" ]] || fail "srun -n 1 -c 2 gave '$got', expected '$ref 2'"

got=$(salloc -Q -n 2 mpirun "$pardo" "${small[@]}" --backend mpi | estimate)
[[ $got == "$ref 2" ]] || fail "salloc mpirun -np 2 gave '$got', expected '$ref 2'"

# pardo launch, followed to the end: the job's output here, its exit code launch's.
got=$("$pardo" launch --tasks-per-node 2 --time 00:05:00 --poll 0.3 -- "${small[@]}" \
  --backend mpi 2>launch.err | estimate) || fail "launch: exit $?"
[[ $got == "$ref 2" ]] || fail "launch gave '$got', expected '$ref 2'"
grep -q "pardo launch: job [0-9]* RUNNING" launch.err || fail "no progress line: $(cat launch.err)"
"$pardo" launch --poll 0.3 -q -- pi --samples -5 2>/dev/null
code=$?
[[ $code -eq 2 ]] || fail "launch of a bad command: exit $code, expected 2"

id=$("$pardo" launch --detach --output detached.out -- "${small[@]}") || fail "--detach: exit $?"
[[ $id =~ ^[0-9]+$ ]] || fail "--detach printed '$id', not a job id"
[[ $(wait_for_end "$id") == COMPLETED ]] || fail "the detached job ended $(state_of "$id")"
[[ $(bits <detached.out) == "$ref" ]] || fail "the detached job wrote: $(cat detached.out)"

# Exact restarts. A run of several seconds on 2 ranks, checkpointed five times a second.
long=(pi --samples 3e10 --seed 4 --json -q --backend mpi --checkpoint-every 0.2)
long_ref=$("$pardo" pi --samples 3e10 --seed 4 --json -q | bits)
resume_check() {
  local what=$1 ckpt=$2
  got=$("$pardo" launch --tasks-per-node 2 --poll 0.3 -q -- "${long[@]}" --checkpoint "$ckpt" |
    bits) || fail "$what: the resumed job: exit $?"
  [[ $got == "$long_ref" ]] || fail "$what: resumed to '$got', a run never stopped gives '$long_ref'"
}

# Ctrl-C on pardo launch stops the job as it stops a run here: the partial result, exit 130.
"$pardo" launch --tasks-per-node 2 --poll 0.3 -q -- "${long[@]}" --checkpoint stopped.ckpt \
  >stopped.out 2>&1 &
launcher=$!
wait_for_file stopped.ckpt || fail "Ctrl-C: no checkpoint written"
kill -INT "$launcher"
wait "$launcher"
code=$?
complete=$(grep '^{' stopped.out | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["complete"])')
[[ $code -eq 130 && $complete == False ]] ||
  fail "Ctrl-C on launch: exit $code, complete '$complete': $(cat stopped.out)"
resume_check Ctrl-C stopped.ckpt

id=$("$pardo" launch --detach --tasks-per-node 2 -- "${long[@]}" --checkpoint cancelled.ckpt)
wait_for_file cancelled.ckpt || fail "scancel: no checkpoint written"
scancel "$id"
state=$(wait_for_end "$id")
[[ $state == CANCELLED ]] || fail "scancel: the job ended $state"
resume_check scancel cancelled.ckpt

id=$("$pardo" launch --detach --tasks-per-node 2 -- "${long[@]}" --checkpoint killed.ckpt)
wait_for_file killed.ckpt || fail "kill -9: no checkpoint written"
rank=$(pgrep -n -f "^$pardo pi .*killed.ckpt")
[[ -n $rank ]] && kill -KILL "$rank"
state=$(wait_for_end "$id")
[[ $state == FAILED || $state == CANCELLED ]] || fail "kill -9 of rank $rank: the job ended $state"
resume_check "kill -9" killed.ckpt

# The time limit: SIGTERM before it stops the run with its checkpoint written, the job is
# requeued and resumes. Slurm's shortest limit is a minute, and it signals at its 30-second
# checks, up to a minute early: with a 2-minute limit and --signal-before 30 the signal comes
# 60 to 90 s in. The run (one rank, one CPU) is sized to need over 2 minutes here, so that it
# cannot end before; the run never stopped that gives its bits runs on the other CPU meanwhile.
rate=$("$pardo" pi --samples 2e9 --workers 1 --json -q |
  python3 -c 'import json,sys; print(int(2e9 / json.load(sys.stdin)["run"]["seconds"]))')
limit=(pi --samples $((rate * 130)) --seed 6 --json -q)
"$pardo" "${limit[@]}" --workers 1 | bits >limit_ref.txt &
reference=$!
got=$("$pardo" launch --time 00:02:00 --signal-before 30 --requeue --poll 0.5 -- "${limit[@]}" \
  --backend mpi --checkpoint limit.ckpt --checkpoint-every 1 2>limit.err | bits) ||
  fail "requeue: exit $?: $(cat limit.err)"
wait "$reference"
[[ $got == "$(cat limit_ref.txt)" ]] ||
  fail "requeued after the signal before the limit: '$got', a run never stopped: $(cat limit_ref.txt)"
grep -q "restarts [1-9]" limit.err || fail "the job was not requeued: $(cat limit.err)"

if ((failures > 0)); then
  echo "$failures failure(s); Slurm's logs: $(ls "$work"/slurm/*.log)"
  tail -20 "$work"/slurm/slurmctld.log
  exit 1
fi
echo "slurm: all checks passed"

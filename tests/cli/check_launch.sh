#!/usr/bin/env bash
# `pardo launch` without a batch system: the Slurm, PBS and LSF scripts it writes (--dry-run)
# hold the layout, time, queue, signal before the limit, requeue and the command, quoted, and
# are valid bash; `--scheduler mpirun` runs the job here and gives the local run's bits; bad
# values exit 2 naming the value, before anything is submitted. tests/cluster/check_slurm.sh
# submits real jobs to a local Slurm.
set -uo pipefail
pardo=$(realpath "$1")
failures=0
here=$(dirname "$0")
source "$here/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# expect_lines SCRIPT LINE...: each LINE is a whole line of SCRIPT.
expect_lines() {
  local script=$1
  shift
  for line in "$@"; do
    grep -qxF -- "$line" <<<"$script" || fail "no line '$line' in: $script"
  done
  bash -n <<<"$script" || fail "not valid bash: $script"
}

self=$pardo
layout=(--nodes 2 --tasks-per-node 4 --cpus-per-task 8 --time 02:00:00 --partition short)

script=$("$pardo" launch --dry-run "${layout[@]}" -- pi --samples 1e13 --backend mpi) ||
  fail "slurm dry run: exit $?"
expect_lines "$script" "#!/bin/bash" "#SBATCH --job-name=pardo-pi" "#SBATCH --nodes=2" \
  "#SBATCH --ntasks-per-node=4" "#SBATCH --cpus-per-task=8" "#SBATCH --time=02:00:00" \
  "#SBATCH --partition=short" "#SBATCH --output=pardo-%j.out" "#SBATCH --no-requeue" \
  "srun --cpus-per-task=8 --mpi=pmix $self pi --samples 1e13 --backend mpi"
grep -q -- "--signal" <<<"$script" && fail "a signal without a checkpoint: $script"

# A checkpointed command resumes from its checkpoint, gets SIGTERM before the limit and, with
# --requeue, is requeued unless the user stopped it.
script=$("$pardo" launch --dry-run --requeue --job-name mc "${layout[@]}" -- \
  bootstrap "my data.csv" --backend mpi --checkpoint "it's.ckpt") || fail "requeue: exit $?"
expect_lines "$script" "#SBATCH --job-name=mc" "#SBATCH --signal=TERM@120" "#SBATCH --requeue" \
  "srun --cpus-per-task=8 --mpi=pmix $self bootstrap 'my data.csv' --backend mpi --checkpoint 'it'\\''s.ckpt' --resume 'it'\\''s.ckpt'" \
  "trap 'cancelled=1' USR1" "  scontrol requeue \"\$SLURM_JOB_ID\" && exit 0"

script=$("$pardo" launch --dry-run --time 2:00 -- pi --checkpoint c.ckpt --resume c.ckpt) ||
  fail "short limit: exit $?"
expect_lines "$script" "#SBATCH --time=00:02:00" "#SBATCH --signal=TERM@60" \
  "srun --cpus-per-task=1 $self pi --checkpoint c.ckpt --resume c.ckpt"
script=$("$pardo" launch --dry-run --time 1-12 --signal-before 0 -- pi --checkpoint c.ckpt)
expect_lines "$script" "#SBATCH --time=36:00:00"
grep -q -- "--signal" <<<"$script" && fail "--signal-before 0 still signals: $script"

script=$("$pardo" launch --dry-run --scheduler pbs --requeue "${layout[@]}" -- \
  pi --backend mpi --checkpoint c.ckpt) || fail "pbs: exit $?"
expect_lines "$script" "#PBS -N pardo-pi" "#PBS -l select=2:ncpus=32:mpiprocs=4:ompthreads=8" \
  "#PBS -l place=scatter" "#PBS -l walltime=02:00:00" "#PBS -q short" "#PBS -r y" \
  "cd \"\$PBS_O_WORKDIR\" || exit 1" \
  "timeout --preserve-status --signal=TERM --kill-after=60 7080 mpirun -np 8 --map-by ppr:4:node:PE=8 $self pi --backend mpi --checkpoint c.ckpt --resume c.ckpt" \
  "[ \"\$status\" -eq 130 ] && exit 99"

script=$("$pardo" launch --dry-run --scheduler lsf --requeue --nodes 2 --tasks-per-node 4 \
  --cpus-per-task 8 --time 1:30:10 --partition short -- \
  pi --backend mpi --checkpoint c.ckpt) || fail "lsf: exit $?"
expect_lines "$script" "#BSUB -J pardo-pi" "#BSUB -n 8" "#BSUB -R \"span[ptile=4] affinity[core(8)]\"" \
  "#BSUB -W 1:31" "#BSUB -q short" "#BSUB -o pardo-%J.out" "#BSUB -wa TERM -wt 2" "#BSUB -Q \"130\"" \
  "mpirun -np 8 --map-by ppr:4:node:PE=8 $self pi --backend mpi --checkpoint c.ckpt --resume c.ckpt"

# --script keeps what --dry-run prints.
script=$("$pardo" launch --dry-run --script job.sh -- rng) || fail "--script: exit $?"
[[ "$(cat job.sh)" == "$script" ]] || fail "--script: job.sh differs from the printed script"

# Any program runs, its words as given: mpirun here, one rank.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
out=$("$pardo" launch --scheduler mpirun -- printf '%s|' "a b" "it's" '$HOME') ||
  fail "mpirun printf: exit $?"
[[ $out == "a b|it's|\$HOME|" ]] || fail "the words reached the program as '$out'"

estimate() {
  python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["hits"], repr(r["estimate"]))'
}
if "$pardo" pi --backend mpi --samples 1000 --json >/dev/null 2>&1; then
  ref=$("$pardo" pi --samples 3e7 --seed 5 --json -q | estimate)
  got=$("$pardo" launch --scheduler mpirun --tasks-per-node 2 -- \
    pi --samples 3e7 --seed 5 --backend mpi --json -q | estimate) || fail "mpirun pi: exit $?"
  [[ $got == "$ref" ]] || fail "launch --scheduler mpirun gave '$got', threads '$ref'"
  "$pardo" launch --scheduler mpirun --tasks-per-node 2 --output pi.json -- \
    pi --samples 3e7 --seed 5 --backend mpi --json -q >/dev/null || fail "--output: exit $?"
  [[ $(estimate <pi.json) == "$ref" ]] || fail "--output: pi.json holds $(cat pi.json)"
  # A failing command's exit code is launch's.
  "$pardo" launch --scheduler mpirun -- pi --samples -5 2>/dev/null
  code=$?
  [[ $code -eq 2 ]] || fail "a bad option in the job gave exit $code, expected 2"
fi

expect_usage_error "name the command" launch --dry-run
expect_usage_error "name the command" launch --dry-run --
for t in 25:61:00 abc 0:00 1-25:00:00 400-00 1:2:3:4 -5; do
  expect_usage_error "--time '$t'" launch --dry-run --time="$t" -- pi
done
expect_usage_error "signal-before 3600: not less than the time limit (1800 s)" \
  launch --dry-run --time 00:30:00 --signal-before 3600 -- pi
expect_usage_error "needs --time" launch --dry-run --scheduler pbs --signal-before 60 -- pi
expect_usage_error "no --checkpoint FILE" launch --dry-run --requeue -- pi
expect_usage_error "needs a batch scheduler" launch --dry-run --scheduler mpirun --requeue -- \
  pi --checkpoint c.ckpt
expect_usage_error "--job-name 'a b'" launch --dry-run --job-name "a b" -- pi
expect_usage_error "--partition 'x;rm'" launch --dry-run --partition "x;rm" -- pi
expect_usage_error "runs 8 tasks, but the command has no --backend mpi" \
  launch --dry-run "${layout[@]}" -- pi
expect_usage_error "--nodes 2: --scheduler mpirun runs here" \
  launch --dry-run --scheduler mpirun --nodes 2 -- pi --backend mpi
expect_usage_error "sge" launch --scheduler sge -- pi
expect_usage_error "tasks-per-node" launch --tasks-per-node 0 -- pi
expect_usage_error "--poll: 'nan'" launch --poll nan -- pi
expect_usage_error "--poll" launch --poll 1e308 -- pi
for scheduler in pbs:qsub lsf:bsub slurm:sbatch; do
  err=$(PATH=/nonexistent "$self" launch --scheduler "${scheduler%:*}" -- pi 2>&1)
  code=$?
  [[ $code -eq 2 && $err == *"${scheduler#*:} is not on PATH"* ]] ||
    fail "--scheduler ${scheduler%:*} without ${scheduler#*:}: exit $code: $err"
done

if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "launch: all checks passed"

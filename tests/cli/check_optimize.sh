#!/usr/bin/env bash
# The optimize command as a user meets it: bad values exit 2 naming the value; a seed gives
# the same best point and evaluation count serially, on threads, on worker processes and on
# MPI ranks; a user's C function (dlopen) and an external program per point work, and their
# crashes, timeouts and garbage become penalised points counted in the result, not an abort;
# --log writes each generation; --vtr not reached exits 1; Ctrl-C prints the best so far.
set -uo pipefail
pardo=$1
failures=0
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
trap 'rm -rf "$tmp"' EXIT

expect_usage_error "unknown model 'cubic'" optimize --model cubic
expect_usage_error "unknown solver 'newton'" optimize --solver newton
expect_usage_error "--nested: unknown solver 'de'" optimize --solver buckshot --nested de
expect_usage_error "--dim: '0' must be positive" optimize --dim 0
expect_usage_error "--dim 3: peaks is defined in 2 dimensions only" optimize --model peaks --dim 3
expect_usage_error "--bounds: '5:1': LO must be below HI" optimize --bounds 5:1
expect_usage_error "--bounds: 'a:b' is not LO:HI" optimize --bounds a:b
expect_usage_error "--bounds: '0:1,0:1,0:1' has 3 ranges for 2 dimensions" optimize --bounds 0:1,0:1,0:1
expect_usage_error "--bounds: '0:inf' is not LO:HI with finite numbers" optimize --bounds 0:inf
expect_usage_error "--starts applies to --solver buckshot or lattice" optimize --starts 5
expect_usage_error "--population applies to --solver de, pso or cmaes" optimize --solver powell --population 9
expect_usage_error "--max-evaluations: '0' must be positive" optimize --max-evaluations 0
expect_usage_error "--time-limit -1" optimize --time-limit -1
expect_usage_error "--vtr nan" optimize --vtr nan
expect_usage_error "--log follows one solver's generations" optimize --solver lattice --log "$tmp/x.csv"
expect_usage_error "--log: cannot create $tmp/no/such.csv" optimize --log "$tmp/no/such.csv"
expect_usage_error "--bounds LO:HI is needed" optimize --objective-cmd 'echo 1 {x}'
expect_usage_error "has no {x}" optimize --objective-cmd 'echo 1' --bounds 0:1
expect_usage_error "is not LIB.so:SYMBOL" optimize --objective libm.so --bounds 0:1
expect_usage_error "cannot load $tmp/none.so" optimize --objective "$tmp/none.so:f" --bounds 0:1
expect_usage_error "--objective and --objective-cmd are two objectives" optimize --objective a.so:f --objective-cmd 'x {x}' --bounds 0:1
expect_usage_error "--evaluation-timeout needs --objective-cmd, or --backend processes" optimize --evaluation-timeout 1
expect_usage_error "DifferentialEvolution: population = 3" optimize --population 3
expect_usage_error "--dim 1e6 needs" optimize --dim 1e6
expect_usage_error "--dim 2e4 needs .* for the population (15 x dim)" optimize --dim 2e4
expect_usage_error "--population 1e12 x --dim 3 needs" optimize --population 1e12 --dim 3
expect_usage_error "--starts 1e12 x --dim 3 needs" optimize --solver buckshot --starts 1e12 --dim 3
expect_usage_error "the grid has more than 2^24 cells" optimize --solver lattice --starts 10 --dim 30

# best.x, best.value, evaluations, generations and termination of one run, exactly.
summary() {
  python3 -c 'import json,sys; r=json.load(sys.stdin)
print([repr(v) for v in r["best"]["x"]], repr(r["best"]["value"]), r["evaluations"], r["generations"], r["failures"], r["termination"])'
}
for run in "--solver de --model rastrigin --dim 4" "--solver cmaes --model rosenbrock --dim 5" \
  "--solver pso --model ackley --dim 3 --max-generations 60" \
  "--solver buckshot --starts 6 --model griewank --dim 3 --max-evaluations 3000" \
  "--solver lattice --starts 2 --nested nelder-mead --model rosenbrock --dim 3"; do
  # shellcheck disable=SC2086
  ref=$("$pardo" optimize $run --seed 5 --backend serial --json -q | summary)
  [[ -n "$ref" ]] || fail "optimize $run failed serially"
  for backend in threads processes; do
    for w in 1 2 5; do
      # shellcheck disable=SC2086
      got=$("$pardo" optimize $run --seed 5 --backend "$backend" --workers "$w" --json -q | summary)
      [[ "$got" == "$ref" ]] || fail "optimize $run on $w $backend gave '$got', serial '$ref'"
    done
  done
  if "$pardo" pi --backend mpi --samples 1000 --json >/dev/null 2>&1; then
    for np in 1 2 3; do
      # shellcheck disable=SC2086
      got=$(mpirun -np "$np" --oversubscribe "$pardo" optimize $run --seed 5 --backend mpi --json -q | summary)
      [[ "$got" == "$ref" ]] || fail "mpirun -np $np optimize $run gave '$got', serial '$ref'"
    done
  fi
done

# The human result names the best value and what stopped the run.
out=$("$pardo" optimize --model sphere --dim 3 --solver nelder-mead -q)
grep -q "best value" <<<"$out" && grep -q "stopped by candidate_relative_tolerance" <<<"$out" ||
  fail "the human result lacks its lines: $out"

# A user's C function, loaded with dlopen, on threads and in worker processes; where it
# crashes (x0 > 5), worker processes turn the crash into a penalised point.
cat >"$tmp/objective.c" <<'C'
#include <signal.h>
#include <stddef.h>
double booth(const double* x, size_t d) {
  (void)d;
  double a = x[0] + 2 * x[1] - 7, b = 2 * x[0] + x[1] - 5;
  return a * a + b * b;
}
double fragile(const double* x, size_t d) {
  if (x[0] > 5) raise(SIGSEGV);
  return booth(x, d);
}
C
if command -v cc >/dev/null && cc -shared -fPIC -o "$tmp/libobjective.so" "$tmp/objective.c"; then
  for backend in threads processes; do
    r=$("$pardo" optimize --objective "$tmp/libobjective.so:booth" --bounds -10:10 --solver de \
      --backend "$backend" --vtr 1e-12 --json -q)
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["best"]["value"] <= 1e-12 and abs(r["best"]["x"][0] - 1) < 1e-5 and abs(r["best"]["x"][1] - 3) < 1e-5 and r["objective"].startswith("library "), r' "$r" ||
      fail "--objective booth on $backend: $r"
  done
  expect_usage_error "has no function 'nothing'" optimize --objective "$tmp/libobjective.so:nothing" --bounds 0:1
  r=$("$pardo" optimize --objective "$tmp/libobjective.so:fragile" --bounds -10:10 --solver de \
    --backend processes --workers 2 --max-generations 20 --failure-penalty 1e9 --json -q 2>"$tmp/err")
  code=$?
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); assert r["failures"] > 0 and r["best"]["x"][0] <= 5 and r["run"]["complete"], r' "$r" ||
    fail "--objective fragile on processes (exit $code): $r"
  grep -q "warning: .* evaluations failed and got the penalty 1e+09; the first: worker .* signal 11" "$tmp/err" ||
    fail "no warning of the crashed evaluations: $(cat "$tmp/err")"
else
  echo "note: no C compiler: the --objective LIB.so checks are skipped"
fi

# An external program per point: Himmelblau's function that fails outside |x|, |y| <= 6.
sim="sh $here/../../examples/data/simulate.sh {x}"
ref=$("$pardo" optimize --objective-cmd "$sim" --bounds -8:8 --solver de --population 12 \
  --max-generations 6 --backend serial --json -q 2>"$tmp/err" | summary)
python3 -c 'import sys; f=int(sys.argv[1].split()[-2]); assert f > 0' "$ref" ||
  fail "--objective-cmd simulate.sh counted no failures: $ref"
grep -q "exited with status 3: diverged" "$tmp/err" || fail "the failure lacks the program's words: $(cat "$tmp/err")"
got=$("$pardo" optimize --objective-cmd "$sim" --bounds -8:8 --solver de --population 12 \
  --max-generations 6 --backend processes --workers 2 --json -q 2>/dev/null | summary)
[[ "$got" == "$ref" ]] || fail "--objective-cmd on processes gave '$got', serially '$ref'"

# A program that hangs is killed at --evaluation-timeout; one that prints garbage fails; a run
# where every evaluation failed found nothing: exit 3.
start=$(date +%s)
err=$("$pardo" optimize --objective-cmd 'sleep 30; echo 1 {x}' --bounds 0:1 --solver nelder-mead \
  --max-evaluations 3 --evaluation-timeout 0.3 -q 2>&1 >/dev/null)
code=$?
[[ $code -eq 3 && $(($(date +%s) - start)) -lt 10 ]] || fail "a hanging program: exit $code after $(($(date +%s) - start)) s"
grep -q "3 of 3 evaluations failed .* ran longer than 0.3 s and was killed" <<<"$err" || fail "a hanging program: $err"
err=$("$pardo" optimize --objective-cmd 'echo value {x}' --bounds 0:1 --max-evaluations 5 -q 2>&1 >/dev/null)
grep -q "printed no number: 'value " <<<"$err" || fail "a program printing garbage: $err"
r=$("$pardo" optimize --objective /dev/null:f --bounds 0:1 2>&1)
[[ $? -eq 2 ]] || fail "--objective /dev/null:f: $r"

# --log: a header and one row per generation (CSV), one line per generation (JSON lines).
"$pardo" optimize --model sphere --dim 2 --solver de --max-generations 9 --log "$tmp/run.csv" -q >/dev/null
[[ $(head -1 "$tmp/run.csv") == "generation,evaluations,failures,seconds,best_value,x0,x1" &&
  $(wc -l <"$tmp/run.csv") -eq 11 ]] || fail "--log run.csv: $(head -3 "$tmp/run.csv")"
"$pardo" optimize --model sphere --dim 2 --solver cmaes --max-generations 4 --log "$tmp/run.jsonl" -q >/dev/null
[[ $(wc -l <"$tmp/run.jsonl") -eq 5 ]] && python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/run.jsonl" ||
  fail "--log run.jsonl: $(head -2 "$tmp/run.jsonl")"

# A value to reach that the budget does not reach: the result, and exit 1.
"$pardo" optimize --model rastrigin --dim 10 --max-evaluations 500 --vtr 1e-9 -q >/dev/null
code=$?
[[ $code -eq 1 ]] || fail "--vtr not reached exited $code, expected 1"

# Ctrl-C: the best so far, marked interrupted, exit 130.
"$pardo" optimize --model rastrigin --dim 30 --population 3000 --max-evaluations 1e9 --json -q \
  >"$tmp/int.json" &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
code=$?
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["termination"] == "interrupted" and not r["run"]["complete"] and len(r["best"]["x"]) == 30, r' "$tmp/int.json" ||
  fail "Ctrl-C: $(head -c 300 "$tmp/int.json")"
[[ $code -eq 130 ]] || fail "Ctrl-C exited $code, expected 130"

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "optimize: every check passed"

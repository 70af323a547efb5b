#!/usr/bin/env bash
# Input files as users have them: an R write.csv file, semicolon and tab files, CRLF with a
# BOM, NA cells, numpy .npy arrays in several dtypes and orders, stdin. bootstrap, permtest
# and fit give the same numbers on each as on a plain CSV of the same numbers; bad input
# exits 2 naming file:line:column, a directory, a missing or an unreadable file.
set -uo pipefail
pardo=$1
failures=0
python=/usr/bin/python3

source "$(dirname "$0")/lib.sh"

if ! "$python" -c "import numpy" 2>/dev/null; then
  echo "SKIP: $python has no numpy"
  exit 77
fi

tmp=$(mktemp -d)
trap 'chmod -R u+rwX "$tmp"; rm -rf "$tmp"' EXIT

"$python" - "$tmp" <<'EOF'
import os, sys
import numpy as np

d = sys.argv[1]
rng = np.random.default_rng(20261204)
x = np.round(rng.normal(10, 2, 40), 3)
y = np.round(0.5 * x + rng.normal(0, 1, 40), 3)
xy = np.column_stack([x, y])


def write(name, text):
    if isinstance(text, bytes):
        with open(os.path.join(d, name), "wb") as f:
            f.write(text)
        return
    with open(os.path.join(d, name), "w", newline="") as f:
        f.write(text)


def rows(a, b, sep=","):
    return "".join(f"{float(p)!r}{sep}{float(q)!r}\n" for p, q in zip(a, b))


write("plain.csv", "x,y\n" + rows(x, y))
write("x_only.csv", "x\n" + "".join(f"{float(p)!r}\n" for p in x))
# R: write.csv(data.frame(x, y)) writes quoted names, quoted row names and "" above them.
write("r_style.csv", '"","x","y"\r\n' +
      "".join(f'"{i + 1}",{float(p)!r},{float(q)!r}\r\n' for i, (p, q) in enumerate(zip(x, y))))
write("semicolon.csv", "x;y\n" + rows(x, y, ";"))
write("tab.tsv", "x\ty\n" + rows(x, y, "\t"))
write("crlf_bom.csv", "\ufeff# exported by a spreadsheet\r\n\r\n\"x\",\"y\"\r\n" +
      rows(x, y).replace("\n", "\r\n"))
# NA cells as R, pandas and numpy write them; dropping their rows leaves plain.csv.
na_rows = rows(x, y).splitlines(keepends=True)
na_rows[3:3] = ["NA,1.5\n", "2.5,\n", "nan,NaN\n"]
write("na.csv", "x,y\n" + "".join(na_rows))

np.save(os.path.join(d, "c_f8.npy"), xy)
np.save(os.path.join(d, "fortran_f8.npy"), np.asfortranarray(xy))
np.save(os.path.join(d, "big_f8.npy"), xy.astype(">f8"))
np.save(os.path.join(d, "x_1d.npy"), x)
with_nan = np.insert(xy, 5, [np.nan, 1.0], axis=0)
np.save(os.path.join(d, "nan_f8.npy"), with_nan)
# float32 and integers: compared with a CSV of the same numbers.
f4 = xy.astype(np.float32)
np.save(os.path.join(d, "f4.npy"), f4)
write("f4.csv", "x,y\n" + rows(f4[:, 0], f4[:, 1]))
ints = np.round(xy * 10).astype(np.int64)
np.save(os.path.join(d, "i8.npy"), ints)
np.save(os.path.join(d, "i4.npy"), np.asfortranarray(ints.astype(np.int32)))
write("ints.csv", "x,y\n" + rows(ints[:, 0], ints[:, 1]))
# The npy files's header version 2.0.
with open(os.path.join(d, "v2_f8.npy"), "wb") as f:
    np.lib.format.write_array(f, xy, version=(2, 0))

# Bad input.
write("bad_number.csv", "x,y\n1,2\n3,abc\n")
write("ragged.csv", "x,y\n1,2\n3\n")
write("unclosed.csv", 'x,y\n1,2\n3,"4\n5,6\n')
write("decimal_comma.csv", "x;y\n1,5;2\n")
write("ambiguous.csv", "1,5;2\n3;4\n")
np.save(os.path.join(d, "cube.npy"), np.zeros((2, 2, 2)))
np.save(os.path.join(d, "objects.npy"), np.array([1, "a"], dtype=object), allow_pickle=True)
np.save(os.path.join(d, "structured.npy"), np.zeros(3, dtype=[("a", "<f8"), ("b", "<i4")]))
with open(os.path.join(d, "c_f8.npy"), "rb") as f:
    whole = f.read()
write("truncated.npy", whole[:-12])
EOF

# summary COMMAND FILE ARGS...: the numbers the command reports (not the timing).
summary() {
  local command=$1
  shift
  "$pardo" "$command" "$@" --json -q 2>/dev/null | "$python" -c '
import json, sys
j = json.load(sys.stdin)
keys = ("estimate", "interval", "std_error", "rows", "statistic", "p_value", "n_x", "n_y")
out = {k: j[k] for k in keys if k in j}
if "rows" in j and isinstance(j["rows"], list):
    out = [(r["estimates"], r["std_errors"], r["n"]) for r in j["rows"]]
print(json.dumps(out))'
}

# same LABEL WANT GOT: the numbers must agree exactly.
same() {
  if [[ $2 != *[0-9]* || $2 != "$3" ]]; then
    echo "FAIL: $1: got '$3', want '$2'"
    failures=$((failures + 1))
  fi
}

boot=(--resamples 999 --method percentile)
perm=(--permutations 999)
want_boot=$(summary bootstrap "$tmp/plain.csv" "${boot[@]}")
want_perm=$(summary permtest "$tmp/plain.csv" --x x --y y "${perm[@]}")
want_fit=$(summary fit "$tmp/plain.csv" --response y)
[[ $want_boot == *estimate* && $want_perm == *estimate* && $want_fit == *[0-9]* ]] || {
  echo "FAIL: no results on plain.csv"
  exit 1
}

for file in r_style.csv semicolon.csv tab.tsv crlf_bom.csv; do
  same "bootstrap $file" "$want_boot" "$(summary bootstrap "$tmp/$file" "${boot[@]}")"
  same "permtest $file" "$want_perm" "$(summary permtest "$tmp/$file" --x x --y y "${perm[@]}")"
  same "fit $file" "$want_fit" "$(summary fit "$tmp/$file" --response y)"
done
same "bootstrap --delimiter semicolon" "$want_boot" \
  "$(summary bootstrap "$tmp/semicolon.csv" --delimiter semicolon "${boot[@]}")"
same "bootstrap --delimiter ';'" "$want_boot" \
  "$(summary bootstrap "$tmp/semicolon.csv" --delimiter ';' "${boot[@]}")"
same "bootstrap --delimiter TAB" "$want_boot" \
  "$(summary bootstrap "$tmp/tab.tsv" --delimiter $'\t' "${boot[@]}")"
same "bootstrap - (stdin) semicolon" "$want_boot" \
  "$(summary bootstrap - "${boot[@]}" <"$tmp/semicolon.csv")"
# A pipe by name: the bytes read to look for the .npy magic must not be lost.
same "bootstrap /dev/stdin (a pipe)" "$want_boot" \
  "$(cat "$tmp/plain.csv" | summary bootstrap /dev/stdin "${boot[@]}")"
same "fit - (stdin) R style" "$want_fit" "$(summary fit - --response y <"$tmp/r_style.csv")"

# --na drop: the NA rows go, with a note on stderr; the rest is plain.csv.
same "bootstrap --na drop" "$want_boot" "$(summary bootstrap "$tmp/na.csv" --na drop "${boot[@]}")"
same "permtest --na drop" "$want_perm" \
  "$(summary permtest "$tmp/na.csv" --x x --y y --na drop "${perm[@]}")"
same "fit --na drop" "$want_fit" "$(summary fit "$tmp/na.csv" --response y --na drop)"
note=$("$pardo" bootstrap "$tmp/na.csv" --na drop "${boot[@]}" -q 2>&1 >/dev/null)
grep -q "na.csv: dropped 3 rows with missing values" <<<"$note" ||
  { echo "FAIL: no note of the dropped rows: $note"; failures=$((failures + 1)); }

# numpy: columns x1, x2, ... in C or Fortran order, either byte order, format 2.0, stdin.
for file in c_f8.npy fortran_f8.npy big_f8.npy v2_f8.npy; do
  same "bootstrap $file" "$want_boot" "$(summary bootstrap "$tmp/$file" "${boot[@]}")"
  same "permtest $file" "$want_perm" "$(summary permtest "$tmp/$file" --x x1 --y x2 "${perm[@]}")"
  same "fit $file" "$want_fit" "$(summary fit "$tmp/$file" --response x2)"
done
same "bootstrap x_1d.npy" "$want_boot" "$(summary bootstrap "$tmp/x_1d.npy" "${boot[@]}")"
same "bootstrap - (stdin) npy" "$want_boot" "$(summary bootstrap - "${boot[@]}" <"$tmp/c_f8.npy")"
cp "$tmp/c_f8.npy" "$tmp/no_extension"
same "bootstrap npy by its magic" "$want_boot" \
  "$(summary bootstrap "$tmp/no_extension" "${boot[@]}")"
same "permtest nan_f8.npy --na drop" "$want_perm" \
  "$(summary permtest "$tmp/nan_f8.npy" --x 0 --y 1 --na drop "${perm[@]}")"
for dtype in f4 i8 i4; do
  csv=$([[ $dtype == f4 ]] && echo f4.csv || echo ints.csv)
  same "bootstrap $dtype.npy" "$(summary bootstrap "$tmp/$csv" "${boot[@]}")" \
    "$(summary bootstrap "$tmp/$dtype.npy" "${boot[@]}")"
  same "fit $dtype.npy" "$(summary fit "$tmp/$csv" --response y)" \
    "$(summary fit "$tmp/$dtype.npy" --response x2)"
done

# The files README.md's examples use read as they are.
examples=$(dirname "$0")/../../examples/data
for run in "bootstrap $examples/heights.csv --column height --resamples 999" \
  "bootstrap $examples/waiting_times.npy --resamples 999" \
  "bootstrap $examples/r_write_csv.csv --column response --na drop --resamples 999" \
  "permtest $examples/reaction_times.csv --x placebo --y caffeine --permutations 999" \
  "fit $examples/r_write_csv.csv --response response --na drop"; do
  # shellcheck disable=SC2086 # the words of $run are the arguments
  [[ -n $(summary $run) ]] || { echo "FAIL: pardo $run"; failures=$((failures + 1)); }
done

# Bad input: exit 2, the file, line and column named, on every command that reads a table.
for command in bootstrap permtest fit; do
  args=()
  [[ $command == permtest ]] && args=(--x 0 --y 1)
  [[ $command == fit ]] && args=(--response y)
  expect_usage_error "bad_number.csv:3:2: field 2 ('y') 'abc' is not a number" \
    "$command" "$tmp/bad_number.csv" "${args[@]}"
  expect_usage_error "ragged.csv:3:2: 1 fields where the header has 2" \
    "$command" "$tmp/ragged.csv" "${args[@]}"
  expect_usage_error "unclosed.csv:3:2: a quoted field is not closed" \
    "$command" "$tmp/unclosed.csv" "${args[@]}"
  expect_usage_error "na.csv:5:1: missing value 'NA' in column 'x' (--na drop" \
    "$command" "$tmp/na.csv" "${args[@]}"
  expect_usage_error "decimal_comma.csv:2:1: field 1 ('x') '1,5' is not a number (a decimal comma" \
    "$command" "$tmp/decimal_comma.csv" "${args[@]}"
  expect_usage_error "ambiguous.csv:1: ambiguous delimiter.*--delimiter" \
    "$command" "$tmp/ambiguous.csv" "${args[@]}"
  expect_usage_error "nan_f8.npy: row 6, column 1 ('x1'): missing value (NaN)" \
    "$command" "$tmp/nan_f8.npy" "${args[@]}"
  expect_usage_error "missing.csv: cannot open the file: No such file or directory" \
    "$command" "$tmp/missing.csv" "${args[@]}"
  expect_usage_error "missing.npy: cannot open the file: No such file or directory" \
    "$command" "$tmp/missing.npy" "${args[@]}"
  expect_usage_error "cube.npy: a 3-D array" "$command" "$tmp/cube.npy" "${args[@]}"
  expect_usage_error "objects.npy: an object array" "$command" "$tmp/objects.npy" "${args[@]}"
  expect_usage_error "structured.npy: a structured dtype" \
    "$command" "$tmp/structured.npy" "${args[@]}"
  expect_usage_error "truncated.npy: truncated" "$command" "$tmp/truncated.npy" "${args[@]}"
  expect_usage_error "\--delimiter: 'pipe' is not auto, comma, semicolon or tab" \
    "$command" "$tmp/plain.csv" "${args[@]}" --delimiter pipe
  expect_usage_error "\--na: 'keep' is not error or drop" \
    "$command" "$tmp/plain.csv" "${args[@]}" --na keep
done
# A directory: bootstrap and permtest read files (fit reads the .csv files in a directory).
expect_usage_error "$tmp: is a directory, not a file" bootstrap "$tmp"
expect_usage_error "$tmp: is a directory, not a file" permtest --x "$tmp:0" --y "$tmp/plain.csv:1"
# Permissions do not stop root: checked only as another user.
if [[ $(id -u) -ne 0 ]]; then
  cp "$tmp/plain.csv" "$tmp/locked.csv"
  chmod 000 "$tmp/locked.csv"
  expect_usage_error "locked.csv: cannot open the file: Permission denied" \
    bootstrap "$tmp/locked.csv"
else
  echo "note: running as root, the unreadable-file check is skipped"
fi

if ((failures > 0)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "input files: all checks passed"

#!/usr/bin/env bash
# Builds the wire fuzzer (libFuzzer + ASan + UBSan) from SOURCE_DIR, without the rest of the
# library, writes its seed corpus, and fuzzes for SECONDS. Exits non-zero on any crash,
# undefined behaviour, leak, timeout or out-of-memory. CLANGXX overrides the compiler.
# Usage: run.sh SOURCE_DIR SECONDS
set -euo pipefail
source_dir=$1
seconds=$2
clangxx=${CLANGXX:-clang++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$clangxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I "$source_dir/include" -I "$source_dir/src" \
  "$source_dir/tests/fuzz/fuzz_wire.cpp" "$source_dir/src/remote/frame.cpp" -o "$work/fuzz_wire"

mkdir "$work/corpus"
PARDO_FUZZ_WRITE_SEEDS="$work/corpus" "$work/fuzz_wire"

# A crashing input is kept beside the caller (the ctest build directory) to reproduce with
# `fuzz_wire <file>`; libFuzzer also prints it in base64.
"$work/fuzz_wire" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
  -timeout=10 -print_final_stats=1 -artifact_prefix="$PWD/fuzz_wire-" "$work/corpus"
echo "fuzz_wire: no crash in ${seconds}s"

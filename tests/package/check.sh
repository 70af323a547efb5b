#!/usr/bin/env bash
# Installs pardo from BUILD_DIR into a scratch prefix, then builds and runs a consumer through
# find_package(pardo) and through pkg-config, and checks what the CLI installs: `pardo
# --version`, the man page, the bash completion. Then pardo as shared libraries
# (-DBUILD_SHARED_LIBS=ON): through add_subdirectory(pardo), then installed and consumed
# through find_package and pkg-config; the consumer must load libpardo_*.so from that prefix.
# Usage: check.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
jobs=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}

# The build's compiler and launcher (ccache), so that the scratch builds reuse its objects.
cache_value() { sed -nE "s/^$1:[A-Z]+=(.*)$/\1/p" "$build_dir/CMakeCache.txt"; }
cxx=$(cache_value CMAKE_CXX_COMPILER)
compiler=(-DCMAKE_CXX_COMPILER="$cxx")
launcher=$(cache_value CMAKE_CXX_COMPILER_LAUNCHER)
[[ -z $launcher ]] || compiler+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")

# consume PREFIX NAME: builds the consumer against the pardo installed in PREFIX through
# find_package ($scratch/NAME-cmake/consumer) and with g++ and pkg-config ($scratch/NAME-pc),
# and runs both.
consume() {
  local prefix=$1 name=$2 pc_dir flags
  cmake -S "$source_dir/tests/package" -B "$scratch/$name-cmake" -DCMAKE_BUILD_TYPE=Release \
    "${compiler[@]}" -DCMAKE_PREFIX_PATH="$prefix" -DPARDO_CONSUME=find_package > /dev/null
  cmake --build "$scratch/$name-cmake" --parallel "$jobs" > /dev/null
  "$scratch/$name-cmake/consumer"

  pc_dir=$(dirname "$(find "$prefix" -name pardo.pc -path '*/pkgconfig/*')")
  flags=$(PKG_CONFIG_PATH=$pc_dir pkg-config --cflags --libs pardo)
  # shellcheck disable=SC2086 # the flags are words
  "$cxx" -std=c++20 -O2 "$source_dir/tests/package/consumer.cpp" -o "$scratch/$name-pc" $flags
  LD_LIBRARY_PATH=$pc_dir/.. "$scratch/$name-pc"
}

# Static libraries, as the build made them.
cmake --install "$build_dir" --prefix "$scratch/prefix" > /dev/null
consume "$scratch/prefix" static

# What the CLI brings, where the build has it.
pardo="$scratch/prefix/bin/pardo"
if [[ -x $pardo ]]; then
  # --version: project(VERSION) with the git commit, as cmake/PardoVersion.cmake says now
  # (uncommitted changes aside: the tree may change between the build and this test).
  project_version=$(sed -nE 's/^project\(pardo VERSION ([0-9.]+).*/\1/p' "$source_dir/CMakeLists.txt")
  git=$(cache_value GIT_EXECUTABLE)
  [[ $(cache_value PARDO_VERSION_FROM_GIT) == ON ]] || git=
  cmake -DSOURCE_DIR="$source_dir" -DPROJECT_VERSION="$project_version" \
    -DGIT_EXECUTABLE="$git" -DOUTPUT="$scratch/version.hpp" \
    -P "$source_dir/cmake/PardoVersion.cmake"
  expected=$(sed -nE 's/^#define PARDO_VERSION "(.*)"$/\1/p' "$scratch/version.hpp")
  printed=$("$pardo" --version)
  if [[ ${printed%[.+]dirty} != "${expected%[.+]dirty}" ]]; then
    echo "FAIL: pardo --version prints '$printed', expected '$expected'"
    exit 1
  fi

  completion="$scratch/prefix/share/bash-completion/completions/pardo"
  [[ -f $completion ]] || { echo "FAIL: no bash completion at $completion"; exit 1; }
  bash "$source_dir/tests/cli/check_completion.sh" "$pardo" "$completion"

  help2man=$(cache_value HELP2MAN)
  if [[ -n $help2man && $help2man != *NOTFOUND ]]; then
    page="$scratch/prefix/share/man/man1/pardo.1"
    [[ -f $page ]] || { echo "FAIL: no man page at $page"; exit 1; }
    if command -v man > /dev/null; then
      text=$(MANPAGER=cat MANWIDTH=100 man -l "$page" 2> /dev/null)
      for wanted in "pardo - " "SYNOPSIS" "bootstrap" "EXAMPLES" "PARDO_NUM_WORKERS" "SEE ALSO" \
        "pardo $printed"; do
        if [[ $text != *"$wanted"* ]]; then
          echo "FAIL: man -l $page does not show '$wanted'"
          exit 1
        fi
      done
    else
      echo "man is not installed: the man page is installed but not rendered"
    fi
  fi
fi

# import pardo, where the build has the Python module: installed where Debian's python3 looks
# under the prefix, and working from there with nothing else on the path.
if [[ $(cache_value PARDO_BUILD_PYTHON) == ON ]]; then
  site="$scratch/prefix/$(cache_value PARDO_PYTHON_INSTALL_DIR)"
  python=$(cache_value Python3_EXECUTABLE)
  [[ -n $python ]] || python=$(cache_value _Python3_EXECUTABLE)
  (cd "$scratch" && PYTHONPATH=$site "$python" -c '
import sys, pardo
assert pardo.__file__.startswith(sys.argv[1]), pardo.__file__
r = pardo.pi(1000, seed=1, workers=1)
assert r.samples == 1000 and r.run.complete, r
' "$site") || { echo "FAIL: import pardo from $site"; exit 1; }
fi

# add_subdirectory(pardo), built shared: the consumer runs against pardo's .so files in the
# build tree. Then pardo is installed from that build (its install rules came with it) and
# consumed as installed shared libraries. One compile of the library serves both: CI has two
# cores. Unoptimised: this compile checks how pardo builds and installs, not how fast it runs,
# and -O3 made it the longest test of the suite.
cmake -S "$source_dir/tests/package" -B "$scratch/embedded" -DCMAKE_BUILD_TYPE= \
  "${compiler[@]}" -DBUILD_SHARED_LIBS=ON -DPARDO_CONSUME=add_subdirectory \
  -DPARDO_SOURCE_DIR="$source_dir" > /dev/null
cmake --build "$scratch/embedded" --parallel "$jobs" > /dev/null
"$scratch/embedded/consumer"
cmake --install "$scratch/embedded" --prefix "$scratch/shared" > /dev/null
# Outputs are read whole: `grep -q` in a pipe would cut its writer short, and pipefail fail it.
archives=$(find "$scratch/shared" -name 'libpardo_*.a')
if [[ -n $archives ]]; then
  echo "FAIL: a shared build installed static libraries: $archives"
  exit 1
fi
core=$(find "$scratch/shared" -name 'libpardo_core.so.*.*.*')
dynamic=$(readelf -d "$core")
if ! grep -q 'SONAME.*\[libpardo_core\.so\.[0-9]*\.[0-9]*\]' <<< "$dynamic"; then
  echo "FAIL: $core has no soname libpardo_core.so.MAJOR.MINOR"
  exit 1
fi
consume "$scratch/shared" shared
libdir=$(dirname "$core")
# add_subdirectory's consumer loads the build tree's libraries and find_package's the
# installed ones, each through its RPATH; pkg-config's, without one, through LD_LIBRARY_PATH.
loads() { # loads PROGRAM DIR [ENV...]: PROGRAM loads pardo's libraries from DIR
  local program=$1 dir=$2 lib loaded
  shift 2
  loaded=$(env "$@" ldd "$program")
  for lib in core threads remote process workloads; do
    if ! grep -q "libpardo_$lib\.so\.[0-9.]* => $dir/" <<< "$loaded"; then
      echo "FAIL: $program does not load libpardo_$lib.so from $dir: $loaded"
      exit 1
    fi
  done
}
loads "$scratch/embedded/consumer" "$scratch/embedded/pardo/src"
loads "$scratch/shared-cmake/consumer" "$libdir"
loads "$scratch/shared-pc" "$libdir" LD_LIBRARY_PATH="$libdir"
echo "find_package(pardo) and pkg-config build and run on static and shared libraries," \
  "add_subdirectory(pardo) on shared ones; --version, man page and completion installed"

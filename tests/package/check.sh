#!/usr/bin/env bash
# Installs pardo from BUILD_DIR into a scratch prefix, then builds and runs a consumer
# through find_package(pardo), and another through add_subdirectory(pardo).
set -euo pipefail
source_dir=$1
build_dir=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cmake --install "$build_dir" --prefix "$scratch/prefix" > /dev/null
cmake -S "$source_dir/tests/package" -B "$scratch/found" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" -DPARDO_CONSUME=find_package > /dev/null
cmake --build "$scratch/found" --parallel > /dev/null
"$scratch/found/consumer"

cmake -S "$source_dir/tests/package" -B "$scratch/embedded" -DCMAKE_BUILD_TYPE=Release \
  -DPARDO_CONSUME=add_subdirectory -DPARDO_SOURCE_DIR="$source_dir" > /dev/null
cmake --build "$scratch/embedded" --parallel > /dev/null
"$scratch/embedded/consumer"
echo "find_package(pardo) and add_subdirectory(pardo) both build and run"

#!/usr/bin/env bash
# Packs what bench/gpu/run.py needs on a GPU machine that has none of Debian's libraries into
# .gpu-bundle/ (ignored by git; the device tool carries it): the pardo CLI and pi_curand of a
# Release build with CUDA and benchmarks, and the shared libraries they load from outside the
# C and C++ runtimes and CUDA (libfmt, libpng, ...). CUDA's own libraries come from the GPU
# machine's toolkit.
#
#   bash bench/gpu/bundle.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
out=.gpu-bundle
for program in pardo pi_curand; do
  [[ -x $build/bin/$program ]] || {
    echo "bundle.sh: $build/bin/$program is missing (a Release build with CUDA and -DPARDO_BUILD_BENCHMARKS=ON)" >&2
    exit 2
  }
done
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
cp "$build/bin/pardo" "$build/bin/pi_curand" "$out/bin/"
ldd "$build/bin/pardo" "$build/bin/pi_curand" | awk '/=> \// {print $3}' | sort -u |
  while read -r lib; do
    case $(basename "$lib") in
      libc.so* | libm.so* | libstdc++* | libgcc_s* | ld-linux* | libdl* | libpthread* | librt* | libcurand* | libcudart*) ;;
      *) cp -L "$lib" "$out/lib/" ;;
    esac
  done
du -sh "$out"

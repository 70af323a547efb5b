#!/usr/bin/env bash
# Installs every Debian package that pardo's build, tests and benchmarks need.
# Idempotent: apt-get runs only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake make git pkg-config python3
  clang-format clang libclang-rt-14-dev
  doxygen graphviz help2man
  libgtest-dev libgmock-dev libbenchmark-dev
  libtbb-dev libomp-dev
  libcli11-dev libfmt-dev nlohmann-json3-dev libcereal-dev libboost-dev libeigen3-dev
  librandom123-dev dieharder linux-perf
  openmpi-bin libopenmpi-dev python3-mpi4py slurm-wlm munge
  python3-numpy python3-numba python3-matplotlib python3-scipy python3-statsmodels python3-pandas
  python3-jsonschema libpng-dev zlib1g-dev
  libnlopt-dev python3-nlopt python3-pyswarms
  python3-dev pybind11-dev python3-pybind11 python3-cloudpickle python3-pytest python3-joblib
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "bootstrap: all ${#packages[@]} packages present"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

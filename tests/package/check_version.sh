#!/usr/bin/env bash
# The version scheme of cmake/PardoVersion.cmake on a scratch git repository: no tag, at the
# release tag, commits after it, uncommitted changes, a tag of another version, no git at all.
# Usage: check_version.sh SOURCE_DIR
set -euo pipefail
module=$(realpath "$1")/cmake/PardoVersion.cmake
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

# expect WANTED: the header the module writes for $scratch/repo at project VERSION 0.2.0.
expect() {
  cmake -DSOURCE_DIR="$scratch/repo" -DPROJECT_VERSION=0.2.0 -DGIT_EXECUTABLE="$(command -v git)" \
    -DOUTPUT="$scratch/version.hpp" -P "$module"
  local got
  got=$(sed -nE 's/^#define PARDO_VERSION "(.*)"$/\1/p' "$scratch/version.hpp")
  if [[ $got != "$1" ]]; then
    echo "FAIL: $2: version '$got', expected '$1'"
    failures=$((failures + 1))
  fi
}

mkdir "$scratch/repo"
expect "0.2.0" "not a git checkout"
cd "$scratch/repo"
git init -q
git config user.email test@example.com
git config user.name test
git config commit.gpgSign false
git config tag.gpgSign false
echo a > file
git add file
git commit -qm one
commit() { git rev-parse --short=7 HEAD; }
expect "0.2.0+g$(commit)" "no tag"
git tag -a v0.2.0 -m "pardo 0.2.0"
expect "0.2.0" "at the tag"
echo b > file
expect "0.2.0+dirty" "at the tag, modified"
git commit -qam two
git commit -q --allow-empty -m three
expect "0.2.0+2.g$(commit)" "two commits after the tag"
echo c > file
expect "0.2.0+2.g$(commit).dirty" "two commits after the tag, modified"
git checkout -q file
echo untracked > new-file
expect "0.2.0+2.g$(commit)" "an untracked file is not a modification"
git tag -d v0.2.0 >/dev/null
git tag v0.1.0 HEAD~1
expect "0.2.0+g$(commit)" "the nearest tag names another version"
# The header is rewritten only when the version changes, so that nothing recompiles.
touch -d '2000-01-01' "$scratch/version.hpp"
before=$(stat -c %Y "$scratch/version.hpp")
expect "0.2.0+g$(commit)" "again"
if [[ $(stat -c %Y "$scratch/version.hpp") != "$before" ]]; then
  echo "FAIL: the header was rewritten with the same version"
  failures=$((failures + 1))
fi

if ((failures > 0)); then
  echo "$failures version check(s) failed"
  exit 1
fi
echo "the version scheme holds in every case"

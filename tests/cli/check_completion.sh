#!/usr/bin/env bash
# Bash completion of pardo (apps/completion/pardo.bash) as a shell uses it: source the script,
# set COMP_WORDS and COMP_CWORD, call the function complete registered, read COMPREPLY.
# Runs in a bare bash (no bash-completion package loaded), as the script promises to.
# Usage: check_completion.sh PARDO COMPLETION_SCRIPT
set -uo pipefail
pardo=$1
script=$2
failures=0

# shellcheck source=/dev/null
source "$script"
function=$(complete -p pardo 2>/dev/null | sed -nE 's/.*-F ([^ ]+) .*/\1/p')
if [[ -z $function ]]; then
  echo "FAIL: $script registers no completion function for pardo"
  exit 1
fi
if declare -F _init_completion >/dev/null; then
  echo "FAIL: bash-completion's helpers are loaded; this check needs a bare bash"
  exit 1
fi

# expect WANTED_WORDS UNWANTED_WORDS WORDS...: completing WORDS (the last one is the word under
# the cursor) offers every one of WANTED and none of UNWANTED (space-separated lists).
expect() {
  local wanted=$1 unwanted=$2
  shift 2
  COMP_WORDS=("$pardo" "$@")
  COMP_CWORD=$#
  COMPREPLY=()
  "$function" 2>/dev/null
  local offered=" ${COMPREPLY[*]} " word
  for word in $wanted; do
    if [[ $offered != *" $word "* ]]; then
      echo "FAIL: 'pardo $*' does not offer $word: [${COMPREPLY[*]}]"
      failures=$((failures + 1))
    fi
  done
  for word in $unwanted; do
    if [[ $offered == *" $word "* ]]; then
      echo "FAIL: 'pardo $*' offers $word: [${COMPREPLY[*]}]"
      failures=$((failures + 1))
    fi
  done
}

expect "info pi bootstrap permtest fit mcmc bench rng" "--help" ""
expect "pi power permtest" "bootstrap info" "p"
expect "--help --version" "pi" "-"
expect "--samples --seed --workers --backend --json" "--version pi" "pi" "--"
expect "--samples --seed --stall-timeout" "--json --workers" "pi" "--s"
expect "--resamples --statistic --columns" "--samples" "bootstrap" "--"
# An option's value is not a command or an option: files are offered instead.
expect "" "info pi --json" "pi" "--samples" ""
expect "" "info pi --json" "pi" "--seed" "=" ""
# Past a value, options again; a flag takes no value.
expect "--json --quiet" "" "pi" "--samples" "1e6" "--"
expect "--samples" "" "pi" "--json" ""
# Nested commands: bench pi has its own options, rng its own subcommand.
expect "pi" "info bootstrap" "bench" ""
expect "--scale" "--samples" "bench" "pi" "--"
expect "dump" "pi" "rng" ""
# A positional argument (fit's data) completes to files: this script among them.
cd "$(dirname "$script")" || exit 1
expect "$(basename "$script")" "info" "fit" ""

if ((failures > 0)); then
  echo "$failures completion check(s) failed"
  exit 1
fi
echo "bash completion offers the commands, options and files expected"

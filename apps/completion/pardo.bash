# Bash completion for pardo: its commands, their subcommands and options. The lists come from
# the pardo being completed (`pardo COMMAND --help`, once per shell and command), so they
# match that binary and never go stale. Uses no helper of the bash-completion package.

# _pardo_help PROGRAM [COMMAND...]: one line per name in the help of PROGRAM COMMAND...:
# "sub NAME" for a subcommand, "pos NAME" for a positional argument, "opt NAME" for a flag,
# "val NAME" for an option taking a value.
_pardo_help() {
  "$@" --help 2> /dev/null | LC_ALL=C awk '
    /^[A-Z][A-Za-z ]*:$/ { section = $0; next }
    section == "Examples:" || section == "Exit codes:" { next }
    section == "Positionals:" && /^  [a-z]/ { print "pos " $1; next }
    # Commands come under "Subcommands:" or their groups ("Workloads:", "Tools:").
    /^  [a-z]/ { print "sub " $1; next }
    /^  -/ {
      flags = $1
      # A value is shown one space after the names ("--samples TEXT=1e9"), a description
      # two or more ("--json   Print one JSON object").
      takes_value = substr($0, 3 + length(flags)) ~ /^ [^ ]/
      n = split(flags, names, ",")
      for (i = 1; i <= n; i++) print (takes_value ? "val " : "opt ") names[i]
    }'
}

_pardo() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local -a command=("${COMP_WORDS[0]/#\~/$HOME}")
  [[ -n ${_pardo_helps+set} ]] || declare -gA _pardo_helps
  local key help i word skip=0
  # The command line so far: which subcommands it names, and which words are option values.
  for ((i = 1; i <= COMP_CWORD; i++)); do
    key="${command[*]}"
    [[ -n ${_pardo_helps[$key]+set} ]] || _pardo_helps[$key]=$(_pardo_help "${command[@]}")
    help=${_pardo_helps[$key]}
    ((i == COMP_CWORD)) && break
    word=${COMP_WORDS[i]}
    if [[ $word == "=" ]]; then
      skip=1 # bash splits "--seed=7" into "--seed", "=", "7"
    elif ((skip)); then
      skip=0
    elif [[ $'\n'$help$'\n' == *$'\nval '$word$'\n'* ]]; then
      skip=1
    elif [[ $'\n'$help$'\n' == *$'\nsub '$word$'\n'* ]]; then
      command+=("$word")
    fi
  done

  # An option's value: the word after an option that takes one, or after "=".
  local value=$skip
  [[ $cur == "=" ]] && cur=
  local -a options=() subcommands=()
  local kind name positional=0
  while read -r kind name; do
    case $kind in
      opt | val) options+=("$name") ;;
      sub) subcommands+=("$name") ;;
      pos) positional=1 ;;
    esac
  done <<< "$help"
  local -a names=("${options[@]}")
  if ((value)) || { [[ $cur != -* ]] && ((${#subcommands[@]} == 0 && positional)); }; then
    # Values and positional arguments: most are files (CSV data, directories).
    compopt -o filenames 2> /dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return
  fi
  [[ $cur != -* ]] && ((${#subcommands[@]})) && names=("${subcommands[@]}")
  mapfile -t COMPREPLY < <(compgen -W "${names[*]}" -- "$cur")
}

complete -F _pardo pardo

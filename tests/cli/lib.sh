# Shared by the CLI check scripts: source it after setting `pardo` (the binary) and
# `failures=0`.

# expect_usage_error PATTERN ARGS...: `pardo ARGS` must exit 2 with a short message on
# stderr that mentions PATTERN.
expect_usage_error() {
  local pattern=$1
  shift
  local err
  err=$("$pardo" "$@" 2>&1 >/dev/null)
  local code=$?
  if [[ $code -ne 2 ]]; then
    echo "FAIL: pardo $* exited $code, expected 2"
    failures=$((failures + 1))
  elif ! grep -q -- "$pattern" <<<"$err"; then
    echo "FAIL: pardo $*: stderr does not mention '$pattern': $err"
    failures=$((failures + 1))
  elif [[ $(wc -l <<<"$err") -gt 3 ]]; then
    echo "FAIL: pardo $*: more than a short message: $err"
    failures=$((failures + 1))
  fi
}

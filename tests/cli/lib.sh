# Shared by the CLI check scripts: source it after setting `pardo` (the binary) and
# `failures=0`.

# fail MESSAGE...: counts a failure and says what it was.
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

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

# expect_interrupted ARGS...: `pardo ARGS`, sent SIGINT after a second, must stop within 20 s
# with exit 130 and its partial result ("interrupted: partial result from"), leaving no worker
# process of its own behind.
expect_interrupted() {
  local out
  out=$(mktemp)
  "$pardo" "$@" >"$out" 2>&1 &
  local pid=$!
  sleep 1
  local workers
  workers=$(pgrep -P "$pid" | tr '\n' ' ')
  kill -INT "$pid"
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    echo "FAIL: pardo $* still running 20 s after SIGINT"
    failures=$((failures + 1))
  fi
  wait "$pid"
  local code=$?
  if [[ $code -ne 130 ]] || ! grep -q "interrupted: partial result from" "$out"; then
    echo "FAIL: SIGINT on pardo $* gave exit $code and: $(cat "$out")"
    failures=$((failures + 1))
  fi
  for w in $workers; do
    if kill -0 "$w" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$w/status" 2>/dev/null; then
      echo "FAIL: worker $w of pardo $* outlived it"
      failures=$((failures + 1))
    fi
  done
  rm -f "$out"
}

# check_cuda_refusals ARGS...: sets `cuda` to "absent" (pardo built without CUDA), "none" (built
# with it, no usable device) or "devices", as `pardo info --json` reports; then `pardo ARGS`
# (a command with --backend cuda) must exit 2 saying so where pardo was built without CUDA, and
# 3 with one line giving the runtime's reason where no device is usable (no GPU, an old driver).
check_cuda_refusals() {
  cuda=$("$pardo" info --json | python3 -c 'import json,sys
j = json.load(sys.stdin)
print("absent" if "cuda" not in j["backends"] else "devices" if j["cuda"].get("devices") else "none")')
  if [[ $cuda == absent ]]; then
    expect_usage_error "built without CUDA" "$@"
  elif [[ $cuda == none ]]; then
    local err
    err=$("$pardo" "$@" 2>&1 >/dev/null)
    local code=$?
    if [[ $code -ne 3 ]] || ! grep -q "CUDA" <<<"$err" || [[ $(wc -l <<<"$err") -ne 1 ]]; then
      fail "pardo $* without a usable device exited $code: $err"
    fi
  fi
}

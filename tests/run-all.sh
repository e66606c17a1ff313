#!/bin/sh
# Runs every test (the unit test binaries given as arguments, then the
# integration tests against real GIMP) and prints one closing line:
#   N passed, N failed
# Each suite speaks TAP; its ok / not ok lines are counted here.
set -u
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

run_suite() {
  name=$1; shift
  echo "# suite: $name"
  if "$@" >"$log" 2>&1; then :; else
    echo "# suite $name exited with status $?"; status=1
    # A suite that died without TAP output still counts as a failure.
    grep -q '^not ok' "$log" || echo "not ok - $name exited abnormally" >>"$log"
  fi
  cat "$log"
  cat "$log" >>"$log.all"
}

: >"$log.all"
for bin in "$@"; do
  case "$bin" in
    *test-*) run_suite "$(basename "$bin")" "$bin" --tap ;;
  esac
done
if [ "${AI_IMAGE_EDIT_SKIP_INTEGRATION:-0}" != 1 ]; then
  run_suite integration python3 tests/integration/run.py
  run_suite ui python3 tests/ui/run.py
fi

passed=$(grep -c '^ok ' "$log.all")
failed=$(grep -c '^not ok' "$log.all")
rm -f "$log.all"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]

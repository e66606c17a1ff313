#!/bin/sh
# Runs every test and prints one closing line:  N passed, N failed
# Arguments: the unit test binaries (build/tests/test-*).  Each suite
# speaks TAP; its ok / not ok lines are counted here.
#   - unit tests, then the same built with ASan+UBSan (build/asan/tests),
#   - each unit test once under valgrind memcheck (no errors, no definite
#     leaks),
#   - each fuzz target over its seed corpus and kept crash inputs,
#   - integration tests (gimp-console) and dialog tests (gimp-2.10, Xvfb),
#     and where install.sh installs (tests/install),
#   - the build, unit, integration, dialog and install tests and the Debian
#     package on Debian 11 (GIMP 2.10.22), Debian 13 (GIMP 3.0) and Debian
#     forky (GIMP 3.2), in roots outside the checkout (tests/distros).
# AI_IMAGE_EDIT_ONLY=unit|sanitize|valgrind|fuzz|i18n|integration|distros runs one part.
set -u
cd "$(dirname "$0")/.."

only=${AI_IMAGE_EDIT_ONLY:-all}
log=$(mktemp)
all=$(mktemp)
trap 'rm -f "$log" "$all"' EXIT
status=0

want() { [ "$only" = all ] || [ "$only" = "$1" ]; }

run_suite() {
  name=$1; shift
  echo "# suite: $name"
  if "$@" >"$log" 2>&1; then :; else
    code=$?
    echo "# suite $name exited with status $code"; status=1
    # A suite that died without saying why still counts as a failure.
    grep -q '^not ok' "$log" || echo "not ok - $name exited with status $code" >>"$log"
  fi
  cat "$log"
  grep -E '^(not )?ok ' "$log" >>"$all"
}

# One TAP line for a command that is a single check.
run_check() {
  name=$1; shift
  if "$@" >"$log" 2>&1; then
    echo "ok - $name" | tee -a "$all"
  else
    tail -n 30 "$log" | sed 's/^/# /'
    echo "not ok - $name" | tee -a "$all"
    status=1
  fi
}

if want unit; then
  for bin in "$@"; do run_suite "$(basename "$bin")" "$bin" --tap; done
fi

if want sanitize; then
  for bin in "$@"; do
    san="build/asan/tests/$(basename "$bin")"
    [ -x "$san" ] || continue
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
    LSAN_OPTIONS=suppressions=tests/lsan.supp:print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_suite "asan:$(basename "$bin")" "$san" --tap
  done
fi

if want valgrind && command -v valgrind >/dev/null 2>&1; then
  for bin in "$@"; do
    run_check "valgrind memcheck: $(basename "$bin") has no errors and no definite leaks" \
      env G_SLICE=always-malloc G_DEBUG=gc-friendly AI_IMAGE_EDIT_UNDER_VALGRIND=1 \
      valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --suppressions=tests/valgrind.supp \
        "$bin" --tap
  done
fi

if want fuzz; then
  for bin in build/fuzz/fuzz-*; do
    [ -x "$bin" ] || continue
    t=$(basename "$bin")
    run_check "fuzz: $t runs its seed corpus and regression inputs without a crash" \
      "$bin" -runs=0 tests/fuzz/corpus/"$t"
  done
fi

# The tests' Python is Debian's, with numpy and PIL from its packages
# (install.sh --test-deps); a version manager's python3 on PATH lacks them.
PYTHON=${AI_IMAGE_EDIT_PYTHON:-/usr/bin/python3}

if want i18n; then
  run_suite i18n "$PYTHON" tests/i18n/check_po.py
fi

if want integration; then
  run_suite fake-api "$PYTHON" tests/test_fake_api.py --tap
  run_suite integration "$PYTHON" tests/integration/run.py
  run_suite ui "$PYTHON" tests/ui/run.py
  run_suite install "$PYTHON" tests/install/run.py
fi

if want distros; then
  run_suite distros tests/distros/run.sh
fi

passed=$(grep -c '^ok ' "$all")
failed=$(grep -c '^not ok' "$all")
# The failures once more, just above the count: a reader of only the end of
# a long run (CI shows its tail) still sees which checks failed.
if [ "$failed" -gt 0 ]; then
  echo "# what failed:"
  grep '^not ok' "$all" | head -n 40
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]

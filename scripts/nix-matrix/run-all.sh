#!/usr/bin/env bash
# run-all.sh: the test matrix. For each Debian suite (trixie: Nix 2.26, sid: Nix 2.34) and each way
# Nix is set up on runners, a fresh machine (run.sh) runs:
#   root              every end-to-end test and every unit test, single-user as root;
#   trusted           every end-to-end test, as a user the nix-daemon trusts;
#   untrusted-sudo    test/e2e/daemon-modes.test.ts: the action writes the daemon's nix.conf
#                     through sudo (the other e2e files exercise the NIX_CONFIG path);
#   untrusted-nosudo  test/e2e/daemon-modes.test.ts: the main step fails saying what to do.
# Prints one line per run with its time and fails if any run failed. Needs root.
# NIX_MATRIX_SUITES / NIX_MATRIX_MODES (space-separated) choose a part of it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
suites=${NIX_MATRIX_SUITES:-trixie sid}
modes=${NIX_MATRIX_MODES:-root trusted untrusted-sudo untrusted-nosudo}
logs=$(mktemp -d /tmp/nix-matrix-logs-XXXXXX)

files_for() {
  case "$1" in
    root) echo test/e2e/*.test.ts test/unit/*.test.ts ;;
    trusted) echo test/e2e/*.test.ts ;;
    *) echo test/e2e/daemon-modes.test.ts ;;
  esac
}

failed=0
summary=()
for suite in $suites; do
  start=$SECONDS
  if ! "$here/chroot.sh" "$suite" >"$logs/$suite-chroot.log" 2>&1; then
    cat "$logs/$suite-chroot.log"
    exit 1
  fi
  summary+=("$(printf '%-8s %-17s %4ss  %s' "$suite" chroot $((SECONDS - start)) "$(tail -1 "$logs/$suite-chroot.log")")")
  for mode in $modes; do
    start=$SECONDS
    log="$logs/$suite-$mode.log"
    # shellcheck disable=SC2046 # the file lists are globs
    if "$here/run.sh" "$suite" "$mode" $(files_for "$mode") >"$log" 2>&1; then
      result=pass
    else
      result=FAIL
      failed=1
      cat "$log"
    fi
    counts=$(grep -E '^ℹ (pass|fail|skipped) ' "$log" | sed 's/^ℹ //' | paste -sd' ' -)
    line=$(printf '%-8s %-17s %4ss  %s (%s)' "$suite" "$mode" $((SECONDS - start)) "$result" "$counts")
    summary+=("$line")
    echo "$line"
  done
done
echo
echo "nix matrix (logs in $logs):"
printf '  %s\n' "${summary[@]}"
exit $failed

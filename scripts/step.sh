#!/usr/bin/env bash
# Runs one named step of the build or test and prints how long it took:
#   scripts/step.sh NAME COMMAND [ARGS...]   →   "TIMING NAME 12.3s" (also on failure)
set -uo pipefail
name=$1
shift
t0=$(date +%s.%N)
"$@"
rc=$?
awk -v a="$t0" -v b="$(date +%s.%N)" -v n="$name" -v rc="$rc" \
  'BEGIN { printf "TIMING %-22s %7.1fs%s\n", n, b - a, (rc == 0 ? "" : "  (failed, exit " rc ")") }'
exit $rc

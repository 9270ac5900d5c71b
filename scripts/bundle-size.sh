#!/usr/bin/env bash
# The web app's download budget (issues 11 and 13): the wasm, JS and CSS a browser fetches,
# each compressed with `gzip -9`, must add up to at most 450 KB (450 000 bytes). Reads an
# existing release build (`trunk build --release`, run by `make build` before this), prints
# every file and the total, and fails over budget.
#   scripts/bundle-size.sh [DIST_DIR] [BUDGET_BYTES]
set -euo pipefail
dist=${1:-dist}
budget=${2:-450000}

shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js "$dist"/*.css)
wasm=("$dist"/*.wasm)
if [ ${#wasm[@]} -ne 1 ]; then
  echo "bundle-size: expected one .wasm in $dist/ (run trunk build --release first), found ${#wasm[@]}" >&2
  exit 1
fi

total=0
for f in "${files[@]}"; do
  raw=$(wc -c < "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf 'bundle-size: %-44s %9d bytes, gzip -9 %8d\n' "$(basename "$f")" "$raw" "$gz"
done
printf 'bundle-size: total gzip -9 %d bytes, budget %d bytes (%d%%)\n' "$total" "$budget" $((total * 100 / budget))
if [ "$total" -gt "$budget" ]; then
  echo "bundle-size: over budget by $((total - budget)) bytes" >&2
  exit 1
fi

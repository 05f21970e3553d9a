#!/usr/bin/env bash
# Runs every fuzz target of the module (each `func FuzzXxx(f *testing.F)` in
# a _test.go file), one at a time, for the given time each, and fails if any
# of them fails.
#
#   tools/fuzz.sh [fuzztime]    # default 20s; also e.g. 10s, 1m, 5000x
#
# A failing input is written by go test to testdata/fuzz/<Name>/ in the
# target's package. Once the bug is fixed, commit that file: plain go test
# then runs it as a regression case.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-20s}
# Go minimizes each new interesting input for up to 60 s by default, and a
# worker that minimizes does not fuzz: in a short run, one input of a few
# kilobytes would take all the time left. Failing inputs are minimized for
# this long too.
minimizetime=5s

module=$(go list -m)
# "<package> <test file>" for every test file go builds on this platform.
files=$(go list -f '{{$p := .ImportPath}}{{$d := .Dir}}{{range .TestGoFiles}}{{$p}} {{$d}}/{{.}}
{{end}}{{range .XTestGoFiles}}{{$p}} {{$d}}/{{.}}
{{end}}' ./...)

targets=()
while read -r pkg file; do
  [ -n "$pkg" ] || continue
  for name in $(sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\).*/\1/p' "$file"); do
    targets+=(".${pkg#"$module"} $name")
  done
done <<<"$files"

# fuzz runs one target, printing its output, and reports how it ended.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fuzz() {
  go test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimizetime" "$1" 2>&1 | tee "$log"
  return "${PIPESTATUS[0]}"
}
# A failure that is only "context deadline exceeded", with no failing input
# written, is Go 1.26's fuzz coordinator racing its own -fuzztime deadline
# on a loaded machine (go.dev/issue/75804, fixed in Go 1.27), not a bug
# found: such a target runs once more, and must pass then.
deadlineRace() {
  grep -q 'context deadline exceeded' "$log" && ! grep -qE 'Failing input written|panic:' "$log"
}

failed=()
start=$SECONDS
for target in "${targets[@]}"; do
  read -r pkg name <<<"$target"
  echo "== $pkg $name ($fuzztime)"
  if fuzz "$pkg" "$name"; then
    continue
  fi
  if deadlineRace; then
    echo "== $pkg $name: the fuzz coordinator's deadline race (go.dev/issue/75804); once more"
    fuzz "$pkg" "$name" && continue
  fi
  failed+=("$pkg $name")
done

echo "== ${#targets[@]} fuzz targets in $((SECONDS - start)) s"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi

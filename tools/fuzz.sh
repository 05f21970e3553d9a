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

failed=()
start=$SECONDS
for target in "${targets[@]}"; do
  read -r pkg name <<<"$target"
  echo "== $pkg $name ($fuzztime)"
  if ! go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimizetime" "$pkg"; then
    failed+=("$pkg $name")
  fi
done

echo "== ${#targets[@]} fuzz targets in $((SECONDS - start)) s"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi

#!/usr/bin/env bash
# Writes every output of every bundled sample (and of all samples together)
# with one mrs-triage binary into OUTDIR, so two builds can be compared with
# `diff -r`: the proof that a refactor changed no output it did not mean to.
#
#   tools/golden.sh target/release/mrs-triage /tmp/golden-new
#   diff -r /tmp/golden-old /tmp/golden-new
#
# --redact outputs are left out: their tokens are keyed afresh on every run.
set -euo pipefail
bin=$(realpath "$1")
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out"
export COLUMNS=120 NO_COLOR=1
run() { # name, args...
  local name=$1
  shift
  (cd "$root" && "$bin" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"; echo "exit $?" >"$out/$name.status") || true
}
samples=()
for f in "$root"/samples/*.xml; do samples+=("samples/$(basename "$f")"); done
for s in "${samples[@]}" all; do
  n=$(basename "$s" .xml)
  if [ "$s" = all ]; then args=("${samples[@]}"); else args=("$s"); fi
  run "$n.table" summary "${args[@]}" --color never
  run "$n.ascii" summary "${args[@]}" --color never --ascii
  run "$n.json" summary "${args[@]}" --format json
  run "$n.html" summary "${args[@]}" --format json -o "$out/$n.summary.json" --html "$out/$n.html" --csv "$out/$n.csv" -q
  run "$n.script" remediate "${args[@]}" -o "$out/$n.ps1" -q
  run "$n.export-json" export -f json -o "$out/$n.export.json" "${args[@]}" -q
  run "$n.export-ndjson" export -f ndjson -o "$out/$n.export.ndjson" "${args[@]}" -q
  run "$n.export-csv" export -f csv -o "$out/$n.export-csv" "${args[@]}" -q
  run "$n.export-parquet" export -f parquet -o "$out/$n.parquet" "${args[@]}" -q
  run "$n.dump" dump "${args[@]}"
done
# Paths of the output folder appear in nothing but the notes; make them comparable.
sed -i "s|$out|OUT|g" "$out"/*.stderr

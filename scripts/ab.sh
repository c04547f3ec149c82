#!/usr/bin/env bash
# Interleaved A/B timing of two axlog binaries on the same input. This machine is shared
# and its speed drifts by tens of percent within minutes, so two benchmarks run one after
# the other can disagree; alternating runs puts both under the same conditions.
#
#   scripts/ab.sh OLD_BINARY NEW_BINARY FILE [PAIRS=6] [extra axlog args...]
#
# Prints mean user, sys and wall seconds and the fastest wall time of each.
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 OLD_BINARY NEW_BINARY FILE [PAIRS] [axlog args...]" >&2; exit 2; }
a=$1 b=$2 file=$3 pairs=${4:-6}
shift $(( $# >= 4 ? 4 : 3 ))
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cat "$file" > /dev/null # warm the page cache
for ((i = 0; i < pairs; i++)); do
  /usr/bin/time -f "A %U %S %e" "$a" report "$file" "$@" > /dev/null 2>> "$out"
  /usr/bin/time -f "B %U %S %e" "$b" report "$file" "$@" > /dev/null 2>> "$out"
done
awk -v a="$a" -v b="$b" '$1 == "A" || $1 == "B" {
    u[$1] += $2; s[$1] += $3; e[$1] += $4; n[$1]++
    if (!($1 in m) || $4 < m[$1]) m[$1] = $4
  }
  END {
    printf "A %s\n  user %.3f  sys %.3f  wall %.3f  fastest %.3f\n", a, u["A"]/n["A"], s["A"]/n["A"], e["A"]/n["A"], m["A"]
    printf "B %s\n  user %.3f  sys %.3f  wall %.3f  fastest %.3f\n", b, u["B"]/n["B"], s["B"]/n["B"], e["B"]/n["B"], m["B"]
    printf "B/A mean wall %.3f\n", e["B"]/e["A"]
  }' "$out"

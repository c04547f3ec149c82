#!/usr/bin/env bash
# End-to-end speed of `axlog report` against the tools users would reach for, measured in
# one run on the same generated files, so the ratios hold on a shared, noisy machine.
#
#   scripts/bench.sh            # 1 GB nginx-timed file (generated once into bench-data/)
#   BENCH_MB=200 scripts/bench.sh
#
# Prints throughput (MB/s, 1 MB = 10^6 bytes) and ratios, each measured within interleaved
# rounds (scripts/rounds.py). Peers: `wc -l` (the floor: a
# line count), GoAccess (on a 100 MB prefix: it runs at a few MB/s), `pigz -dc` and
# `zstd -dc` on archives of the file, halog on HAProxy httplog of the same size, beside a
# probe that computes only the figures the halog comparison asks (benches/haproxy_floor.rs).
# Issue 17's speed target, `--by endpoint --by upstream --by status-class --bucket 1m`
# against the plain report, both -j 1: on the nginx-timed file (which logs no
# $upstream_addr: its upstream table is empty) and on ingress-nginx upstreaminfo of the same
# size (which does). Issue 19's: the default report (anomalies looked for) against
# `--no-anomalies`, -j 1.
# axlog runs with one parsing thread (-j 1, which merges chunks on a second thread), with
# -j 1 pinned to one core (`taskset -c 0`: the single-threaded baseline of the threads'
# ratio) and with one parsing thread per core (the default). Needs
# hyperfine and goaccess, pigz, zstd and haproxy (for halog) (Debian packages; installed
# here when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${BENCH_MB:-1000}
GOACCESS_MB=${BENCH_GOACCESS_MB:-100}
RUNS=${BENCH_RUNS:-7}
DATA=bench-data
mkdir -p "$DATA"

source scripts/bench-lib.sh
need hyperfine hyperfine
need goaccess goaccess
need pigz pigz
need zstd zstd
need halog haproxy

cargo build --release -q -p axlog-cli -p axlog-testgen
cargo build --release -q -p axlog-benches --bin haproxy-floor
FLOOR=target/release/haproxy-floor
AXLOG=target/release/axlog

FILE=$(generated nginx-timed "$MB")
PREFIX=$DATA/nginx-timed-${GOACCESS_MB}mb-prefix.log
if [[ ! -s $PREFIX ]]; then
  head -c "$((GOACCESS_MB * 1000000))" "$FILE" | sed '$d' > "$PREFIX"
fi
SIZE=$(stat -c %s "$FILE")
PSIZE=$(stat -c %s "$PREFIX")
cat "$FILE" "$PREFIX" > /dev/null # warm the page cache

# Archives of the same file, and HAProxy httplog of the same size.
[[ -s $FILE.gz ]] || pigz -6 -c "$FILE" > "$FILE.gz"
[[ -s $FILE.zst ]] || zstd -q -3 -T0 -c "$FILE" > "$FILE.zst"
# The same file as four archives, as a rotated set is: read two at a time by default.
PARTS=$DATA/parts-${MB}mb
if [[ ! -s $PARTS/part.3.gz ]]; then
  mkdir -p "$PARTS"
  split -n l/4 -d -a 1 "$FILE" "$PARTS/part."
  for p in "$PARTS"/part.?; do pigz -6 "$p"; done
fi
HFILE=$(generated haproxy-http "$MB")
HSIZE=$(stat -c %s "$HFILE")
IFILE=$(generated ingress-upstreaminfo "$MB")
ISIZE=$(stat -c %s "$IFILE")
cat "$FILE.gz" "$FILE.zst" "$HFILE" "$IFILE" "$PARTS"/part.?.gz > /dev/null
TARGET="--by endpoint --by upstream --by status-class --bucket 1m"

# GoAccess is given the same layout: combined + request_time (+ upstream, ignored).
GOACCESS_FMT='%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %T %^'
# Every command once per round, interleaved (scripts/rounds.py): a ratio is the median of
# the ratios within rounds, so both sides ran under the same load.
python3 scripts/rounds.py "$DATA/bench.json" "$RUNS" \
  "wc -l=wc -l $FILE" \
  "axlog report=$AXLOG report $FILE --output json" \
  "axlog report -j 1=$AXLOG report -j 1 $FILE --output json" \
  "axlog report one core=taskset -c 0 $AXLOG report -j 1 $FILE --output json" \
  "axlog report (prefix)=$AXLOG report $PREFIX --output json" \
  "pigz -dc=pigz -dc $FILE.gz" \
  "axlog report .gz=$AXLOG report $FILE.gz --output json" \
  "zstd -dc=zstd -dc $FILE.zst" \
  "axlog report .zst=$AXLOG report $FILE.zst --output json" \
  "axlog report 4 archives -j 1=$AXLOG report -j 1 $PARTS/part.0.gz $PARTS/part.1.gz $PARTS/part.2.gz $PARTS/part.3.gz --output json" \
  "axlog report 4 archives=$AXLOG report $PARTS/part.0.gz $PARTS/part.1.gz $PARTS/part.2.gz $PARTS/part.3.gz --output json" \
  "halog -st=halog -st < $HFILE" \
  "halog -pct=halog -pct < $HFILE" \
  "haproxy-floor probe=$FLOOR < $HFILE" \
  "axlog report haproxy -j 1=$AXLOG report -j 1 $HFILE --output json" \
  "axlog report haproxy=$AXLOG report $HFILE --output json" \
  "axlog report haproxy one core=taskset -c 0 $AXLOG report -j 1 $HFILE --output json" \
  "axlog --by target -j 1=$AXLOG report -j 1 $FILE $TARGET --output json" \
  "axlog report ingress -j 1=$AXLOG report -j 1 $IFILE --output json" \
  "axlog --by target ingress -j 1=$AXLOG report -j 1 $IFILE $TARGET --output json" \
  "axlog --no-anomalies -j 1=$AXLOG report -j 1 $FILE --no-anomalies --output json" \
  "axlog haproxy --no-anomalies -j 1=$AXLOG report -j 1 $HFILE --no-anomalies --output json"
# GoAccess takes half a minute per 100 MB: fewer runs.
hyperfine --style basic --warmup 0 --runs "${BENCH_GOACCESS_RUNS:-2}" --export-json "$DATA/bench-goaccess.json" \
  -n "goaccess (prefix)" "goaccess $PREFIX --log-format='$GOACCESS_FMT' --date-format=%d/%b/%Y --time-format=%T --no-global-config -o $DATA/goaccess.json"

python3 - "$DATA/bench.json" "$DATA/bench-goaccess.json" "$SIZE" "$PSIZE" "$HSIZE" "$ISIZE" <<'PY'
import json, os, statistics, sys
times = json.load(open(sys.argv[1]))["times"]
goaccess = {r["command"]: r for r in json.load(open(sys.argv[2]))["results"]}
size, psize, hsize, isize = (int(a) for a in sys.argv[3:7])
def t(name):
    if name in times:
        return statistics.median(times[name])
    return goaccess[name]["median"]
def x(fast, slow):
    """How many times faster `fast` ran than `slow`: the median of the ratios per round."""
    return statistics.median(s / f for f, s in zip(times[fast], times[slow]))
rate = lambda n, s: s / t(n) / 1e6
rounds = len(times["wc -l"])
print()
print(f"file: {size/1e6:.0f} MB nginx-timed; prefix {psize/1e6:.0f} MB; {rounds} interleaved rounds (medians)")
for name, s in [("wc -l", size), ("axlog report -j 1", size), ("axlog report", size), ("axlog report (prefix)", psize), ("goaccess (prefix)", psize)]:
    print(f"  {name:<24} {t(name):8.3f} s  {rate(name, s):8.1f} MB/s  (fastest {min(times.get(name, [t(name)])):.3f} s)")
print(f"axlog report -j 1 / wc -l throughput:     {x('axlog report -j 1', 'wc -l'):.3f}  (wc -l is {1 / x('axlog report -j 1', 'wc -l'):.1f}x faster)")
print(f"axlog report vs goaccess, same prefix:    {t('goaccess (prefix)') / t('axlog report (prefix)'):.0f}x faster")
print(f"all cores ({os.cpu_count()}) / one thread:             {x('axlog report', 'axlog report -j 1'):.2f}x  (-j 1 merges on a second thread)")
print(f"  {'axlog report one core':<24} {t('axlog report one core'):8.3f} s  {rate('axlog report one core', size):8.1f} MB/s  (-j 1 pinned to one core: taskset -c 0)")
print(f"all cores ({os.cpu_count()}) / one core:               {x('axlog report', 'axlog report one core'):.2f}x  (target: 1.8)")
print()
print("archives of the same file (text MB/s); axlog decodes in one thread, parses in the others")
for name in ["pigz -dc", "axlog report .gz", "zstd -dc", "axlog report .zst"]:
    print(f"  {name:<24} {t(name):8.3f} s  {rate(name, size):8.1f} MB/s")
print(f"axlog .gz / pigz -dc throughput:          {x('axlog report .gz', 'pigz -dc'):.2f}x")
print(f"axlog .zst / zstd -dc throughput:         {x('axlog report .zst', 'zstd -dc'):.2f}x")
for name in ["axlog report 4 archives -j 1", "axlog report 4 archives"]:
    print(f"  {name:<28} {t(name):8.3f} s  {rate(name, size):8.1f} MB/s")
print(f"4 archives, all cores / -j 1:             {x('axlog report 4 archives', 'axlog report 4 archives -j 1'):.2f}x  (-j 1 still decodes on a thread of its own)")
print()
print(f"HAProxy httplog, {hsize/1e6:.0f} MB")
for name in ["halog -st", "halog -pct", "haproxy-floor probe", "axlog report haproxy -j 1", "axlog report haproxy"]:
    print(f"  {name:<26} {t(name):8.3f} s  {rate(name, hsize):8.1f} MB/s")
print(f"axlog -j 1 / halog -st throughput:        {x('axlog report haproxy -j 1', 'halog -st'):.2f}x")
print(f"axlog -j 1 / halog -pct throughput:       {x('axlog report haproxy -j 1', 'halog -pct'):.2f}x")
print(f"axlog all cores / halog -st throughput:   {x('axlog report haproxy', 'halog -st'):.2f}x")
print(f"  {'axlog report haproxy one core':<26} {t('axlog report haproxy one core'):8.3f} s  {rate('axlog report haproxy one core', hsize):8.1f} MB/s  (taskset -c 0)")
print(f"HAProxy all cores / one core:             {x('axlog report haproxy', 'axlog report haproxy one core'):.2f}x")
print(f"floor probe / halog -st, / halog -pct:    {x('haproxy-floor probe', 'halog -st'):.2f}x, {x('haproxy-floor probe', 'halog -pct'):.2f}x  (only the asked figures, one thread)")
print(f"axlog -j 1 / floor probe throughput:      {x('axlog report haproxy -j 1', 'haproxy-floor probe'):.2f}x")
print()
print("issue 17's speed target: --by endpoint --by upstream --by status-class --bucket 1m, -j 1")
for name, s in [("axlog report -j 1", size), ("axlog --by target -j 1", size), ("axlog report ingress -j 1", isize), ("axlog --by target ingress -j 1", isize)]:
    print(f"  {name:<30} {t(name):8.3f} s  {rate(name, s):8.1f} MB/s")
print(f"--by target / plain, -j 1, nginx-timed:   {x('axlog --by target -j 1', 'axlog report -j 1'):.3f}  (no $upstream_addr: the upstream table is empty)")
print(f"--by target / plain, -j 1, ingress:       {x('axlog --by target ingress -j 1', 'axlog report ingress -j 1'):.3f}  (target: 0.75)")
print()
print("issue 19's speed target: anomaly detection (cells, tail counts, detector) adds at most 5%, -j 1")
for name, s in [("axlog --no-anomalies -j 1", size), ("axlog report -j 1", size), ("axlog haproxy --no-anomalies -j 1", hsize), ("axlog report haproxy -j 1", hsize)]:
    print(f"  {name:<34} {t(name):8.3f} s  {rate(name, s):8.1f} MB/s")
print(f"with anomalies / without, nginx-timed:    {x('axlog --no-anomalies -j 1', 'axlog report -j 1'):.3f}x the time  (target: 1.05)")
print(f"with anomalies / without, HAProxy:        {x('axlog haproxy --no-anomalies -j 1', 'axlog report haproxy -j 1'):.3f}x the time  (target: 1.05)")
PY

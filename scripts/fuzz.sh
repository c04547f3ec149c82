#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (issue 21): `scripts/fuzz.sh TARGET SECONDS`, or
# `scripts/fuzz.sh all SECONDS` for every target in turn. Needs the nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`). Seeds come from testdata/ and ../shared/corpus,
# written into fuzz/corpus/TARGET at run time (not committed); what a run finds is in
# fuzz/artifacts/TARGET. Prints each target's executions, speed and findings.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"

targets=(presets definition timestamps syslog chunks decompress where_expr fail_if
         endpoint_rule diff_combined diff_threads)

if [ $# -ne 2 ]; then
    echo "usage: scripts/fuzz.sh TARGET|all SECONDS   (targets: ${targets[*]})" >&2
    exit 2
fi
which=$1
seconds=$2

# The longest input each target is given: lines for the line parsers, small files for
# the splitters and the engine, archives for the decoders.
max_len() {
    case $1 in
        chunks) echo 8192 ;;
        diff_threads) echo 16384 ;;
        decompress) echo 65536 ;;
        where_expr | fail_if | endpoint_rule) echo 1024 ;;
        *) echo 4096 ;;
    esac
}

# Writes the seeds of target $1 into corpus/$1.
seed() {
    mkdir -p "corpus/$1"
    python3 - "$1" "corpus/$1" "$root/testdata" "$root/../shared/corpus" <<'PY'
import bz2, gzip, hashlib, lzma, os, subprocess, sys

target, out, *dirs = sys.argv[1:]
files = []
for d in dirs:
    for base, _, names in os.walk(d):
        for n in sorted(names):
            if not n.endswith((".md", ".json", ".sh", ".out", ".parquet")):
                files.append(os.path.join(base, n))
heads, lines = [], []
for f in files:
    try:
        with open(f, "rb") as fh:
            data = fh.read(1 << 16)
    except OSError:
        continue
    heads.append(data[:8192])
    lines.extend(l for l in data.split(b"\n")[:40] if l)
lines = sorted(set(lines))[:600]

def put(b):
    name = hashlib.sha1(b).hexdigest()
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(b)

DEFS = [
    b'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
    b'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time $host',
    b'$time_iso8601 $msec $host "$request_method $request_uri $server_protocol" $status $bytes_sent',
    b'%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
    b'%v:%p %h %l %u %{%d/%b/%Y:%H:%M:%S %z}t "%r" %>s %O %D',
    b'%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r',
    b'ts=time:ms,status=status,path=uri,latency=duration:s,host=host',
]
TIMES = [b"10/Oct/2000:13:55:36 -0700", b"2024-02-29T23:59:60+14:00", b"1700000000.123",
         b"1700000000123", b"1700000000123456", b"06/Dec/2026:10:00:00.123", b"65f1c2a0",
         b"0000-01-01T00:00:00Z", b"9999-12-31T23:59:59.999999-23:59", b"31/Feb/2024:00:00:00 +0000"]
EXPRS = {
    "where_expr": [b"status>=500 and path^=/api/", b"Ta>1s or status>=500",
                   b"not user-agent in (bot, crawler)", b"upstream_time>0.5s or bytes>1MB",
                   b"host=shop.example and (method=GET or method=HEAD)", b"path~^/a[0-9]+$"],
    "fail_if": [b"5xx_rate > 1%", b"anomalies > 0", b"p99(request_time) > 1s by endpoint",
                b"p99(request_time) > 500ms", b"requests < 10", b"4xx_rate >= 0.5 by host"],
    "endpoint_rule": [b"^/api/v1/users/[^/]+=/api/v1/users/:user\n/api/v1/users/42\n/x",
                      b"^/(?P<lang>[a-z]{2})/docs/.*=/${lang}/docs/*\n/en/docs/a/b",
                      b"[0-9]+=N\n# comment\n^/a=/b\n/a/1/2"],
}

if target in ("presets", "syslog", "diff_combined"):
    picks = {"presets": range(12), "syslog": range(0, 256, 37), "diff_combined": range(3)}[target]
    for l in lines:
        for p in picks:
            put(bytes([p]) + l[:4096])
elif target == "definition":
    for d in DEFS:
        for l in lines[::20]:
            put(d + b"\n" + l)
elif target == "timestamps":
    for i, t in enumerate(TIMES):
        for p in range(0, 22):
            put(bytes([p]) + t)
elif target in EXPRS:
    for e in EXPRS[target]:
        put(e)
elif target == "chunks":
    for i, h in enumerate(heads):
        put(bytes([i % 64, i % 32, 0]) + h)
        put(bytes([7, 3, 200 + i % 50]) + h[:2048])
elif target == "diff_threads":
    for i, h in enumerate(heads):
        put(bytes([i % 13, (i * 7) % 256]) + h[:16384])
elif target == "decompress":
    text = b"\n".join(lines[:50]) + b"\n"
    zs = subprocess.run(["zstd", "-q", "-c"], input=text, capture_output=True).stdout
    archives = [gzip.compress(text), zs, bz2.compress(text), lzma.compress(text)]
    magics = [2, 4, 4, 6]  # bytes of each magic the target adds
    for k, a in enumerate(archives):
        if a:
            put(bytes([k]) + a[magics[k]:])
        for cut in (0, 40, 255):
            put(bytes([4 + k, 10, 0, 0x55, cut]) + text[:2000])
PY
}

run() {
    local t=$1 log
    seed "$t"
    mkdir -p "artifacts/$t"
    log=$(mktemp)
    # Findings do not stop the run (-fork keeps going after a crash would need more
    # setup): libFuzzer stops at the first, which is then in artifacts/.
    set +e
    # diff_threads runs the engine's threads. A source's rayon pool, dropped when the
    # source is read, lets its threads exit on their own (rayon does not join them), and
    # LeakSanitizer's check at the end of an input can count what a thread has not freed
    # yet (256 bytes in 8 blocks): a report no replay repeats. Memory stays bounded by
    # -rss_limit_mb.
    local leaks=1
    [ "$t" = diff_threads ] && leaks=0
    cargo +nightly fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -max_len="$(max_len "$t")" -rss_limit_mb=2048 \
        -timeout=20 -detect_leaks="$leaks" -print_final_stats=1 >"$log" 2>&1
    local rc=$?
    set -e
    local execs speed
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    local found
    found=$(find "artifacts/$t" -type f | wc -l)
    printf '%-14s %6ss  executions %-10s  exec/s %-7s  findings %s  (exit %s)\n' \
        "$t" "$seconds" "${execs:-?}" "${speed:-?}" "$found" "$rc"
    if [ "$rc" -ne 0 ]; then
        grep -m5 -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | sed 's/^/    /'
    fi
    rm -f "$log"
}

cargo +nightly fuzz build >/dev/null
if [ "$which" = all ]; then
    for t in "${targets[@]}"; do run "$t"; done
else
    run "$which"
fi

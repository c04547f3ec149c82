#!/usr/bin/env bash
# Resources under hostile input, at full size (issue 21; docs/hardening.md): `axlog report`
# and `axlog convert` under a 1 GiB address-space limit (`ulimit -v 1048576`) on generated
# hostile inputs streamed into standard input (never on disk):
#   paths    5,000,000 distinct 2 KiB paths (10 GB)
#   clients  1,000,000 distinct clients (with --by client --series-by client)
#   years    one line an hour over 50 years (438,288 lines)
#   line     10 GB of one line without a newline
# Each run must end by itself with its expected code (0; 6 for the line, which parses
# nothing), never by a signal (an abort or an OOM kill). Prints per run: the exit code,
# wall seconds, peak RSS, and the report's cap fields.
#
# Usage: scripts/hostile.sh [CASE...]   (default: all four; AXLOG=path/to/axlog to pick
# the binary, default target/release/axlog, built if missing). Measured with a debug build
# on 2 shared cores: clients 30 s, years 9 min (convert: a file a day), line 90 s, paths
# about 17 min a run (see docs/hardening.md); too long for the normal suite and CI, which
# run the scaled-down shapes (crates/cli/tests/resources.rs). Run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

AXLOG=${AXLOG:-target/release/axlog}
if [[ ! -x $AXLOG ]]; then
    cargo build --release -p axlog-cli
fi
LIMIT_KIB=1048576
TMP=$(mktemp -d "${TMPDIR:-/tmp}/axlog-hostile.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail=0

# gen CASE: the hostile input on stdout.
gen() {
    python3 - "$1" <<'PY'
import sys, time
out = sys.stdout.buffer
case = sys.argv[1]
def line(client, t, path):
    return b'%s - - [%s] "GET %s HTTP/1.1" 200 12 "-" "t"\n' % (client, t, path)
try:
    if case == "paths":
        pad = b"a" * (2048 - len(b"/p0000000/"))
        buf = []
        for i in range(5_000_000):
            buf.append(line(b"10.0.0.1", b"21/Nov/2026:10:00:00 +0000", b"/p%07d/%s" % (i, pad)))
            if len(buf) == 512:
                out.write(b"".join(buf)); buf = []
        out.write(b"".join(buf))
    elif case == "clients":
        buf = []
        for i in range(1_000_000):
            c = b"10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
            buf.append(line(c, b"21/Nov/2026:10:%02d:%02d +0000" % ((i // 6000) % 60, (i // 100) % 60), b"/x"))
            if len(buf) == 4096:
                out.write(b"".join(buf)); buf = []
        out.write(b"".join(buf))
    elif case == "years":
        start = 631152000  # 1990-01-01T00:00:00Z
        buf = []
        for h in range(438_288):
            t = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(start + h * 3600)).encode()
            buf.append(line(b"10.0.0.1", t, b"/h"))
            if len(buf) == 4096:
                out.write(b"".join(buf)); buf = []
        out.write(b"".join(buf))
    elif case == "line":
        block = b"a" * (1 << 20)
        for _ in range(10 * 1024):  # 10 GiB
            out.write(block)
    out.flush()
except BrokenPipeError:
    pass
PY
}

# run CASE EXPECTED_CODE ARGS...: axlog ARGS under the limit, fed by gen CASE.
run() {
    local case=$1 want=$2
    shift 2
    local code=0
    gen "$case" | bash -c "ulimit -v $LIMIT_KIB && exec /usr/bin/time -f '%e %M' -o '$TMP/time' \"\$0\" \"\$@\"" \
        "$AXLOG" "$@" >"$TMP/out" 2>"$TMP/err" || code=$?
    # time(1) writes "Command exited with non-zero status N" first on a failed run.
    read -r secs rss_kib < <(tail -n 1 "$TMP/time") || true
    printf '%-8s %-8s exit %s (want %s)  %6ss  peak RSS %s MiB\n' \
        "$case" "$1" "$code" "$want" "${secs:-?}" "$(( ${rss_kib:-0} / 1024 ))"
    if [[ $code != "$want" ]]; then
        fail=1
        tail -5 "$TMP/err"
    fi
    if [[ $1 == report && -s $TMP/out ]]; then
        jq -c '{lines: .lines | {read, parsed, malformed},
                paths: .paths | {distinct, bytes, bytes_cap, cap_reached, untracked_requests},
                by: [.by[]? | {dimension, distinct, cap_reached, untracked_requests}],
                series_by: (.series_by | if . then {distinct, cap_reached, untracked_requests} else null end),
                qps: .qps | {seconds, empty_seconds}, series: .series | {bucket_s, buckets: (.buckets | length)}}' \
            "$TMP/out" || true
    fi
    rm -rf "$TMP/pq"
}

cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || cases=(paths clients years line)
for c in "${cases[@]}"; do
    case $c in
    paths)
        run paths 0 report - --output json
        run paths 0 convert - -o "$TMP/pq" -q ;;
    clients)
        run clients 0 report - --by client --series-by client --output json
        run clients 0 convert - -o "$TMP/pq" -q ;;
    years)
        run years 0 report - --output json
        run years 0 convert - -o "$TMP/pq" -q ;;
    line)
        run line 6 report - --output json
        run line 6 convert - -o "$TMP/pq" -q ;;
    *) echo "unknown case $c (paths, clients, years, line)" >&2; exit 2 ;;
    esac
done
exit $fail

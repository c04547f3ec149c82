#!/usr/bin/env bash
# Speed, memory and size of `axlog convert` (Parquet), against `axlog report` on the same
# file and DuckDB converting it (read_csv of whole lines + regexp_extract + COPY TO
# parquet: the route a DuckDB user takes for a text log), in interleaved rounds
# (scripts/rounds.py).
#
#   scripts/bench-parquet.sh              # 1 GB nginx-timed (bench-data/, made once)
#   BENCH_MB=200 scripts/bench-parquet.sh
#
# DuckDB runs from the virtualenv scripts/test.sh makes (target/pyenv), on the same file,
# in fewer rounds (it is an order of magnitude slower). Peak RSS is measured with
# /usr/bin/time on the file and on one four times its size.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh

MB=${BENCH_MB:-1000}
RUNS=${BENCH_RUNS:-5}
DUCK_RUNS=${BENCH_DUCKDB_RUNS:-2}
need hyperfine hyperfine
cargo build --release -q -p axlog-cli -p axlog-testgen
AXLOG=target/release/axlog
PY=target/pyenv/bin/python
if ! "$PY" -c 'import duckdb' 2>/dev/null; then
  python3 -m venv target/pyenv
  "$PY" -m pip install -q --disable-pip-version-check duckdb==2.0.1 pyarrow==26.0.1
fi
FILE=$(generated nginx-timed "$MB")
BIG=$(generated nginx-timed "$((MB * 4))")
SIZE=$(stat -c %s "$FILE")
OUT=$(mktemp -d -p bench-data parquet.XXXX)
trap 'rm -rf "$OUT"' EXIT
cat "$FILE" > /dev/null

python3 scripts/rounds.py bench-data/bench-parquet.json "$RUNS" \
  "axlog report -j 1=$AXLOG report -j 1 $FILE --output json" \
  "axlog report=$AXLOG report $FILE --output json" \
  "axlog convert -j 1=rm -rf $OUT/a && $AXLOG convert -q -j 1 $FILE -o $OUT/a" \
  "axlog convert=rm -rf $OUT/b && $AXLOG convert -q $FILE -o $OUT/b" \
  "axlog convert --rollups=rm -rf $OUT/c && $AXLOG convert -q --rollups $FILE -o $OUT/c"

# DuckDB: the fields of nginx-timed by regular expression, typed, partitioned by day.
cat > "$OUT/duck.sql" <<'SQL'
COPY (
  SELECT m.ip AS client_ip, strptime(m.time, '%d/%b/%Y:%H:%M:%S %z') AS ts, m.method,
         m.target AS path, CAST(m.status AS INTEGER) AS status,
         CAST(m.bytes AS BIGINT) AS bytes_sent, m.referer, m.ua AS user_agent,
         CAST(TRY_CAST(m.rt AS DOUBLE) * 1e6 AS BIGINT) AS request_time_us,
         CAST(strptime(m.time, '%d/%b/%Y:%H:%M:%S %z') AS DATE) AS date
  FROM (
    SELECT regexp_extract(line,
      '^(\S+) \S+ (\S+) \[([^\]]+)\] "(\S+) ([^ "]*)[^"]*" (\d+) (\d+) "([^"]*)" "([^"]*)" (\S+)',
      ['ip', 'user', 'time', 'method', 'target', 'status', 'bytes', 'referer', 'ua', 'rt']) AS m
    FROM read_csv(getvariable('input'), columns = {'line': 'VARCHAR'}, delim = '\x01',
                  quote = '', escape = '', header = false, auto_detect = false,
                  strict_mode = false, ignore_errors = true))
  WHERE m.ip <> ''
) TO (getvariable('output')) (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date));
SQL
cat > "$OUT/duck.py" <<'PYEOF'
import sys, duckdb
threads, src, out, sql = sys.argv[1:5]
c = duckdb.connect()
c.execute(f"SET threads = {threads}")
c.execute(f"SET VARIABLE input = '{src}'")
c.execute(f"SET VARIABLE output = '{out}'")
c.execute(open(sql).read())
PYEOF
hyperfine --style basic --warmup 0 --runs "$DUCK_RUNS" --export-json bench-data/bench-duckdb.json \
  -n "duckdb convert 1 thread" "rm -rf $OUT/d1 && $PY $OUT/duck.py 1 $FILE $OUT/d1 $OUT/duck.sql" \
  -n "duckdb convert" "rm -rf $OUT/d2 && $PY $OUT/duck.py $(nproc) $FILE $OUT/d2 $OUT/duck.sql"

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
declare -A PEAK
for f in "$FILE" "$BIG"; do
  for j in 1 0; do
    rm -rf "$OUT/m"
    PEAK["$f $j"]=$(rss "$AXLOG" convert -q -j "$j" "$f" -o "$OUT/m")
  done
done
rm -rf "$OUT/m"
OUTSIZE=$(du -sb "$OUT/a" | cut -f1)

python3 - bench-data/bench-parquet.json bench-data/bench-duckdb.json "$SIZE" "$OUTSIZE" \
  "${PEAK["$FILE 1"]}" "${PEAK["$FILE 0"]}" "${PEAK["$BIG 1"]}" "${PEAK["$BIG 0"]}" <<'PY'
import json, os, statistics, sys
times = json.load(open(sys.argv[1]))["times"]
duck = {r["command"]: r for r in json.load(open(sys.argv[2]))["results"]}
size, outsize = int(sys.argv[3]), int(sys.argv[4])
peaks = [int(k) / 1024 for k in sys.argv[5:9]]
t = lambda n: statistics.median(times[n]) if n in times else duck[n]["median"]
x = lambda fast, slow: statistics.median(s / f for f, s in zip(times[fast], times[slow]))
print(f"\nfile: {size/1e6:.0f} MB nginx-timed; {len(times['axlog convert'])} interleaved rounds (medians)")
for n in ["axlog report -j 1", "axlog report", "axlog convert -j 1", "axlog convert",
          "axlog convert --rollups", "duckdb convert 1 thread", "duckdb convert"]:
    print(f"  {n:<26} {t(n):8.3f} s  {size / t(n) / 1e6:8.1f} MB/s")
print(f"convert all cores ({os.cpu_count()}) / -j 1:        {x('axlog convert', 'axlog convert -j 1'):.2f}x")
print(f"convert -j 1 / report -j 1 throughput:  {x('axlog convert -j 1', 'axlog report -j 1'):.2f}")
print(f"convert / report throughput:            {x('axlog convert', 'axlog report'):.2f}")
print(f"convert -j 1 vs DuckDB 1 thread:        {t('duckdb convert 1 thread') / t('axlog convert -j 1'):.1f}x faster")
print(f"convert vs DuckDB, all cores:           {t('duckdb convert') / t('axlog convert'):.1f}x faster")
print(f"output: {outsize/1e6:.1f} MB = {outsize / size * 100:.1f}% of the input")
print(f"peak RSS, {size/1e6:.0f} MB: -j 1 {peaks[0]:.0f} MiB, all cores {peaks[1]:.0f} MiB; "
      f"{4*size/1e6:.0f} MB: -j 1 {peaks[2]:.0f} MiB, all cores {peaks[3]:.0f} MiB")
PY

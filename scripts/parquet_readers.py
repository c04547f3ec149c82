"""Reads axlog's Parquet output with the readers users query it with (DuckDB, pyarrow,
Spark) and checks it against axlog's own report on the same input.

Run by scripts/test.sh as: parquet_readers.py AXLOG TESTGEN WORKDIR
"""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from pyspark.sql import SparkSession

AXLOG, TESTGEN, WORK = sys.argv[1], sys.argv[2], Path(sys.argv[3])
FAILURES = []


def check(what, got, want):
    if got != want:
        FAILURES.append(f"{what}: got {got!r}, want {want!r}")
        print(f"FAIL {FAILURES[-1]}")
    else:
        print(f"ok  {what}")


SPARK = None


def spark():
    """One local Spark session for every case: a JVM takes seconds to start."""
    global SPARK
    if SPARK is None:
        SPARK = (SparkSession.builder.master("local[2]").appName("axlog-readers")
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.session.timeZone", "UTC")
                 .config("spark.sql.warehouse.dir", str(WORK / "spark-warehouse"))
                 .getOrCreate())
        SPARK.sparkContext.setLogLevel("ERROR")
    return SPARK


def run(*args):
    return subprocess.run(args, check=True, capture_output=True).stdout


def case(fmt, lines, seed, partition, rollups):
    log = WORK / f"{fmt}.log"
    out = WORK / f"{fmt}-parquet"
    run(TESTGEN, "--format", fmt, "--lines", str(lines), "--seed", str(seed), "-o", str(log))
    report = json.loads(run(AXLOG, "report", str(log), "--output", "json"))
    run(AXLOG, "convert", str(log), "-o", str(out), "--partition-by", partition, "-q",
        *(["--rollups"] if rollups else []))
    # With rollups beside them, the rows are the date= directories.
    glob = f"{out}/date=*/**/*.parquet"
    con = duckdb.connect()
    table = f"read_parquet('{glob}', hive_partitioning = true)"

    check(f"{fmt}: rows = parsed lines",
          con.execute(f"select count(*) from {table}").fetchone()[0],
          report["lines"]["parsed"])
    by_status = con.execute(
        f"select coalesce(status, 0), count(*) from {table} group by all order by 1"
    ).fetchall()
    check(f"{fmt}: count(*) group by status",
          [list(r) for r in by_status],
          [[c["code"], c["count"]] for c in report["status"]["codes"]])
    check(f"{fmt}: sum(bytes_sent)",
          con.execute(f"select sum(bytes_sent) from {table}").fetchone()[0],
          report["bytes_sent"])
    col, lat = ("request_time_us", report["latency"]["request_time"])
    if fmt.startswith("haproxy"):
        col, lat = ("ta_us", report["haproxy"]["ta"])
    for q, key in [(0.5, "p50_us"), (0.99, "p99_us")]:
        check(f"{fmt}: quantile_disc({col}, {q})",
              con.execute(f"select quantile_disc({col}, {q}) from {table}").fetchone()[0],
              lat[key])
    # The partition directories are columns, and each row sits in its own day.
    names = [d[0] for d in con.execute(f"select * from {table} limit 0").description]
    keys = ["date"] + partition.split(",")
    check(f"{fmt}: hive partition columns",
          [n for n in names if n in ("date", "hour") or (n == "source" and "source" in keys)],
          keys)
    check(f"{fmt}: rows in the partition of their day",
          con.execute(f"select count(*) from {table} "
                  "where date <> date '1970-01-01' + (epoch_us(ts) // 86400000000)::int"
                  ).fetchone()[0], 0)

    if rollups:
        check_rollups(con, out, table, report)
    check_spark(fmt, out, report, keys, col, lat, str(log), rollups)

    # pyarrow: the schema with the documented types, and the dataset as one table.
    files = sorted(out.rglob("*.parquet"))
    schema = pq.read_schema(files[0])
    want = {
        "ts": pa.timestamp("us", tz="UTC"),
        "source": pa.string(),
        "path": pa.string(),
        "endpoint": pa.string(),
        "status": pa.int32(),
        "bytes_sent": pa.int64(),
        "request_time_us": pa.int64(),
        "upstream_attempts": pa.list_(pa.int64()),
        "ta_us": pa.int64(),
        "extras": pa.map_(pa.string(), pa.string()),
    }
    if "source" in keys:
        # The escaped directory name (`%2F` for each `/`) reads back as the source's name.
        check(f"{fmt}: source partition value",
              con.execute(f"select distinct source from {table}").fetchall(), [(str(log),)])
        # The source is in the directory name, not in the files.
        del want["source"]
        check(f"{fmt}: source only in the path", schema.get_field_index("source"), -1)
    def name(t):
        # A map's part names are not part of its type.
        if pa.types.is_map(t):
            return f"map<{t.key_type}, {t.item_type}>"
        return str(t)

    check(f"{fmt}: pyarrow schema types",
          {k: name(schema.field(k).type) for k in want},
          {k: name(v) for k, v in want.items()})
    rows = ds.dataset([str(f) for f in sorted(out.glob("date=*/**/*.parquet"))],
                      format="parquet").count_rows()
    check(f"{fmt}: pyarrow dataset rows", rows, report["lines"]["parsed"])


def check_spark(fmt, out, report, keys, col, lat, source, rollups):
    """Spark reads the directory as one table, its partitions as typed columns."""
    sp = spark()
    # `basePath` makes `date=` a column although only the date= directories are read
    # (the rollup tables beside them are other tables).
    df = sp.read.option("basePath", str(out)).parquet(f"{out}/date=*")
    df.createOrReplaceTempView("logs")
    one = lambda q: sp.sql(q).collect()[0][0]
    check(f"{fmt}: spark: rows = parsed lines", df.count(), report["lines"]["parsed"])
    check(f"{fmt}: spark: count(*) group by status",
          [[r[0], r[1]] for r in sp.sql(
              "select coalesce(status, 0), count(*) from logs group by 1 order by 1").collect()],
          [[c["code"], c["count"]] for c in report["status"]["codes"]])
    check(f"{fmt}: spark: sum(bytes_sent)", one("select sum(bytes_sent) from logs"),
          report["bytes_sent"])
    for q, key in [(0.5, "p50_us"), (0.99, "p99_us")]:
        got = one(f"select percentile_disc({q}) within group (order by {col}) from logs")
        check(f"{fmt}: spark: percentile_disc({col}, {q})", int(got), lat[key])
    types = {f.name: f.dataType.simpleString() for f in df.schema.fields}
    want = {"ts": "timestamp", "status": "int", "bytes_sent": "bigint", col: "bigint",
            "upstream_attempts": "array<bigint>", "extras": "map<string,string>",
            "date": "date"}
    if "hour" in keys:
        want["hour"] = "int"
    if "source" in keys:
        want["source"] = "string"
        check(f"{fmt}: spark: source partition value",
              [r[0] for r in sp.sql("select distinct source from logs").collect()], [source])
    check(f"{fmt}: spark: schema types", {k: types.get(k) for k in want}, want)
    check(f"{fmt}: spark: rows in the partition of their day",
          one("select count(*) from logs where date <> to_date(ts)"), 0)
    if rollups:
        classes = [c["count"] for c in report["status"]["classes"]]
        for width in ("1s", "1m"):
            r = sp.read.parquet(f"{out}/rollup_{width}")
            sums = r.selectExpr(
                "sum(requests)", "sum(status_1xx)", "sum(status_2xx)", "sum(status_3xx)",
                "sum(status_4xx)", "sum(status_5xx)", "sum(status_other)",
                "sum(bytes_sent)").collect()[0]
            check(f"{fmt}: spark: rollup_{width} sums = the report's",
                  list(sums), [report["requests"], *classes, report["bytes_sent"]])


def check_rollups(con, out, rows, report):
    classes = [c["count"] for c in report["status"]["classes"]]
    for width in ("1s", "1m"):
        t = f"read_parquet('{out}/rollup_{width}/**/*.parquet', hive_partitioning = true)"
        sums = con.execute(
            f"select sum(requests), sum(status_1xx), sum(status_2xx), sum(status_3xx), "
            f"sum(status_4xx), sum(status_5xx), sum(status_other), sum(bytes_sent) from {t}"
        ).fetchone()
        check(f"rollup_{width}: sums = the report's requests, classes, bytes",
              list(sums), [report["requests"], *classes, report["bytes_sent"]])
        # Every bucket again, from the rows, by DuckDB: requests and percentiles.
        seconds = 1 if width == "1s" else 60
        diff = con.execute(f"""
            with b as (
                select to_timestamp((epoch(ts)::bigint // {seconds}) * {seconds}) as bucket,
                       count(*) as n,
                       quantile_disc(request_time_us, 0.5) as p50,
                       quantile_disc(request_time_us, 0.99) as p99,
                       max(request_time_us) as mx
                from {rows} group by all)
            select count(*) from b full join {t} r using (bucket)
            where r.requests is distinct from b.n or r.p50_us is distinct from b.p50
               or r.p99_us is distinct from b.p99 or r.max_us is distinct from b.mx
        """).fetchone()[0]
        check(f"rollup_{width}: buckets = DuckDB's group by over the rows", diff, 0)


WORK.mkdir(parents=True, exist_ok=True)
case("nginx-timed", 20_000, 7, "hour", True)
case("haproxy-http", 5_000, 8, "source", False)
if SPARK is not None:
    SPARK.stop()
if FAILURES:
    print("\n".join(FAILURES), file=sys.stderr)
    sys.exit(1)

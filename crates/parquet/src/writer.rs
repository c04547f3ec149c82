//! Partitioned Parquet files: `DIR/date=YYYY-MM-DD/[hour=HH/][source=NAME/]part-….parquet`.
//!
//! Each writer (one per parsing thread) writes files of its own, so threads never wait for
//! each other, and a file's rows keep the order the thread met them in: the input's order,
//! since a thread takes chunks in increasing order. A file is written under a hidden
//! temporary name (`.part-….parquet.tmp`, which Spark, Trino and DuckDB's `*.parquet` globs
//! skip) and renamed once the whole run is done (see [`crate::staged`]), so a crash or a
//! failed write never leaves a `.parquet` of the run where readers look. File names carry the run's host, process, start time and a random tag:
//! runs on many machines can write into one directory (or bucket) without a collision.
//! A run over ranges recorded in a state file ([`Resume`]) names its files by what they
//! hold instead: the source's fingerprint and the byte range read (see [`Span`]).

use crate::columns::Columns;
use crate::schema::{HIGH_CARDINALITY, LOW_CARDINALITY};
use crate::staged::Staged;
use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, SchemaRef};
use axlog_format::Record;
use axlog_stats::timefmt::{civil_from_days, format_rfc3339};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Rows per batch handed to the Parquet encoder (batches are joined into row groups).
/// A batch's columns then stay within a core's cache (2 MiB here): 4,096 ran 6% faster
/// than 8,192 with one thread (median of 4 alternated runs on 300 MB).
const BATCH_ROWS: usize = 4096;
/// Bytes of lines after which a batch is handed over even when it has fewer rows: Arrow's
/// text columns hold at most 2 GiB each (32-bit offsets), and a column holds at most 12
/// times its lines' bytes (see [`Columns::line_bytes`]).
const BATCH_BYTES: usize = 64 << 20;
/// Estimated encoded bytes after which a row group is closed even with fewer rows: what a
/// file being written holds in memory stays bounded (a typical log's 1,048,576 rows take
/// about 70 MB before compression).
const ROW_GROUP_BYTES: usize = 128 << 20;
/// Files a writer keeps open at once; the least recently used is closed (completed)
/// when another partition comes. Logs come in time order, so one or two are in use.
const OPEN_FILES: usize = 4;

/// How the output is laid out.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    /// Adds `hour=HH/` under each date.
    pub by_hour: bool,
    /// Adds `source=NAME/` (and leaves the `source` column out of the files).
    pub by_source: bool,
    /// Rows per row group.
    pub row_group_rows: usize,
    /// Also writes the rollup tables, `rollup_1s/` and `rollup_1m/`.
    pub rollups: bool,
    /// The rules the `endpoint` column is folded with.
    pub endpoint_rules: Arc<crate::endpoint::Rules>,
    /// Set when the run reads ranges recorded in a state file (`--state`).
    pub resume: Option<Resume>,
}

/// What a source's files hold under `--state`: the source's fingerprint (FNV-1a 64 of
/// its first decoded bytes) and the decoded byte range read. Every file holds rows of
/// one read only (a writer belongs to one source), so a file is traceable to its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub fp: u64,
    pub start: u64,
    /// `None`: an archive read to its decoded end, not known when a file is named.
    pub end: Option<u64>,
}

/// The `end` in the name of a file whose read ends at an archive's decoded end.
pub const ARCHIVE_END: u64 = 999_999_999_999;

/// A run over byte ranges recorded in a state file. Its files are named by their
/// [`Span`], and they stay staged when the run ends: the caller journals their names
/// first, then calls [`Output::publish`] (a crash in between leaves a journal the next
/// run undoes).
#[derive(Debug, Clone, Default)]
pub struct Resume {
    /// Each source's span, by the source's name (its path, as the engine names it).
    pub spans: HashMap<String, Span>,
}

impl Options {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Options {
            dir: dir.into(),
            by_hour: false,
            by_source: false,
            row_group_rows: 1 << 20,
            rollups: false,
            endpoint_rules: Arc::default(),
            resume: None,
        }
    }
}

/// Why writing failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parquet {
        path: PathBuf,
        source: parquet::errors::ParquetError,
    },
    #[error("building a batch of rows: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What the writers of a run share: where to write, and the run's file names.
#[derive(Debug)]
pub struct Output {
    opts: Options,
    props: WriterProperties,
    /// `YYYYMMDDTHHMMSS-host-pid-tag`: unique to this run.
    run_id: String,
    next_file: AtomicU64,
    /// Complete files, named when the run ends (see [`Output::publish`]).
    staged: Staged,
}

/// What a run wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Written {
    pub rows: u64,
    /// Rows of the rollup tables.
    pub rollup_rows: u64,
    /// The files written, complete, under the names they have once published.
    pub files: Vec<PathBuf>,
}

impl Written {
    pub fn add(&mut self, other: Written) {
        self.rows += other.rows;
        self.rollup_rows += other.rollup_rows;
        self.files.extend(other.files);
    }
}

impl Output {
    /// Checks that `opts.dir` can be written to (creating it), before any input is read:
    /// a bad output directory is a clear error up front, not after an hour of parsing.
    pub fn create(opts: Options) -> Result<Arc<Output>, Error> {
        std::fs::create_dir_all(&opts.dir).map_err(io_error(&opts.dir))?;
        let run_id = run_id();
        let probe = opts.dir.join(format!(".axlog-probe-{run_id}"));
        File::create(&probe).map_err(io_error(&opts.dir))?;
        std::fs::remove_file(&probe).map_err(io_error(&probe))?;
        let props = writer_properties(opts.row_group_rows);
        Ok(Arc::new(Output {
            opts,
            props,
            run_id,
            next_file: AtomicU64::new(0),
            staged: Staged::default(),
        }))
    }

    /// At the end of a run whose writes all succeeded: gives every complete file its
    /// final name and makes the names durable (directory fsyncs). If one cannot be
    /// renamed, none of the run's files is left.
    pub fn publish(&self) -> Result<(), Error> {
        self.staged.publish(&self.opts.dir)
    }

    /// Whether the run's files wait for the caller's [`Output::publish`] (a [`Resume`]
    /// run) rather than being published when the run ends.
    pub fn deferred(&self) -> bool {
        self.opts.resume.is_some()
    }

    /// The final names of the files complete and not yet published.
    pub fn staged(&self) -> Vec<PathBuf> {
        self.staged.finals()
    }

    /// Removes the staged files whose final name `drop` picks (a read whose rows must
    /// not be published); the others stay staged.
    pub fn discard_where(&self, drop: impl Fn(&Path) -> bool) {
        self.staged.discard_where(drop)
    }

    /// The span of the source named `name`, in a [`Resume`] run.
    pub fn span_of(&self, name: &str) -> Option<Span> {
        self.opts.resume.as_ref()?.spans.get(name).copied()
    }

    /// At the end of a run where a write failed: removes every file of the run.
    pub fn discard(&self) {
        self.staged.discard()
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// A writer for the rows of `source`, whose layout has the other variables
    /// `extra_names`.
    pub fn writer(self: &Arc<Self>, source: &str, extra_names: Vec<String>) -> RowWriter {
        self.writer_of_span(source, None, extra_names)
    }

    /// A writer as [`Output::writer`], whose files are named by `span` when it has one.
    pub fn writer_of_span(
        self: &Arc<Self>,
        source: &str,
        span: Option<Span>,
        extra_names: Vec<String>,
    ) -> RowWriter {
        let mut columns = Columns::new((!self.opts.by_source).then_some(source), extra_names);
        columns.set_endpoint_rules(self.opts.endpoint_rules.clone());
        RowWriter {
            files: TableFiles::new(self, None, source, span, columns.schema().clone()),
            columns,
            by_hour: self.opts.by_hour,
            current: None,
        }
    }

    /// `part-{run id}-{n}.parquet`, or with a span
    /// `part-{fp:016x}-{start:012}-{end:012}-{n:05}.parquet`.
    fn file_name(&self, span: Option<Span>) -> String {
        let n = self.next_file.fetch_add(1, Ordering::Relaxed);
        match span {
            Some(s) => format!(
                "part-{:016x}-{:012}-{:012}-{n:05}.parquet",
                s.fp,
                s.start,
                s.end.unwrap_or(ARCHIVE_END)
            ),
            None => format!("part-{}-{n:05}.parquet", self.run_id),
        }
    }
}

/// How the tables are written: zstd, statistics, and the encodings of the columns that
/// repeat (see [`crate::schema`]); row groups of `row_group_rows` rows at most.
pub fn writer_properties(row_group_rows: usize) -> WriterProperties {
    let mut props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(row_group_rows.max(1)))
        // Bounds the memory of a file being written whatever its lines' size.
        .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
        .set_statistics_enabled(EnabledStatistics::Chunk)
        // A dictionary only where values repeat: elsewhere it costs a hash per value
        // and is dropped once its page fills.
        .set_dictionary_enabled(false)
        .set_created_by(format!("axlog {}", env!("CARGO_PKG_VERSION")));
    for col in LOW_CARDINALITY {
        props = props.set_column_dictionary_enabled(ColumnPath::from(*col), true);
    }
    // Long unique texts: their min and max prune nothing, and cost two comparisons of
    // every value.
    for col in HIGH_CARDINALITY {
        props =
            props.set_column_statistics_enabled(ColumnPath::from(*col), EnabledStatistics::None);
    }
    // Times in input order: deltas are small.
    props = props.set_column_encoding(ColumnPath::from("ts"), Encoding::DELTA_BINARY_PACKED);
    props = props.set_column_encoding(
        ColumnPath::from("bytes_sent"),
        Encoding::DELTA_BINARY_PACKED,
    );
    props = props.set_column_dictionary_enabled(
        ColumnPath::from(vec![
            "upstream_attempts".to_string(),
            "list".to_string(),
            "item".to_string(),
        ]),
        true,
    );
    props.build()
}

/// A run's tag: its start time, host, process and a random number.
fn run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    // `2026-11-22T03:15:00Z` as `20261122T031500`.
    let start: String = format_rfc3339(now.as_secs() as i64 * 1_000_000, None)
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default();
    let host: String = host
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(32)
        .collect();
    // The standard library's hasher keys are random per process.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(now.as_nanos());
    let tag = h.finish() as u32;
    format!(
        "{start}-{}-{}-{tag:08x}",
        if host.is_empty() { "host" } else { &host },
        std::process::id()
    )
}

/// A partition: the UTC day, and the hour when partitioned by hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    day: i64,
    hour: Option<u8>,
}

impl Part {
    pub(crate) fn of(ts_us: i64, by_hour: bool) -> Part {
        let secs = ts_us.div_euclid(1_000_000);
        Part {
            day: secs.div_euclid(86_400),
            hour: by_hour.then(|| (secs.rem_euclid(86_400) / 3600) as u8),
        }
    }

    /// `date=YYYY-MM-DD[/hour=HH]`.
    fn dir(&self) -> PathBuf {
        let (y, m, d) = civil_from_days(self.day);
        let mut p = PathBuf::from(format!("date={y:04}-{m:02}-{d:02}"));
        if let Some(h) = self.hour {
            p.push(format!("hour={h:02}"));
        }
        p
    }
}

/// The longest escaped partition value kept whole: with `source=` and the hash that
/// replaces the rest, a directory name stays under the 255 bytes file systems allow.
const MAX_ESCAPED: usize = 200;

/// Hive's name of a null or empty partition value (Spark and pyarrow read it as null).
const HIVE_NULL: &str = "__HIVE_DEFAULT_PARTITION__";

/// A partition value as Hive writes it in a directory name: bytes other than lower-case
/// letters, digits and `._-` as `%XX`, so a name from a log or a path has no `/`, `\`,
/// control byte or character Windows refuses, and two names never differ by case alone
/// (`Web` and `web` would be one directory on a case-insensitive file system: macOS's,
/// Windows'); readers undo the `%XX`. The name is always `KEY=VALUE`, which no Windows
/// device name (`CON`, `NUL.txt`) matches; a last `.` is `%2E` (Windows drops trailing
/// dots, and `..` must not be one); the empty value is Hive's null; a value longer than
/// [`MAX_ESCAPED`] keeps its start and ends in `-` and a hash of the whole, so distinct
/// values keep distinct directories (a reader sees that shortened name).
pub fn hive_escape(v: &str) -> String {
    if v.is_empty() {
        return HIVE_NULL.to_string();
    }
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.ends_with('.') {
        out.pop();
        out.push_str("%2E");
    }
    if out.len() > MAX_ESCAPED {
        // `out` is ASCII; the cut never splits a `%XX`.
        let mut cut = MAX_ESCAPED;
        if let Some(p) = out[cut - 2..cut].find('%') {
            cut = cut - 2 + p;
        }
        out.truncate(cut);
        out.push_str(&format!("-{:016x}", fnv1a(v.as_bytes())));
    }
    out
}

/// FNV-1a 64: a hash that stays the same across runs and versions (the standard
/// library's does not), so a long value's directory is the same every run.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

struct OpenFile {
    part: Part,
    tmp: PathBuf,
    path: PathBuf,
    writer: ArrowWriter<BufWriter<File>>,
    rows: u64,
}

/// The files one thread writes for one table (rows, or a rollup) of one source: one open
/// file per partition, at most [`OPEN_FILES`] at once.
pub(crate) struct TableFiles {
    out: Arc<Output>,
    /// The table's directory under the output's (`None`: the output's own).
    table: Option<&'static str>,
    source: String,
    /// What the files hold, when they are named by it.
    span: Option<Span>,
    schema: SchemaRef,
    /// Open files, most recently used last.
    files: Vec<OpenFile>,
    written: Written,
    /// The first error; nothing is written after it.
    error: Option<Error>,
}

impl TableFiles {
    pub(crate) fn new(
        out: &Arc<Output>,
        table: Option<&'static str>,
        source: &str,
        span: Option<Span>,
        schema: SchemaRef,
    ) -> Self {
        TableFiles {
            out: out.clone(),
            table,
            source: source.to_string(),
            span,
            schema,
            files: Vec::new(),
            written: Written::default(),
            error: None,
        }
    }

    pub(crate) fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    pub(crate) fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Writes `batch` (rows of partition `part`) into that partition's file.
    pub(crate) fn write(&mut self, part: Part, batch: Result<RecordBatch, ArrowError>) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = batch
            .map_err(Error::from)
            .and_then(|b| self.write_batch(part, &b))
        {
            self.error = Some(e);
        }
    }

    fn write_batch(&mut self, part: Part, batch: &RecordBatch) -> Result<(), Error> {
        let i = match self.files.iter().position(|f| f.part == part) {
            Some(i) => i,
            None => {
                if self.files.len() >= OPEN_FILES {
                    let oldest = self.files.remove(0);
                    self.complete(oldest)?;
                }
                self.files.push(self.open(part)?);
                self.files.len() - 1
            }
        };
        // Most recently used last.
        let mut f = self.files.remove(i);
        let res = f.writer.write(batch).map_err(|source| Error::Parquet {
            path: f.tmp.clone(),
            source,
        });
        f.rows += batch.num_rows() as u64;
        self.files.push(f);
        res
    }

    fn open(&self, part: Part) -> Result<OpenFile, Error> {
        let opts = &self.out.opts;
        let mut dir = opts.dir.clone();
        dir.extend(self.table);
        dir.push(part.dir());
        if opts.by_source {
            dir.push(format!("source={}", hive_escape(&self.source)));
        }
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let name = self.out.file_name(self.span);
        let tmp = dir.join(format!(".{name}.tmp"));
        let path = dir.join(name);
        let file = File::create(&tmp).map_err(io_error(&tmp))?;
        let writer = ArrowWriter::try_new(
            BufWriter::with_capacity(1 << 20, file),
            self.schema.clone(),
            Some(self.out.props.clone()),
        )
        .map_err(|source| Error::Parquet {
            path: tmp.clone(),
            source,
        })?;
        Ok(OpenFile {
            part,
            tmp,
            path,
            writer,
            rows: 0,
        })
    }

    /// Writes a file's footer, syncs it and stages it for its final name at the end of
    /// the run.
    fn complete(&mut self, f: OpenFile) -> Result<(), Error> {
        let OpenFile {
            tmp,
            path,
            writer,
            rows,
            ..
        } = f;
        let done = writer
            .into_inner()
            .map_err(|source| Error::Parquet {
                path: tmp.clone(),
                source,
            })
            .and_then(|w| {
                let file = w.into_inner().map_err(|e| io_error(&tmp)(e.into_error()))?;
                file.sync_all().map_err(io_error(&tmp))
            });
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        done?;
        self.out.staged.add(tmp, path.clone());
        self.written.rows += rows;
        self.written.files.push(path);
        Ok(())
    }

    /// Completes every file. On an error, the files not completed are removed (their
    /// temporary names only: no reader ever saw them).
    pub(crate) fn finish(mut self) -> Result<Written, Error> {
        let files = std::mem::take(&mut self.files);
        for f in files {
            if self.error.is_some() {
                let _ = std::fs::remove_file(&f.tmp);
                continue;
            }
            if let Err(e) = self.complete(f) {
                self.error = Some(e);
            }
        }
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.written),
        }
    }
}

/// Writes the rows of one source from one thread.
pub struct RowWriter {
    files: TableFiles,
    columns: Columns,
    by_hour: bool,
    /// The partition of the rows in `columns`.
    current: Option<Part>,
}

impl RowWriter {
    /// Adds one record.
    #[inline]
    pub fn push(&mut self, r: &Record<'_>) {
        if self.files.failed() {
            return;
        }
        let part = Part::of(r.ts_us, self.by_hour);
        if self.current != Some(part)
            || self.columns.len() >= BATCH_ROWS
            || self.columns.line_bytes() >= BATCH_BYTES
        {
            self.flush();
            self.current = Some(part);
        }
        self.columns.push(r);
    }

    /// Hands the rows built so far to their partition's file.
    fn flush(&mut self) {
        if let Some(part) = self.current
            && !self.columns.is_empty()
        {
            self.files.write(part, self.columns.finish());
        }
    }

    /// Completes every file (see [`TableFiles::finish`]).
    pub fn finish(mut self) -> Result<Written, Error> {
        self.flush();
        self.files.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_directories() {
        // 2026-11-21T23:59:59Z and 2026-11-22T00:00:00Z (`date -u -d @1795305599`).
        let (a, b) = (1_795_305_599_000_000, 1_795_305_600_000_000);
        assert_eq!(Part::of(a, false).dir(), Path::new("date=2026-11-21"));
        assert_eq!(
            Part::of(b, true).dir(),
            Path::new("date=2026-11-22/hour=00")
        );
        assert_eq!(
            Part::of(a, true).dir(),
            Path::new("date=2026-11-21/hour=23")
        );
        // Before 1970: -1 µs is 1969-12-31T23:59:59.999999Z.
        assert_eq!(
            Part::of(-1, true).dir(),
            Path::new("date=1969-12-31/hour=23")
        );
    }

    #[test]
    fn run_ids_differ_and_name_their_start() {
        let (a, b) = (run_id(), run_id());
        assert_ne!(a, b);
        // `YYYYMMDDTHHMMSS-host-pid-tag`.
        let start = a.split('-').next().unwrap();
        assert_eq!(start.len(), 15);
        assert_eq!(&start[8..9], "T");
        assert!(a.contains(&format!("-{}-", std::process::id())));
    }

    #[test]
    fn a_batch_is_handed_over_at_its_bytes_limit() {
        // Lines of just over 1 MiB (a long user agent): the 65th finds 64 MiB gathered.
        let tmp = tempfile::tempdir().unwrap();
        let out = Output::create(Options::new(tmp.path())).unwrap();
        let mut parser = axlog_format::Preset::NginxCombined.parser();
        let mut w = out.writer("s", Vec::new());
        let ua = "x".repeat(1 << 20);
        for i in 0..70 {
            let line = format!(
                r#"1.1.1.1 - - [22/Nov/2026:10:00:00 +0000] "GET /{i} HTTP/1.1" 200 1 "-" "{ua}""#
            );
            w.push(&parser.parse(line.as_bytes()).unwrap());
        }
        assert_eq!(w.columns.len(), 70 - 64);
        assert_eq!(w.finish().unwrap().rows, 70);
    }

    #[test]
    fn files_of_a_span_are_named_by_it() {
        let tmp = tempfile::tempdir().unwrap();
        let mut opts = Options::new(tmp.path());
        let span = Span {
            fp: 0x9f3c,
            start: 1024,
            end: Some(4096),
        };
        opts.resume = Some(Resume {
            spans: [("/var/log/a".to_string(), span)].into(),
        });
        let out = Output::create(opts).unwrap();
        assert!(out.deferred());
        assert_eq!(out.span_of("/var/log/a"), Some(span));
        assert_eq!(out.span_of("/var/log/b"), None);
        assert_eq!(
            out.file_name(Some(span)),
            "part-0000000000009f3c-000000001024-000000004096-00000.parquet"
        );
        let archive = Span { end: None, ..span };
        assert_eq!(
            out.file_name(Some(archive)),
            "part-0000000000009f3c-000000001024-999999999999-00001.parquet"
        );
        assert!(
            out.file_name(None)
                .starts_with(&format!("part-{}-", out.run_id))
        );
    }

    #[test]
    fn partition_values_are_escaped() {
        assert_eq!(hive_escape("web-1.example"), "web-1.example");
        assert_eq!(hive_escape("/var/log/a b"), "%2Fvar%2Flog%2Fa%20b");
        assert_eq!(hive_escape("é"), "%C3%A9");
        assert_eq!(hive_escape(""), "__HIVE_DEFAULT_PARTITION__");
        assert_eq!(hive_escape("."), "%2E");
        assert_eq!(hive_escape(".."), ".%2E");
        assert_eq!(hive_escape("../etc"), "..%2Fetc");
        // Windows drops trailing dots: `a.` must not become `a`'s directory.
        assert_eq!(hive_escape("a."), "a%2E");
        assert_eq!(hive_escape("a. "), "a.%20");
        assert_eq!(hive_escape("CON"), "%43%4F%4E");
        assert_eq!(
            hive_escape("a\x1b[2J\u{9b}\r\n\0"),
            "a%1B%5B2%4A%C2%9B%0D%0A%00"
        );
        assert_eq!(
            hive_escape("C:\\x|y?*<>\""),
            "%43%3A%5Cx%7Cy%3F%2A%3C%3E%22"
        );
        // Case: `Web` and `web` stay two directories where case is not told apart.
        assert_eq!(hive_escape("Web"), "%57eb");
        assert_ne!(
            hive_escape("Web").to_lowercase(),
            hive_escape("web").to_lowercase()
        );
    }

    #[test]
    fn long_partition_values_are_cut_and_stay_distinct() {
        let a = "a".repeat(300);
        let b = format!("{}b", "a".repeat(299));
        let (ea, eb) = (hive_escape(&a), hive_escape(&b));
        // 200 kept, `-`, 16 hex digits.
        assert_eq!(ea.len(), 217);
        assert_eq!(&ea[..200], "a".repeat(200));
        assert_eq!(ea[..200], eb[..200]);
        assert_ne!(ea, eb);
        assert_eq!(hive_escape(&a), ea, "the same every time");
        // Escapes are never split: 199 letters then `/` cut before the `%2F`.
        let c = format!("{}/{}", "a".repeat(199), "z".repeat(100));
        let ec = hive_escape(&c);
        assert_eq!(&ec[..200], format!("{}-", "a".repeat(199)).as_str());
        assert!(!ec.contains('%'));
        // 200 bytes exactly is kept whole.
        assert_eq!(hive_escape(&"x".repeat(200)), "x".repeat(200));
    }
}

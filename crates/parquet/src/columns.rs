//! Building Arrow columns from records, a batch at a time.

use crate::endpoint::{Endpoints, Rules};
use crate::schema::{extras_names, row_schema};
use crate::text::{decoded, escapes_in, is_absent, lossless_utf8, to_text};
use arrow_array::builder::{
    ArrayBuilder, BinaryBuilder, Int32Builder, Int64Builder, ListBuilder, MapBuilder,
    PrimitiveBuilder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BinaryArray, RecordBatch, StringArray, new_null_array};
use arrow_schema::{ArrowError, SchemaRef};
use axlog_format::{Escaping, HaproxyFields, Record};
use std::sync::Arc;

/// The columns of rows not yet written, one builder per column of [`row_schema`].
pub struct Columns {
    schema: SchemaRef,
    /// The `source` column's value for every row; `None` when the column is left out.
    source: Option<String>,
    /// The names of the layout's other variables, for the `extras` map.
    extra_names: Vec<String>,
    rows: usize,
    /// Bytes of the lines of those rows.
    line_bytes: usize,
    scratch: String,
    /// The `endpoint` column's rules, with their memo.
    endpoints: Endpoints,
    ts: TimestampMicrosecondBuilder,
    source_col: StringBuilder,
    client_ip: Lazy<BinaryBuilder>,
    client_port: Lazy<Int32Builder>,
    remote_user: Lazy<BinaryBuilder>,
    method: Lazy<BinaryBuilder>,
    path: Lazy<BinaryBuilder>,
    query: Lazy<BinaryBuilder>,
    endpoint: Lazy<BinaryBuilder>,
    protocol: Lazy<BinaryBuilder>,
    status: Lazy<Int32Builder>,
    bytes_sent: Lazy<Int64Builder>,
    response_bytes: Lazy<Int64Builder>,
    request_length: Lazy<Int64Builder>,
    referer: Lazy<BinaryBuilder>,
    user_agent: Lazy<BinaryBuilder>,
    host: Lazy<BinaryBuilder>,
    scheme: Lazy<BinaryBuilder>,
    server_port: Lazy<Int32Builder>,
    x_forwarded_for: Lazy<BinaryBuilder>,
    request_time_us: Lazy<Int64Builder>,
    upstream_addr: Lazy<BinaryBuilder>,
    upstream_status: Lazy<Int32Builder>,
    upstream_time_us: Lazy<Int64Builder>,
    upstream_attempts: Lazy<ListBuilder<Int64Builder>>,
    upstream_connect_us: Lazy<Int64Builder>,
    upstream_header_us: Lazy<Int64Builder>,
    cache_status: Lazy<BinaryBuilder>,
    tls_protocol: Lazy<BinaryBuilder>,
    tls_cipher: Lazy<BinaryBuilder>,
    connection: Lazy<Int64Builder>,
    syslog_host: Lazy<BinaryBuilder>,
    frontend: Lazy<BinaryBuilder>,
    backend: Lazy<BinaryBuilder>,
    server: Lazy<BinaryBuilder>,
    timers: [Lazy<Int64Builder>; 5],
    termination_state: Lazy<BinaryBuilder>,
    counters: [Lazy<Int32Builder>; 7],
    captured_request_headers: Lazy<BinaryBuilder>,
    captured_response_headers: Lazy<BinaryBuilder>,
    extras: Lazy<MapBuilder<StringBuilder, StringBuilder>>,
}

/// A column that holds no data until a row has a value: a column a layout never fills
/// (HAProxy's timers in an nginx log) costs a counter per row, not a null per row, and
/// ends as one null array.
struct Lazy<B> {
    /// Nulls not yet appended to `b` (all the rows while `b` is `None`).
    pending: usize,
    b: Option<B>,
    /// A null array of the column's type, cut to each batch's length: batches of a column
    /// without values share it instead of each zeroing buffers of their own.
    nulls: Option<ArrayRef>,
}

impl<B> Default for Lazy<B> {
    fn default() -> Self {
        Lazy {
            pending: 0,
            b: None,
            nulls: None,
        }
    }
}

/// What [`Lazy`] needs of a builder.
trait Col: ArrayBuilder + Sized {
    fn nulls(&mut self, n: usize);
    /// An empty builder sized for a batch like `prev`.
    fn fresh(prev: &ArrayRef) -> Self;
    /// The column as written, from what the builder made.
    fn output(a: ArrayRef) -> ArrayRef {
        a
    }
}

/// Text is gathered as bytes and checked as UTF-8 once per batch, in one pass over the
/// batch's bytes, rather than value by value.
impl Col for BinaryBuilder {
    fn nulls(&mut self, n: usize) {
        self.append_nulls(n);
    }
    fn fresh(prev: &ArrayRef) -> Self {
        let bytes = prev
            .as_string_opt::<i32>()
            .map_or(0, |a| a.value_data().len());
        BinaryBuilder::with_capacity(prev.len(), bytes)
    }
    fn output(a: ArrayRef) -> ArrayRef {
        let Some(bin) = a.as_binary_opt::<i32>() else {
            return a;
        };
        match StringArray::try_from_binary(bin.clone()) {
            Ok(text) => Arc::new(text),
            // Some value is not UTF-8 (rare: a value whose escapes were undone is made
            // valid as it comes): each value is made valid, its odd bytes kept as `\xHH`.
            Err(_) => Arc::new(utf8_lossless(bin)),
        }
    }
}

fn utf8_lossless(bin: &BinaryArray) -> StringArray {
    let mut b = StringBuilder::with_capacity(bin.len(), bin.value_data().len());
    for v in bin.iter() {
        match v {
            Some(v) => b.append_value(lossless_utf8(v)),
            None => b.append_null(),
        }
    }
    b.finish()
}

impl<T: arrow_array::types::ArrowPrimitiveType> Col for PrimitiveBuilder<T> {
    fn nulls(&mut self, n: usize) {
        self.append_nulls(n);
    }
    fn fresh(prev: &ArrayRef) -> Self {
        PrimitiveBuilder::with_capacity(prev.len())
    }
}

impl Col for ListBuilder<Int64Builder> {
    fn nulls(&mut self, n: usize) {
        self.append_nulls(n);
    }
    fn fresh(prev: &ArrayRef) -> Self {
        ListBuilder::with_capacity(Int64Builder::with_capacity(prev.len()), prev.len())
    }
}

impl Col for MapBuilder<StringBuilder, StringBuilder> {
    fn nulls(&mut self, n: usize) {
        // Cannot fail: nulls need no key.
        self.append_nulls(n).ok();
    }
    fn fresh(_: &ArrayRef) -> Self {
        MapBuilder::new(
            Some(extras_names()),
            StringBuilder::new(),
            StringBuilder::new(),
        )
    }
}

impl<B: Col> Lazy<B> {
    /// A null is only counted: a run of them is appended at once, before the next value
    /// or at the end of the batch (appending one null to a text builder costs as much as
    /// appending many).
    #[inline]
    fn null(&mut self) {
        self.pending += 1;
    }

    /// The builder, with the nulls before this row appended.
    #[inline]
    fn get(&mut self, make: impl FnOnce() -> B) -> &mut B {
        let b = self.b.get_or_insert_with(make);
        if self.pending > 0 {
            b.nulls(std::mem::take(&mut self.pending));
        }
        b
    }

    fn finish(&mut self, field: &arrow_schema::Field) -> ArrayRef {
        match &mut self.b {
            None => {
                let n = std::mem::take(&mut self.pending);
                match &self.nulls {
                    Some(a) if a.len() >= n => a.slice(0, n),
                    _ => {
                        let a = new_null_array(field.data_type(), n);
                        self.nulls = Some(a.clone());
                        a
                    }
                }
            }
            Some(b) => {
                if self.pending > 0 {
                    b.nulls(std::mem::take(&mut self.pending));
                }
                let a = B::output(b.finish());
                *b = B::fresh(&a);
                a
            }
        }
    }
}

impl Lazy<BinaryBuilder> {
    /// Appends a text value (null when absent), its escapes `e` undone.
    #[inline]
    fn text(&mut self, v: &[u8], e: Option<Escaping>) {
        if is_absent(v) {
            self.null();
            return;
        }
        match e {
            None => self.bytes(v),
            Some(e) => self.bytes(&decoded(v, e)),
        }
    }

    #[inline]
    fn bytes(&mut self, v: &[u8]) {
        self.get(BinaryBuilder::new).append_value(v);
    }
}

impl<T: arrow_array::types::ArrowPrimitiveType> Lazy<PrimitiveBuilder<T>> {
    #[inline]
    fn opt(&mut self, v: Option<T::Native>) {
        match v {
            None => self.null(),
            Some(v) => self.get(PrimitiveBuilder::new).append_value(v),
        }
    }
}

fn i64_of(v: Option<u64>) -> Option<i64> {
    v.and_then(|v| i64::try_from(v).ok())
}

fn i32_of<T: TryInto<i32>>(v: Option<T>) -> Option<i32> {
    v.and_then(|v| v.try_into().ok())
}

impl Columns {
    /// Columns for rows of `source` (`None`: the column is left out), whose layout has the
    /// other variables `extra_names`.
    pub fn new(source: Option<&str>, extra_names: Vec<String>) -> Self {
        Columns {
            schema: row_schema(source.is_some()),
            source: source.map(str::to_string),
            extra_names,
            rows: 0,
            line_bytes: 0,
            scratch: String::new(),
            endpoints: Endpoints::default(),
            ts: TimestampMicrosecondBuilder::new().with_timezone("UTC"),
            source_col: StringBuilder::new(),
            client_ip: Lazy::default(),
            client_port: Lazy::default(),
            remote_user: Lazy::default(),
            method: Lazy::default(),
            path: Lazy::default(),
            query: Lazy::default(),
            endpoint: Lazy::default(),
            protocol: Lazy::default(),
            status: Lazy::default(),
            bytes_sent: Lazy::default(),
            response_bytes: Lazy::default(),
            request_length: Lazy::default(),
            referer: Lazy::default(),
            user_agent: Lazy::default(),
            host: Lazy::default(),
            scheme: Lazy::default(),
            server_port: Lazy::default(),
            x_forwarded_for: Lazy::default(),
            request_time_us: Lazy::default(),
            upstream_addr: Lazy::default(),
            upstream_status: Lazy::default(),
            upstream_time_us: Lazy::default(),
            upstream_attempts: Lazy::default(),
            upstream_connect_us: Lazy::default(),
            upstream_header_us: Lazy::default(),
            cache_status: Lazy::default(),
            tls_protocol: Lazy::default(),
            tls_cipher: Lazy::default(),
            connection: Lazy::default(),
            syslog_host: Lazy::default(),
            frontend: Lazy::default(),
            backend: Lazy::default(),
            server: Lazy::default(),
            timers: Default::default(),
            termination_state: Lazy::default(),
            counters: Default::default(),
            captured_request_headers: Lazy::default(),
            captured_response_headers: Lazy::default(),
            extras: Lazy::default(),
        }
    }

    /// Folds the `endpoint` column with `rules` (the built-in folds alone by default).
    pub fn set_endpoint_rules(&mut self, rules: Arc<Rules>) {
        self.endpoints = Endpoints::new(rules);
    }

    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// Rows pushed since the last [`Columns::finish`].
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Bytes of the lines of the rows pushed since the last [`Columns::finish`]. A text
    /// column holds at most three times as much (an endpoint's `:id` for a one-digit
    /// segment), and four times that once bytes that are not UTF-8 are written `\xHH`.
    pub fn line_bytes(&self) -> usize {
        self.line_bytes
    }

    /// Appends one record as a row.
    pub fn push(&mut self, r: &Record<'_>) {
        // One search of the line spares one of each of its fields.
        let e = escapes_in(r);
        self.rows += 1;
        self.line_bytes += r.line.len();
        self.ts.append_value(r.ts_us);
        if let Some(src) = &self.source {
            self.source_col.append_value(src);
        }
        self.client_ip.text(r.remote_addr, e);
        self.remote_user.text(r.remote_user, e);
        self.push_request(r, e);
        self.status
            .opt((r.status != 0).then_some(i32::from(r.status)));
        self.bytes_sent.opt(i64_of(r.bytes_sent));
        self.response_bytes.opt(i64_of(r.response_bytes));
        self.request_length.opt(i64_of(r.request_length));
        self.referer.text(r.referer, e);
        self.user_agent.text(r.user_agent, e);
        self.host.text(r.host, e);
        self.scheme.text(r.scheme, e);
        self.server_port.opt(i32_of(r.server_port));
        self.x_forwarded_for.text(r.x_forwarded_for, e);
        self.request_time_us.opt(i64_of(r.request_time_us));
        self.upstream_addr.text(r.upstream_addr, e);
        self.upstream_status
            .opt(r.last_upstream_status().map(i32::from));
        self.upstream_time_us.opt(i64_of(r.upstream_time_us));
        if r.upstream_times_raw.is_empty() {
            self.upstream_attempts.null();
        } else {
            let b = self
                .upstream_attempts
                .get(|| ListBuilder::new(Int64Builder::new()));
            if memchr::memchr2(b',', b':', r.upstream_times_raw).is_none() {
                // One attempt (the usual line): its time is the sum, parsed already.
                b.values().append_option(i64_of(r.upstream_time_us));
            } else {
                for t in r.upstream_attempts_us() {
                    b.values().append_option(i64_of(t));
                }
            }
            b.append(true);
        }
        self.upstream_connect_us.opt(i64_of(r.upstream_connect_us));
        self.upstream_header_us.opt(i64_of(r.upstream_header_us));
        self.cache_status.text(r.cache_status, e);
        self.tls_protocol.text(r.tls_protocol, e);
        self.tls_cipher.text(r.tls_cipher, e);
        self.connection.opt(i64_of(r.connection));
        match &r.haproxy {
            Some(h) => self.push_haproxy(h, e),
            None => {
                for c in [
                    &mut self.syslog_host,
                    &mut self.frontend,
                    &mut self.backend,
                    &mut self.server,
                    &mut self.termination_state,
                    &mut self.captured_request_headers,
                    &mut self.captured_response_headers,
                ] {
                    c.null();
                }
                self.client_port.null();
                self.timers.iter_mut().for_each(Lazy::null);
                self.counters.iter_mut().for_each(Lazy::null);
            }
        }
        self.push_extras(r);
    }

    fn push_haproxy(&mut self, h: &HaproxyFields<'_>, e: Option<Escaping>) {
        self.syslog_host.text(h.syslog_host, e);
        self.client_port.opt(i32_of(h.client_port));
        self.frontend.text(h.frontend, e);
        self.backend.text(h.backend, e);
        self.server.text(h.server, e);
        for (b, v) in self
            .timers
            .iter_mut()
            .zip([h.tr_us, h.tw_us, h.tc_us, h.tresp_us, h.ta_us])
        {
            b.opt(i64_of(v));
        }
        self.termination_state.text(h.termination_state, e);
        for (b, v) in self.counters.iter_mut().zip([
            h.retries,
            h.srv_queue,
            h.backend_queue,
            h.actconn,
            h.feconn,
            h.beconn,
            h.srv_conn,
        ]) {
            b.opt(i32_of(v));
        }
        self.captured_request_headers
            .text(h.captured_request_headers, e);
        self.captured_response_headers
            .text(h.captured_response_headers, e);
    }

    /// Method, path, query, endpoint and protocol: from the request line, or from the
    /// fields a layout logs them in one by one.
    fn push_request(&mut self, r: &Record<'_>, e: Option<Escaping>) {
        let (method, target, protocol, query): (&[u8], &[u8], &[u8], &[u8]) =
            if !r.request.is_empty() {
                match r.request_parts() {
                    Some(p) => (p.method, p.target, p.protocol.unwrap_or(b""), b""),
                    // Not `METHOD TARGET [PROTOCOL]` (`-`, bytes of a TLS handshake):
                    // the request as logged is the path, so nothing is lost.
                    None => (b"", r.request, b"", b""),
                }
            } else {
                (r.method, r.uri, r.protocol, r.query)
            };
        let (path, query) = match memchr::memchr(b'?', target) {
            Some(q) if query.is_empty() => (&target[..q], &target[q + 1..]),
            Some(q) => (&target[..q], query),
            None => (target, query),
        };
        self.method.text(method, e);
        self.protocol.text(protocol, e);
        self.query.text(query, e);
        if is_absent(path) {
            self.path.null();
            self.endpoint.null();
            return;
        }
        let text;
        let p = match e {
            None => path,
            Some(e) => {
                text = decoded(path, e);
                &text
            }
        };
        self.path.bytes(p);
        self.endpoint.bytes(self.endpoints.endpoint(p));
    }

    fn push_extras(&mut self, r: &Record<'_>) {
        if self.extra_names.is_empty() {
            self.extras.null();
            return;
        }
        let b = self.extras.get(|| {
            MapBuilder::new(
                Some(extras_names()),
                StringBuilder::new(),
                StringBuilder::new(),
            )
        });
        let n = usize::from(r.extras_len).min(self.extra_names.len());
        for (name, v) in self.extra_names.iter().zip(&r.extras[..n]) {
            if is_absent(v) {
                continue;
            }
            b.keys().append_value(name);
            b.values()
                .append_value(to_text(v, r.escaping, &mut self.scratch));
        }
        // Cannot fail: every key appended has its value.
        b.append(true).ok();
    }

    /// The rows pushed so far as a batch; the builders start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        self.rows = 0;
        self.line_bytes = 0;
        let schema = self.schema.clone();
        let mut fields = schema.fields().iter();
        let mut next = || fields.next().map(|f| f.as_ref());
        let ts = self.ts.finish();
        self.ts = TimestampMicrosecondBuilder::with_capacity(ts.len()).with_timezone("UTC");
        next();
        let mut cols: Vec<ArrayRef> = vec![Arc::new(ts)];
        if self.source.is_some() {
            cols.push(Arc::new(self.source_col.finish()));
            next();
        }
        let mut lazy: Vec<&mut dyn FinishLazy> = vec![
            &mut self.client_ip,
            &mut self.client_port,
            &mut self.remote_user,
            &mut self.method,
            &mut self.path,
            &mut self.query,
            &mut self.endpoint,
            &mut self.protocol,
            &mut self.status,
            &mut self.bytes_sent,
            &mut self.response_bytes,
            &mut self.request_length,
            &mut self.referer,
            &mut self.user_agent,
            &mut self.host,
            &mut self.scheme,
            &mut self.server_port,
            &mut self.x_forwarded_for,
            &mut self.request_time_us,
            &mut self.upstream_addr,
            &mut self.upstream_status,
            &mut self.upstream_time_us,
            &mut self.upstream_attempts,
            &mut self.upstream_connect_us,
            &mut self.upstream_header_us,
            &mut self.cache_status,
            &mut self.tls_protocol,
            &mut self.tls_cipher,
            &mut self.connection,
            &mut self.syslog_host,
            &mut self.frontend,
            &mut self.backend,
            &mut self.server,
        ];
        lazy.extend(self.timers.iter_mut().map(|t| t as &mut dyn FinishLazy));
        lazy.push(&mut self.termination_state);
        lazy.extend(self.counters.iter_mut().map(|t| t as &mut dyn FinishLazy));
        lazy.extend([
            &mut self.captured_request_headers as &mut dyn FinishLazy,
            &mut self.captured_response_headers,
            &mut self.extras,
        ]);
        for col in lazy {
            let field = next().ok_or_else(|| {
                ArrowError::SchemaError("more columns than the schema".to_string())
            })?;
            cols.push(col.finish_lazy(field));
        }
        RecordBatch::try_new(schema.clone(), cols)
    }
}

/// [`Lazy::finish`] for any column type.
trait FinishLazy {
    fn finish_lazy(&mut self, field: &arrow_schema::Field) -> ArrayRef;
}

impl<B: Col> FinishLazy for Lazy<B> {
    fn finish_lazy(&mut self, field: &arrow_schema::Field) -> ArrayRef {
        self.finish(field)
    }
}

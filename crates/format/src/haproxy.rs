//! HAProxy logs: `option httplog`, `option tcplog`, `option httpslog` and their CLF
//! variants, behind any syslog prefix or none.

/// What an HAProxy log line carries beyond the common [`crate::Record`] fields.
/// Timers are in microseconds (HAProxy logs milliseconds); `-1` (not reached) is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HaproxyFields<'a> {
    /// The host of the syslog header, when the line has one.
    pub syslog_host: &'a [u8],
    pub client_port: Option<u16>,
    /// Frontend name as logged (a trailing `~` marks an SSL frontend and is kept).
    pub frontend: &'a [u8],
    pub backend: &'a [u8],
    /// Server name (may contain `:`), or `<NOSRV>`.
    pub server: &'a [u8],
    /// TR (Tq in logs before 1.7): time to receive the full request.
    pub tr_us: Option<u64>,
    /// Tw: time waiting in queues.
    pub tw_us: Option<u64>,
    /// Tc: time to connect to the server.
    pub tc_us: Option<u64>,
    /// Tr: server response time (headers).
    pub tresp_us: Option<u64>,
    /// Ta (Tt in logs before 1.7, and in tcplog): total time.
    pub ta_us: Option<u64>,
    /// Termination state, e.g. `----`, `CD--`, `SC`.
    pub termination_state: &'a [u8],
    pub actconn: Option<u32>,
    pub feconn: Option<u32>,
    pub beconn: Option<u32>,
    pub srv_conn: Option<u32>,
    pub retries: Option<u32>,
    pub srv_queue: Option<u32>,
    pub backend_queue: Option<u32>,
    /// Captured request / response headers: the text inside `{...}`, `|`-separated.
    pub captured_request_headers: &'a [u8],
    pub captured_response_headers: &'a [u8],
    /// `true` for tcplog lines (no HTTP request).
    pub tcp: bool,
}

//! [`ParseError`]: why a line did not parse, the one error every line parser returns.

/// Why a line did not parse. Malformed lines are data: they are counted and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty line")]
    Empty,
    #[error("client address, ident and user fields not found before '['")]
    BadClient,
    #[error("no '[' timestamp")]
    NoTime,
    #[error("timestamp is not dd/Mon/yyyy:HH:MM:SS +hhmm")]
    BadTime,
    #[error("no quoted request after the timestamp")]
    NoRequest,
    #[error("a quoted field is not closed")]
    UnclosedQuote,
    #[error("status is not a 3-digit number or '-'")]
    BadStatus,
    #[error("body bytes is not a number or '-'")]
    BadBytes,
    #[error("no quoted referer")]
    NoReferer,
    #[error("no quoted user agent")]
    NoUserAgent,
    #[error("request_time / upstream_response_time missing or not numbers")]
    BadTiming,
    #[error("line longer than the longest line axlog keeps (cut there)")]
    TooLong,
    #[error("the text between fields is not where the log format puts it")]
    Layout,
    /// A line of the server's own log that is not an access (HAProxy's `Connect from`,
    /// `Server x/y is DOWN`, `Proxy X started`): counted apart, not as malformed.
    #[error("not an access-log line (a server message)")]
    NotAccess,
}

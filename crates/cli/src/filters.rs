//! The filter flags `report` and `convert` share (`--since`, `--until`, `--where`,
//! `--exclude-bots`), and the engine's [`Filter`] built from them before the run: a bad
//! expression or time is a usage error, shown with a caret under its column.

use axlog_engine::Config;
use axlog_engine::filter::{Filter, TimeArg, parse, parse_time};
use axlog_input::Source;
use std::sync::Arc;

#[derive(clap::Args)]
pub(crate) struct FilterArgs {
    /// Only requests at or after T (inclusive): RFC 3339 (2026-11-21T12:00:00Z,
    /// 2026-11-21T13:00:00+01:00), nginx's `21/Nov/2026:13:00:00 +0100`, or a span back
    /// from the last line of the newest input (15m, 2h, 1d; not on standard input).
    #[arg(long, value_name = "T", value_parser = parse_time)]
    pub(crate) since: Option<TimeArg>,
    /// Only requests before T (exclusive); T as for --since.
    #[arg(long, value_name = "T", value_parser = parse_time)]
    pub(crate) until: Option<TimeArg>,
    /// Only requests EXPR holds for: comparisons over fields (`status>=500`,
    /// `request_time>200ms`, `bytes>1MB`, `method!=GET`), prefix (`path^=/api/`), regex
    /// (`path~'^/v[12]/'`), sets (`method in (POST,PUT)`), with `and`, `or`, `not` and
    /// parentheses. Missing values (`-`) match no comparison. See docs/filters.md.
    #[arg(long = "where", value_name = "EXPR")]
    pub(crate) where_: Option<String>,
    /// Drop requests whose user agent is a bot or a crawler (see `--by user-agent`).
    #[arg(long)]
    pub(crate) exclude_bots: bool,
}

impl FilterArgs {
    /// The filter the flags ask for (`None` when none is given): relative times are
    /// resolved against the newest input, read as `cfg` says. The error is a usage
    /// error's message, perhaps of several lines.
    pub(crate) fn build(
        &self,
        sources: &[Source],
        cfg: &Config,
    ) -> Result<Option<Arc<Filter>>, String> {
        let expr = match &self.where_ {
            Some(w) => Some(parse(w).map_err(|e| e.to_string())?),
            None => None,
        };
        let relative = [self.since, self.until]
            .iter()
            .any(|t| matches!(t, Some(TimeArg::BeforeLast(_))));
        let last = match relative {
            true => Some(axlog_engine::filter::last_time(sources, cfg)?),
            false => None,
        };
        let filter = Filter {
            since_us: self.since.and_then(|t| t.resolve(last)),
            until_us: self.until.and_then(|t| t.resolve(last)),
            exclude_bots: self.exclude_bots,
            expr,
        };
        Ok((!filter.is_empty()).then(|| Arc::new(filter)))
    }
}

//! The endpoint rules of `report` and `convert` (`--endpoint-rule`, `--endpoint-rules
//! FILE`, `--no-default-endpoint-rules`): their arguments, and the rules they make.
//! What a rule means is in the axlog-endpoint crate (docs/endpoints.md).

use anyhow::Context;
use axlog_parquet::endpoint::Rules;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args)]
pub(crate) struct EndpointArgs {
    /// A rule for endpoints (the report's endpoint lists, `--by endpoint`, Parquet's `endpoint` column): the first match
    /// of REGEX in the path (without its query) is replaced by REPLACEMENT, which may name
    /// groups (`$1`, `${name}`). Repeatable; rules apply in order, each to what the one
    /// before left, then the built-in folds (`:id`, `:uuid`, `:hex`). Split at the last
    /// `=`: `--endpoint-rule '^/api/v1/users/[^/]+=/api/v1/users/:user'`.
    #[arg(long = "endpoint-rule", value_name = "REGEX=REPLACEMENT")]
    pub(crate) endpoint_rule: Vec<axlog_parquet::endpoint::Rule>,
    /// Endpoint rules from FILE, one REGEX=REPLACEMENT a line (blank lines and `#`
    /// comments skipped), applied before those of `--endpoint-rule`. Repeatable.
    #[arg(long = "endpoint-rules", value_name = "FILE")]
    pub(crate) endpoint_rules: Vec<PathBuf>,
    /// No built-in folds (`:id`, `:uuid`, `:hex`): endpoints are the paths as the rules
    /// leave them.
    #[arg(long = "no-default-endpoint-rules")]
    pub(crate) no_default_endpoint_rules: bool,
}

impl EndpointArgs {
    /// The rules: each file's, in order, then the flags'; a bad line names its file and
    /// line.
    pub(crate) fn rules(&self) -> anyhow::Result<Arc<Rules>> {
        let mut rules = Vec::new();
        for f in &self.endpoint_rules {
            let text = std::fs::read(f)
                .with_context(|| format!("cannot read --endpoint-rules {}", f.display()))?;
            let text = String::from_utf8(text)
                .with_context(|| format!("--endpoint-rules {}: not UTF-8 text", f.display()))?;
            rules.extend(Rules::parse_file(&f.display().to_string(), &text)?);
        }
        rules.extend(self.endpoint_rule.iter().cloned());
        Ok(Arc::new(Rules::new(rules, !self.no_default_endpoint_rules)))
    }
}

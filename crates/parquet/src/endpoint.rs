//! Endpoints: a path with its identifiers folded into placeholders (`/api/users/:id`).
//! The folds and the user rules live in the axlog-endpoint crate, which the `--by
//! endpoint` tables share; the `endpoint` column is computed by it.

pub use axlog_endpoint::{Endpoints, Rule, RuleError, Rules};

//! Endpoints: the path of a request (without its query) with its identifiers folded, so
//! that `/api/users/7` and `/api/users/8` count as one endpoint, `/api/users/:id`.
//!
//! The user's rules (`--endpoint-rule REGEX=REPLACEMENT`, rules.rs) run first, in the
//! order given, then the built-in folds (`:id`, `:uuid`, `:hex`, builtin.rs) on what they
//! left, unless turned off. The `--by endpoint` tables (engine) and Parquet's `endpoint`
//! column (parquet) both go through one [`Rules`] and fold each distinct path once, with
//! a bounded memo ([`Endpoints`], memo.rs).

pub mod builtin;
mod memo;
mod rules;

pub use memo::{DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, Endpoints};
pub use rules::{Rule, RuleError, Rules, Scratch};

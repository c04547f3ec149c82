//! Why a source could not be read (to its end): each names the source, and a read error
//! the byte offset it met it at.

use axlog_input::InputError;

/// What stopped a source. The other sources of the run go on.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// Opening or reading it failed (the error names the source, and the offset for a
    /// read); the lines before a read error count.
    #[error(transparent)]
    Input(#[from] InputError),
    /// No thread could be started to read or parse it.
    #[error("{name}: cannot start {what}{}", .error.as_ref().map(|e| format!(": {e}")).unwrap_or_default())]
    Thread {
        name: String,
        /// "reading" or "parsing threads".
        what: &'static str,
        error: Option<String>,
    },
}

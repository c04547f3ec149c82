//! nginx `log_format` definitions compiled into a [`LogFormat`]: `$name` and `${name}`
//! variables, plain or `escape=json`, and the part of a definition after `combined`'s fields.

use super::compile::{Parts, finish, push_field};
use super::{Dialect, Field, FormatError, LogFormat, Var};

impl LogFormat {
    /// Compiles a definition as nginx's `log_format` writes it (the quoted strings of a
    /// configuration already joined): `$name` or `${name}` variables and literal text.
    pub fn compile(definition: &str) -> Result<LogFormat, FormatError> {
        // A JSON template is written with `escape=json`, which quotes `"` as `\"`.
        Self::compile_nginx(definition, definition.trim_start().starts_with('{'))
    }

    /// [`LogFormat::compile`] for a format whose values nginx escapes as JSON strings
    /// (`log_format name escape=json ...`): a `\"` inside a value does not end it.
    pub fn compile_nginx(definition: &str, escape_json: bool) -> Result<LogFormat, FormatError> {
        let (prefix, fields, text) = nginx_fields(definition, escape_json)?;
        finish(Dialect::Nginx, definition, prefix, fields, text, false)
    }

    /// The fields after `combined`'s in a definition that starts with them, compiled on
    /// their own: the hand-written combined parser reads the first part. `None` when the
    /// definition does not start with `combined`'s fields or adds nothing after them.
    pub fn compile_suffix(definition: &str) -> Option<LogFormat> {
        let rest = definition.strip_prefix(crate::layout::Layout::NginxCombined.definition())?;
        // The next text must be literal: `$remote_addr ... "$http_user_agent"$x` would
        // glue a variable to the closing quote.
        if rest.is_empty() || rest.starts_with('$') {
            return None;
        }
        let (prefix, fields, text) = nginx_fields(rest, false).ok()?;
        finish(Dialect::Nginx, definition, prefix, fields, text, true).ok()
    }
}

/// An nginx definition's literal prefix, fields (`$name` or `${name}`) and closing text.
pub(super) fn nginx_fields(definition: &str, escape_json: bool) -> Result<Parts, FormatError> {
    let b = definition.as_bytes();
    let mut prefix = Vec::new();
    let mut fields: Vec<Field> = Vec::new();
    let mut text = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            text.push(b[i]);
            i += 1;
            continue;
        }
        let (name, next) = if b.get(i + 1) == Some(&b'{') {
            let close = b[i + 2..]
                .iter()
                .position(|&c| c == b'}')
                .ok_or(FormatError::Unclosed(i))?;
            (&definition[i + 2..i + 2 + close], i + 3 + close)
        } else {
            let len = b[i + 1..]
                .iter()
                .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
                .unwrap_or(b.len() - i - 1);
            (&definition[i + 1..i + 1 + len], i + 1 + len)
        };
        if name.is_empty() {
            return Err(FormatError::EmptyName(i));
        }
        let var = Var::from_name(name);
        push_field(&mut prefix, &mut fields, &mut text, name, var, escape_json)?;
        i = next;
    }
    Ok((prefix, fields, text))
}

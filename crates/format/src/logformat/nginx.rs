//! nginx `log_format` definitions compiled into a [`Definition`]: `$name` and `${name}`
//! variables, plain or `escape=json`, and the part of a definition after `combined`'s fields.

use super::compile::{Parts, finish, push_field};
use super::tokenize::{Token, tokenize};
use super::{Definition, Dialect, Field, FormatError, Var};

impl Definition {
    /// Compiles a definition as nginx's `log_format` writes it (the quoted strings of a
    /// configuration already joined): `$name` or `${name}` variables and literal text.
    pub fn compile(definition: &str) -> Result<Definition, FormatError> {
        // A JSON template is written with `escape=json`, which quotes `"` as `\"`.
        Self::compile_nginx(definition, definition.trim_start().starts_with('{'))
    }

    /// [`Definition::compile`] for a format whose values nginx escapes as JSON strings
    /// (`log_format name escape=json ...`): a `\"` inside a value does not end it.
    pub fn compile_nginx(definition: &str, escape_json: bool) -> Result<Definition, FormatError> {
        let (prefix, fields, text) = nginx_fields(definition, escape_json)?;
        finish(Dialect::Nginx, definition, prefix, fields, text, false)
    }

    /// The fields after `combined`'s in a definition that starts with them, compiled on
    /// their own: the hand-written combined parser reads the first part. `None` when the
    /// definition does not start with `combined`'s fields or adds nothing after them.
    pub fn compile_suffix(definition: &str) -> Option<Definition> {
        let rest = definition.strip_prefix(crate::preset::Preset::NginxCombined.definition())?;
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
    let mut prefix = Vec::new();
    let mut fields: Vec<Field> = Vec::new();
    let mut text = Vec::new();
    for token in tokenize(Dialect::Nginx, definition) {
        let token = token?;
        match token {
            Token::Text(t) => text.extend_from_slice(t),
            Token::Escaped(c) => text.push(c),
            Token::Var { name, .. } => {
                // Bytes between ASCII delimiters of a `str`: always UTF-8.
                let name = String::from_utf8_lossy(name);
                let var = Var::from_name(&name);
                push_field(&mut prefix, &mut fields, &mut text, &name, var, escape_json)?;
            }
        }
    }
    Ok((prefix, fields, text))
}

//! The one tokenizer of definitions: it walks an nginx, Apache or HAProxy definition into
//! literal text and variables, each dialect's markup read here; the compilers
//! (`nginx.rs`, `apache.rs`, `haproxy.rs`) turn the tokens into fields.
//!
//! - nginx: `$name` (letters, digits, `_`) and `${name}`.
//! - Apache: `%` with modifiers (`<`, `>`, `!`, status lists), an optional `{arg}` and
//!   one directive byte: `%h`, `%>s`, `%{Referer}i`, `%!200,304{x}e`; `%%` is a `%`.
//! - HAProxy: `%` with optional `{flags}`, then a name or a `[sample fetch]`: `%ci`,
//!   `%{+Q}r`, `%[src]`; `%%` is a `%`, and `\x` the byte `x`.

use super::{Dialect, FormatError};

/// A piece of a definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'d> {
    /// Literal text as written: a run of bytes without markup.
    Text(&'d [u8]),
    /// One literal byte written with markup (`%%`, HAProxy's `\"`). HAProxy's `%o` eats
    /// the spaces of a [`Token::Text`] after it, not an escaped space.
    Escaped(u8),
    /// A variable.
    Var {
        /// Where its markup starts (the `$` or `%`).
        at: usize,
        /// Its whole markup: `$x`, `${x}`, `%>{Referer}i`, `%{+Q}r`.
        spec: &'d [u8],
        /// The `{...}` before the name (Apache's argument, HAProxy's flags).
        arg: Option<&'d str>,
        /// nginx's variable name, Apache's directive byte, HAProxy's name or `[fetch]`.
        name: &'d [u8],
    },
}

/// `def`'s tokens in `dialect`'s syntax, in order. Markup that does not read is an error
/// where it stands: a compiler meets the errors of its own fields before it.
pub(super) fn tokenize(dialect: Dialect, def: &str) -> Tokens<'_> {
    Tokens {
        dialect,
        def,
        i: 0,
        failed: false,
    }
}

/// The iterator [`tokenize`] returns; it ends after an error.
pub(super) struct Tokens<'d> {
    dialect: Dialect,
    def: &'d str,
    /// Where the next token starts.
    i: usize,
    failed: bool,
}

impl<'d> Tokens<'d> {
    /// Whether markup starts at `i`.
    fn is_markup(&self, i: usize) -> bool {
        let b = self.def.as_bytes();
        match (self.dialect, b[i]) {
            (Dialect::Nginx, b'$') | (Dialect::Apache | Dialect::Haproxy, b'%') => true,
            // HAProxy: `\ ` is an escaped space, `\"` a quote (a last `\` is text).
            (Dialect::Haproxy, b'\\') => i + 1 < b.len(),
            _ => false,
        }
    }
}

impl<'d> Iterator for Tokens<'d> {
    type Item = Result<Token<'d>, FormatError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (def, b, at) = (self.def, self.def.as_bytes(), self.i);
        if self.failed || at >= b.len() {
            return None;
        }
        if !self.is_markup(at) {
            let end = (at..b.len())
                .find(|&i| self.is_markup(i))
                .unwrap_or(b.len());
            self.i = end;
            return Some(Ok(Token::Text(&b[at..end])));
        }
        let read = match (self.dialect, b[at]) {
            (Dialect::Haproxy, b'\\') => Ok((Token::Escaped(b[at + 1]), at + 2)),
            (Dialect::Nginx, _) => nginx_var(def, at),
            (Dialect::Apache, _) => apache_var(def, at),
            (Dialect::Haproxy, _) => haproxy_var(def, at),
        };
        Some(match read {
            Ok((token, next)) => {
                self.i = next;
                Ok(token)
            }
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        })
    }
}

/// The position of the first `close` at or after `from`.
fn closing(b: &[u8], from: usize, close: u8) -> Option<usize> {
    b[from..].iter().position(|&c| c == close).map(|p| from + p)
}

/// The end of the run of letters, digits and `_` that starts at `from`.
fn name_end(b: &[u8], from: usize) -> usize {
    from + b[from..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count()
}

/// nginx's `$name` or `${name}` at `at`, and the position after it.
fn nginx_var(def: &str, at: usize) -> Result<(Token<'_>, usize), FormatError> {
    let b = def.as_bytes();
    let (name, next) = if b.get(at + 1) == Some(&b'{') {
        let close = closing(b, at + 2, b'}').ok_or(FormatError::Unclosed(at))?;
        (&b[at + 2..close], close + 1)
    } else {
        let end = name_end(b, at + 1);
        (&b[at + 1..end], end)
    };
    if name.is_empty() {
        return Err(FormatError::EmptyName(at));
    }
    let spec = &b[at..next];
    Ok((
        Token::Var {
            at,
            spec,
            arg: None,
            name,
        },
        next,
    ))
}

/// Apache's `%` directive at `at` (or its `%%`), and the position after it.
fn apache_var(def: &str, at: usize) -> Result<(Token<'_>, usize), FormatError> {
    let b = def.as_bytes();
    let mut i = at + 1;
    // Modifiers: `<` / `>` (original or final request), `!` and status lists
    // (conditions that make Apache log `-`).
    while i < b.len() && matches!(b[i], b'<' | b'>' | b'!' | b',' | b'0'..=b'9') {
        i += 1;
    }
    let arg = if b.get(i) == Some(&b'{') {
        let close = closing(b, i, b'}').ok_or(FormatError::Unclosed(i))?;
        let a = &def[i + 1..close];
        i = close + 1;
        Some(a)
    } else {
        None
    };
    let Some(&d) = b.get(i) else {
        return Err(FormatError::Dangling);
    };
    i += 1;
    if d == b'%' {
        return Ok((Token::Escaped(b'%'), i));
    }
    let token = Token::Var {
        at,
        spec: &b[at..i],
        arg,
        name: &b[i - 1..i],
    };
    Ok((token, i))
}

/// HAProxy's `%` variable at `at` (or its `%%`), and the position after it.
fn haproxy_var(def: &str, at: usize) -> Result<(Token<'_>, usize), FormatError> {
    let b = def.as_bytes();
    if b.get(at + 1) == Some(&b'%') {
        return Ok((Token::Escaped(b'%'), at + 2));
    }
    let mut i = at + 1;
    let arg = if b.get(i) == Some(&b'{') {
        let close = closing(b, i, b'}').ok_or(FormatError::Unclosed(i))?;
        let a = &def[i + 1..close];
        i = close + 1;
        Some(a)
    } else {
        None
    };
    let start = i;
    i = if b.get(i) == Some(&b'[') {
        closing(b, i, b']').ok_or(FormatError::Unclosed(i))? + 1
    } else {
        name_end(b, i)
    };
    if i == start {
        return Err(FormatError::EmptyName(at));
    }
    let token = Token::Var {
        at,
        spec: &b[at..i],
        arg,
        name: &b[start..i],
    };
    Ok((token, i))
}

#[cfg(test)]
mod tests {
    use super::Token::{Escaped, Text};
    use super::*;

    /// All of `def`'s tokens, or the first error.
    fn tokens(dialect: Dialect, def: &str) -> Result<Vec<Token<'_>>, FormatError> {
        tokenize(dialect, def).collect()
    }

    fn var<'d>(at: usize, spec: &'d str, arg: Option<&'d str>, name: &'d str) -> Token<'d> {
        Token::Var {
            at,
            spec: spec.as_bytes(),
            arg,
            name: name.as_bytes(),
        }
    }

    fn t(s: &str) -> Token<'_> {
        Text(s.as_bytes())
    }

    #[test]
    fn nginx_variables_and_text() {
        let toks = tokens(
            Dialect::Nginx,
            r#"$remote_addr [$time_local] "${request}x""#,
        );
        assert_eq!(
            toks.unwrap(),
            vec![
                var(0, "$remote_addr", None, "remote_addr"),
                t(" ["),
                var(14, "$time_local", None, "time_local"),
                t("] \""),
                var(28, "${request}", None, "request"),
                t("x\""),
            ]
        );
        // A name ends at the first byte that is not a letter, digit or `_`.
        assert_eq!(
            tokens(Dialect::Nginx, "a$b-c").unwrap(),
            vec![t("a"), var(1, "$b", None, "b"), t("-c")]
        );
        // `%` and `\` are text in nginx.
        assert_eq!(tokens(Dialect::Nginx, r"%h\ ").unwrap(), vec![t(r"%h\ ")]);
    }

    #[test]
    fn nginx_markup_errors() {
        // `$$`: the first `$` has no name.
        assert_eq!(
            tokens(Dialect::Nginx, "x $$a"),
            Err(FormatError::EmptyName(2))
        );
        assert_eq!(
            tokens(Dialect::Nginx, "$a $"),
            Err(FormatError::EmptyName(3))
        );
        assert_eq!(
            tokens(Dialect::Nginx, "$a ${}"),
            Err(FormatError::EmptyName(3))
        );
        assert_eq!(
            tokens(Dialect::Nginx, "$a ${b"),
            Err(FormatError::Unclosed(3))
        );
    }

    #[test]
    fn apache_directives() {
        let toks = tokens(
            Dialect::Apache,
            r#"%h %>s "%{Referer}i" %{%d/%b/%Y:%H:%M:%S %z}t 100%% %!200,304{x}e"#,
        );
        assert_eq!(
            toks.unwrap(),
            vec![
                var(0, "%h", None, "h"),
                t(" "),
                var(3, "%>s", None, "s"),
                t(" \""),
                var(8, "%{Referer}i", Some("Referer"), "i"),
                t("\" "),
                var(
                    21,
                    "%{%d/%b/%Y:%H:%M:%S %z}t",
                    Some("%d/%b/%Y:%H:%M:%S %z"),
                    "t"
                ),
                t(" 100"),
                Escaped(b'%'),
                t(" "),
                var(52, "%!200,304{x}e", Some("x"), "e"),
            ]
        );
        // `%{x}%` and `%>%` are a `%` too.
        assert_eq!(
            tokens(Dialect::Apache, "%{x}%%>%").unwrap(),
            vec![Escaped(b'%'), Escaped(b'%')]
        );
    }

    #[test]
    fn apache_markup_errors() {
        assert_eq!(tokens(Dialect::Apache, "%h %"), Err(FormatError::Dangling));
        assert_eq!(tokens(Dialect::Apache, "%h %>"), Err(FormatError::Dangling));
        assert_eq!(
            tokens(Dialect::Apache, "%h %{x}"),
            Err(FormatError::Dangling)
        );
        assert_eq!(
            tokens(Dialect::Apache, "%h %{Referer"),
            Err(FormatError::Unclosed(4))
        );
    }

    #[test]
    fn haproxy_variables_flags_and_escapes() {
        let toks = tokens(
            Dialect::Haproxy,
            r#"%ci:%cp %{+Q}r %[src] %{+Q,+X}Ts\ \"x\" 5%%"#,
        );
        assert_eq!(
            toks.unwrap(),
            vec![
                var(0, "%ci", None, "ci"),
                t(":"),
                var(4, "%cp", None, "cp"),
                t(" "),
                var(8, "%{+Q}r", Some("+Q"), "r"),
                t(" "),
                var(15, "%[src]", None, "[src]"),
                t(" "),
                var(22, "%{+Q,+X}Ts", Some("+Q,+X"), "Ts"),
                Escaped(b' '),
                Escaped(b'"'),
                t("x"),
                Escaped(b'"'),
                t(" 5"),
                Escaped(b'%'),
            ]
        );
        // A last `\` is text; `$` is text.
        assert_eq!(
            tokens(Dialect::Haproxy, r"%o $x\").unwrap(),
            vec![var(0, "%o", None, "o"), t(r" $x\")]
        );
    }

    #[test]
    fn haproxy_markup_errors() {
        assert_eq!(
            tokens(Dialect::Haproxy, "%ci %"),
            Err(FormatError::EmptyName(4))
        );
        assert_eq!(
            tokens(Dialect::Haproxy, "%ci %{+Q} x"),
            Err(FormatError::EmptyName(4))
        );
        assert_eq!(
            tokens(Dialect::Haproxy, "%ci %{+Q"),
            Err(FormatError::Unclosed(5))
        );
        assert_eq!(
            tokens(Dialect::Haproxy, "%ci %[src"),
            Err(FormatError::Unclosed(5))
        );
    }
}

//! `--where` text into an [`Expr`]: a recursive-descent parser over the grammar of
//! docs/filters.md (`not` binds tighter than `and`, `and` than `or`), with values read in
//! their field's unit. A mistake is an [`ExprError`] that points at its column.

use super::expr::{Cmp, Expr, FieldRef, Kind, Op, Test, field_named};
use regex_automata::meta::Regex;
use std::fmt;

/// A `--where` expression that does not parse: where, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub expr: String,
    /// Byte offset in `expr`.
    pub at: usize,
    pub message: String,
}

impl fmt::Display for ExprError {
    /// The message, then the expression with a `^` under the place it went wrong.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let col = self.expr[..self.at.min(self.expr.len())].chars().count();
        write!(
            f,
            "invalid --where expression at column {}: {}\n  {}\n  {}^",
            col + 1,
            self.message,
            self.expr,
            " ".repeat(col)
        )
    }
}

impl std::error::Error for ExprError {}

/// Parses a whole `--where` expression.
pub fn parse(expr: &str) -> Result<Expr, ExprError> {
    let mut p = Parser { s: expr, pos: 0 };
    let e = p.or()?;
    p.ws();
    if p.pos < p.s.len() {
        return Err(p.err(p.pos, "expected 'and', 'or' or the end of the expression"));
    }
    Ok(e)
}

struct Parser<'s> {
    s: &'s str,
    pos: usize,
}

/// A character a field name may hold (`status-class`, `haproxy.ta`, `field:x`).
fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-')
}

/// A character that ends an unquoted value.
fn ends_value(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | ',' | '\'' | '"')
}

impl Parser<'_> {
    fn err(&self, at: usize, message: impl Into<String>) -> ExprError {
        ExprError {
            expr: self.s.to_string(),
            at,
            message: message.into(),
        }
    }

    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Takes the keyword `kw` (any case) when it is the next word.
    fn keyword(&mut self, kw: &str) -> bool {
        self.ws();
        let rest = self.rest();
        let Some(head) = rest.get(..kw.len()) else {
            return false;
        };
        let whole = !rest[kw.len()..].starts_with(name_char);
        if head.eq_ignore_ascii_case(kw) && whole {
            self.pos += kw.len();
            return true;
        }
        false
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.ws();
        if self.rest().starts_with('(') {
            let open = self.pos;
            self.pos += 1;
            let e = self.or()?;
            self.ws();
            if !self.rest().starts_with(')') {
                let msg = format!(
                    "expected 'and', 'or' or ')' to close the '(' at column {}",
                    self.s[..open].chars().count() + 1
                );
                return Err(self.err(self.pos, msg));
            }
            self.pos += 1;
            return Ok(e);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        self.ws();
        let start = self.pos;
        let len = self
            .rest()
            .find(|c| !name_char(c))
            .unwrap_or(self.rest().len());
        if len == 0 {
            return Err(self.err(start, "expected a field name, 'not' or '('"));
        }
        let name = &self.s[start..start + len];
        self.pos += len;
        let field = field_named(name)
            .ok_or_else(|| self.err(start, format!("{name} cannot be filtered on")))?;
        self.ws();
        let op_at = self.pos;
        if self.keyword("in") {
            return self.set(field, name);
        }
        let ops = [">=", "<=", "!=", "^=", "==", "=", ">", "<", "~"];
        let Some(op) = ops.into_iter().find(|o| self.rest().starts_with(o)) else {
            return Err(self.err(
                op_at,
                "expected an operator: =, !=, <, <=, >, >=, ^=, ~ or in",
            ));
        };
        self.pos += op.len();
        let (value, value_at) = self.value(op)?;
        let test = match (field.kind(), op) {
            (Some(kind), "=" | "==" | "!=" | "<" | "<=" | ">" | ">=") => {
                let n = number(kind, &value).ok_or_else(|| self.err(value_at, expected(kind)))?;
                let op = match op {
                    "=" | "==" => Op::Eq,
                    "!=" => Op::Ne,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    _ => Op::Ge,
                };
                Test::Num(op, n)
            }
            (Some(_), _) => {
                return Err(self.err(
                    op_at,
                    format!("{name} is a number: expected =, !=, <, <=, >, >= or in"),
                ));
            }
            (None, "=" | "==") => Test::Eq(value.into_bytes()),
            (None, "!=") => Test::Ne(value.into_bytes()),
            (None, "^=") => Test::Prefix(value.into_bytes()),
            (None, "~") => {
                let syntax = regex_automata::util::syntax::Config::new().utf8(false);
                let re = Regex::builder().syntax(syntax).build(&value).map_err(|e| {
                    let why = regex_reason(&e);
                    self.err(value_at, format!("expected a regular expression ({why})"))
                })?;
                Test::Regex(Box::new(re))
            }
            (None, _) => {
                return Err(self.err(
                    op_at,
                    format!("{name} is text: expected =, !=, ^=, ~ or in"),
                ));
            }
        };
        Ok(Expr::Cmp(Cmp { field, test }))
    }

    /// `in (v, v, ...)`, `in` taken.
    fn set(&mut self, field: FieldRef, name: &str) -> Result<Expr, ExprError> {
        self.ws();
        if !self.rest().starts_with('(') {
            return Err(self.err(self.pos, format!("expected '(' after {name} in")));
        }
        self.pos += 1;
        let mut values = Vec::new();
        loop {
            let (v, at) = self.value("in")?;
            values.push((v, at));
            self.ws();
            match self.rest().chars().next() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err(self.pos, "expected ',' or ')'")),
            }
        }
        let test = match field.kind() {
            Some(kind) => {
                let mut set = Vec::with_capacity(values.len());
                for (v, at) in &values {
                    set.push(number(kind, v).ok_or_else(|| self.err(*at, expected(kind)))?);
                }
                Test::NumIn(set)
            }
            None => Test::In(values.into_iter().map(|(v, _)| v.into_bytes()).collect()),
        };
        Ok(Expr::Cmp(Cmp { field, test }))
    }

    /// A quoted or bare value after `after` (an operator), and where it starts.
    fn value(&mut self, after: &str) -> Result<(String, usize), ExprError> {
        self.ws();
        let at = self.pos;
        let s = self.s;
        let rest = &s[at..];
        if let Some(q) = rest.chars().next().filter(|c| matches!(c, '\'' | '"')) {
            let Some(end) = rest[1..].find(q) else {
                return Err(self.err(at, format!("expected a closing {q} for this string")));
            };
            self.pos += end + 2;
            return Ok((rest[1..=end].to_string(), at));
        }
        let len = rest.find(ends_value).unwrap_or(rest.len());
        if len == 0 {
            return Err(self.err(at, format!("expected a value after {after}")));
        }
        self.pos += len;
        Ok((rest[..len].to_string(), at))
    }
}

/// What a value of `kind` looks like, for a message.
fn expected(kind: Kind) -> &'static str {
    match kind {
        Kind::Count => "expected a whole number",
        Kind::Duration => {
            "expected a duration such as 250ms, 0.5s or 2m (units us, ms, s, m; none is s)"
        }
        Kind::Size => {
            "expected a size such as 512, 10KB or 1MiB (units B, KB, MB, GB: 1000; KiB, MiB, GiB: 1024)"
        }
    }
}

/// `v` read as `kind`: µs for a duration, bytes for a size.
pub(crate) fn number(kind: Kind, v: &str) -> Option<u64> {
    let split = v
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let unit = unit.to_ascii_lowercase();
    let scale: u64 = match (kind, unit.as_str()) {
        (Kind::Count, "") => 1,
        (Kind::Duration, "us") => 1,
        (Kind::Duration, "ms") => 1_000,
        (Kind::Duration, "s" | "") => 1_000_000,
        (Kind::Duration, "m") => 60_000_000,
        (Kind::Size, "b" | "") => 1,
        (Kind::Size, "kb") => 1_000,
        (Kind::Size, "mb") => 1_000_000,
        (Kind::Size, "gb") => 1_000_000_000,
        (Kind::Size, "kib") => 1 << 10,
        (Kind::Size, "mib") => 1 << 20,
        (Kind::Size, "gib") => 1 << 30,
        _ => return None,
    };
    decimal(num, scale, kind != Kind::Count)
}

/// `num` (digits, perhaps a fraction) times `scale`, rounded; exact in integers.
fn decimal(num: &str, scale: u64, fraction_ok: bool) -> Option<u64> {
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) if fraction_ok => (i, f),
        Some(_) => return None,
        None => (num, ""),
    };
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') || frac.len() > 18 {
        return None;
    }
    let int: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut value = int.checked_mul(u128::from(scale))?;
    if !frac.is_empty() {
        let f: u128 = frac.parse().ok()?;
        let den = 10u128.pow(frac.len() as u32);
        value += (f * u128::from(scale) + den / 2) / den;
    }
    u64::try_from(value).ok()
}

/// Why a regex did not compile, on one line: the syntax error's own last line
/// (`error: duplicate capture group name`), which the build error only wraps.
fn regex_reason(e: &regex_automata::meta::BuildError) -> String {
    match e.syntax_error() {
        Some(se) => se
            .to_string()
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .trim_start_matches("error: ")
            .to_string(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(e: &Expr) -> String {
        match e {
            Expr::And(a, b) => format!("({} and {})", shape(a), shape(b)),
            Expr::Or(a, b) => format!("({} or {})", shape(a), shape(b)),
            Expr::Not(a) => format!("not {}", shape(a)),
            Expr::Cmp(c) => match &c.field {
                FieldRef::Num(n) => format!("{n:?}"),
                FieldRef::Key(d) => d.name(),
                FieldRef::Text(t) => format!("{t:?}"),
            },
        }
    }

    fn p(s: &str) -> String {
        shape(&parse(s).unwrap())
    }

    #[test]
    fn precedence_not_and_or() {
        assert_eq!(
            p("status>=500 or method=GET and path^=/a"),
            "(Status or (method and path))"
        );
        assert_eq!(p("not status=1 and host=a"), "(not Status and host)");
        assert_eq!(p("not (status=1 and host=a)"), "not (Status and host)");
        assert_eq!(
            p("(status=1 or host=a) and path~x"),
            "((Status or host) and path)"
        );
        assert_eq!(p("a=1 or b=2 or c=3"), "((field:a or field:b) or field:c)");
        assert_eq!(
            p("NOT status=1 AND host=a OR path=b"),
            "((not Status and host) or path)"
        );
        // A keyword is a whole word: `order` is a field, not `or` + `der`.
        assert_eq!(p("order=1"), "field:order");
    }

    #[test]
    fn units() {
        assert_eq!(number(Kind::Duration, "0.5s"), Some(500_000));
        assert_eq!(number(Kind::Duration, "200ms"), Some(200_000));
        assert_eq!(number(Kind::Duration, "150us"), Some(150));
        assert_eq!(number(Kind::Duration, "2m"), Some(120_000_000));
        assert_eq!(number(Kind::Duration, "1.25"), Some(1_250_000));
        assert_eq!(number(Kind::Size, "1MB"), Some(1_000_000));
        assert_eq!(number(Kind::Size, "1MiB"), Some(1_048_576));
        assert_eq!(number(Kind::Size, "1.5KiB"), Some(1536));
        assert_eq!(number(Kind::Size, "512"), Some(512));
        assert_eq!(number(Kind::Count, "404"), Some(404));
        assert_eq!(number(Kind::Count, "4.5"), None);
        assert_eq!(number(Kind::Count, "5xx"), None);
        assert_eq!(number(Kind::Duration, "1h"), None);
        assert_eq!(number(Kind::Size, "."), None);
        assert_eq!(number(Kind::Size, "99999999999999999999GB"), None);
    }

    fn error(s: &str) -> String {
        parse(s).unwrap_err().to_string()
    }

    #[test]
    fn errors_point_at_their_column() {
        assert_eq!(
            error("status>="),
            "invalid --where expression at column 9: expected a value after >=\n  status>=\n          ^"
        );
        assert_eq!(
            error("status 500"),
            "invalid --where expression at column 8: expected an operator: =, !=, <, <=, >, >=, ^=, ~ or in\n  status 500\n         ^"
        );
        assert_eq!(
            error("(status=500 or method=GET"),
            "invalid --where expression at column 26: expected 'and', 'or' or ')' to close the '(' at column 1\n  (status=500 or method=GET\n                           ^"
        );
        assert_eq!(
            error("status>=5xx"),
            "invalid --where expression at column 9: expected a whole number\n  status>=5xx\n          ^"
        );
        assert_eq!(
            error("path<3"),
            "invalid --where expression at column 5: path is text: expected =, !=, ^=, ~ or in\n  path<3\n      ^"
        );
        assert_eq!(
            error("status=500 and"),
            "invalid --where expression at column 15: expected a field name, 'not' or '('\n  status=500 and\n                ^"
        );
        assert_eq!(
            error("status=500 method=GET"),
            "invalid --where expression at column 12: expected 'and', 'or' or the end of the expression\n  status=500 method=GET\n             ^"
        );
        // The regex's own reason, on one line.
        assert_eq!(
            error("path~'('"),
            "invalid --where expression at column 6: expected a regular expression (unclosed group)\n  path~'('\n       ^"
        );
        assert_eq!(
            error("path~'(?<a>x)(?<a>y)'"),
            "invalid --where expression at column 6: expected a regular expression (duplicate capture group name)\n  path~'(?<a>x)(?<a>y)'\n       ^"
        );
        assert_eq!(
            error("method in (GET,"),
            "invalid --where expression at column 16: expected a value after in\n  method in (GET,\n                 ^"
        );
        assert_eq!(
            error("path='/a"),
            "invalid --where expression at column 6: expected a closing ' for this string\n  path='/a\n       ^"
        );
        assert_eq!(
            error("upstream_time>1h"),
            "invalid --where expression at column 15: expected a duration such as 250ms, 0.5s or 2m (units us, ms, s, m; none is s)\n  upstream_time>1h\n                ^"
        );
    }
}

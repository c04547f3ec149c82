//! The user's endpoint rules: `REGEX=REPLACEMENT`, each compiled once with
//! regex-automata, applied in order to the path (each to what the one before left), then
//! the built-in folds ([`crate::builtin`]) unless they are turned off.
//!
//! A rule replaces the first match of its regex (as `sed s///` does; anchor it with `^`
//! and `$` to match the whole path), and its replacement may name the match's groups:
//! `$1`, `${name}`, `$$` for a `$`. The rule is split at its last `=`, so a regex may
//! hold `=` and a replacement may not.

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;

/// Why a rule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("'{0}': an endpoint rule is REGEX=REPLACEMENT")]
    NoEquals(String),
    #[error("'{0}': the rule's regex is empty")]
    EmptyRegex(String),
    #[error("'{regex}': the rule's regex does not compile: {reason}")]
    Regex { regex: String, reason: String },
    /// A rule of a rules file, with the file's name and the line's number.
    #[error("{file}:{line}: {error}")]
    InFile {
        file: String,
        line: usize,
        error: Box<RuleError>,
    },
}

/// One `REGEX=REPLACEMENT` rule, compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    regex: Regex,
    replacement: Vec<u8>,
    /// As given (`REGEX=REPLACEMENT`): a cumulative state records the rules it was made
    /// with, and a compiled regex cannot be printed back.
    spec: String,
}

impl std::str::FromStr for Rule {
    type Err = RuleError;

    fn from_str(spec: &str) -> Result<Rule, RuleError> {
        let Some((regex, replacement)) = spec.rsplit_once('=') else {
            return Err(RuleError::NoEquals(spec.to_string()));
        };
        if regex.is_empty() {
            return Err(RuleError::EmptyRegex(spec.to_string()));
        }
        let compiled = Regex::new(regex).map_err(|e| RuleError::Regex {
            regex: regex.to_string(),
            // The syntax error's own text points at the column that failed.
            reason: match e.syntax_error() {
                Some(s) => s.to_string(),
                None => e.to_string(),
            },
        })?;
        Ok(Rule {
            regex: compiled,
            replacement: replacement.as_bytes().to_vec(),
            spec: spec.to_string(),
        })
    }
}

impl Rule {
    /// The rule as given, `REGEX=REPLACEMENT`.
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// `cur` with the first match replaced, into `out`; false (and `out` untouched) when
    /// the regex does not match.
    fn apply(&self, cur: &[u8], caps: &mut Captures, out: &mut Vec<u8>) -> bool {
        self.regex.captures(cur, caps);
        let Some(m) = caps.get_match() else {
            return false;
        };
        out.clear();
        out.extend_from_slice(&cur[..m.start()]);
        caps.interpolate_bytes_into(cur, &self.replacement, out);
        out.extend_from_slice(&cur[m.end()..]);
        true
    }
}

/// The rules a run folds endpoints with: the user's, in order, then the built-in folds
/// unless turned off. The default is the built-in folds alone.
#[derive(Debug, Clone)]
pub struct Rules {
    user: Vec<Rule>,
    builtin: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            user: Vec::new(),
            builtin: true,
        }
    }
}

impl Rules {
    /// The user's `rules`, in order, then the built-in folds when `builtin`.
    pub fn new(user: Vec<Rule>, builtin: bool) -> Rules {
        Rules { user, builtin }
    }

    /// Whether there are user rules (a memo pays: a regex per path costs far more than a
    /// lookup).
    pub fn has_user_rules(&self) -> bool {
        !self.user.is_empty()
    }

    /// Whether these are the built-in folds alone (the default).
    #[inline]
    pub fn builtin_only(&self) -> bool {
        self.user.is_empty() && self.builtin
    }

    /// The rules of a rules file: one a line, blank lines and lines starting with `#`
    /// (after spaces) skipped, each line's spaces around it trimmed. A bad line's error
    /// names `file` and its line number.
    pub fn parse_file(file: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
        let mut rules = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            rules.push(line.parse().map_err(|e| RuleError::InFile {
                file: file.to_string(),
                line: i + 1,
                error: Box::new(e),
            })?);
        }
        Ok(rules)
    }

    /// The endpoint of `path` (without its query, escapes undone) into `out`; `false`
    /// when it is `path` itself (then `out` holds nothing of use).
    pub fn apply(&self, path: &[u8], out: &mut Vec<u8>) -> bool {
        self.apply_with(path, out, &mut self.scratch())
    }

    /// What [`Rules::apply_with`] works in, made once per thread so that folding a path
    /// allocates nothing.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            caps: self
                .user
                .iter()
                .map(|r| r.regex.create_captures())
                .collect(),
            tmp: Vec::new(),
        }
    }

    /// [`Rules::apply`] in `scratch` (from this `Rules`' [`Rules::scratch`]).
    #[inline]
    pub fn apply_with(&self, path: &[u8], out: &mut Vec<u8>, scratch: &mut Scratch) -> bool {
        let Scratch { caps, tmp } = scratch;
        let mut changed = false;
        for (rule, caps) in self.user.iter().zip(caps.iter_mut()) {
            let from: &[u8] = if changed { out } else { path };
            if rule.apply(from, caps, tmp) {
                std::mem::swap(out, tmp);
                changed = true;
            }
        }
        if self.builtin {
            if !changed {
                changed = crate::builtin::fold_into(path, out);
            } else if crate::builtin::fold_into(out, tmp) {
                std::mem::swap(out, tmp);
            }
        }
        changed
    }
}

/// The buffers [`Rules::apply_with`] works in: one capture set per rule, and the bytes
/// of the step before.
#[derive(Debug, Clone)]
pub struct Scratch {
    caps: Vec<Captures>,
    tmp: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(rules: &Rules, p: &str) -> String {
        let mut out = Vec::new();
        match rules.apply(p.as_bytes(), &mut out) {
            true => String::from_utf8(out).unwrap(),
            false => p.to_string(),
        }
    }

    fn rules(specs: &[&str], builtin: bool) -> Rules {
        Rules::new(specs.iter().map(|s| s.parse().unwrap()).collect(), builtin)
    }

    #[test]
    fn user_rules_then_builtin_folds() {
        let r = rules(&["^/api/v1/users/[^/]+=/api/v1/users/:user"], true);
        assert_eq!(
            ep(&r, "/api/v1/users/alice/orders/12"),
            "/api/v1/users/:user/orders/:id"
        );
        assert_eq!(ep(&r, "/api/v1/users/7"), "/api/v1/users/:user");
        assert_eq!(ep(&r, "/static/7"), "/static/:id");
        assert_eq!(ep(&r, "/x"), "/x");
        // Without the built-in folds only the rule applies.
        let r = rules(&["^/api/v1/users/[^/]+=/api/v1/users/:user"], false);
        assert_eq!(
            ep(&r, "/api/v1/users/alice/orders/12"),
            "/api/v1/users/:user/orders/12"
        );
        assert_eq!(ep(&r, "/static/7"), "/static/7");
    }

    #[test]
    fn groups_order_and_first_match() {
        // Groups by number and name; `$$` is a dollar.
        let r = rules(&[r"^/(?P<lang>[a-z]{2})/(\w+)=/$2/${lang}$$"], false);
        assert_eq!(ep(&r, "/fr/docs/x"), "/docs/fr$/x");
        // Each rule sees what the one before left; only the first match is replaced.
        let r = rules(&["a=b", "b=c"], false);
        assert_eq!(ep(&r, "/aa"), "/ca");
        // A regex may hold `=`: the rule is split at its last one.
        let r = rules(&["^/q=a=/q"], false);
        assert_eq!(ep(&r, "/q=a/x"), "/q/x");
        // An empty replacement removes the match.
        let r = rules(&[r"\.json$="], true);
        assert_eq!(ep(&r, "/a/12.json"), "/a/:id");
    }

    #[test]
    fn bad_rules_say_why() {
        assert_eq!(
            "no-equals".parse::<Rule>().unwrap_err(),
            RuleError::NoEquals("no-equals".into())
        );
        assert_eq!(
            "=x".parse::<Rule>().unwrap_err(),
            RuleError::EmptyRegex("=x".into())
        );
        let e = "/a(b=/c".parse::<Rule>().unwrap_err().to_string();
        assert!(
            e.starts_with("'/a(b': the rule's regex does not compile"),
            "{e}"
        );
        assert!(e.contains("unclosed group"), "{e}");
        let e = Rules::parse_file("r.txt", "# c\n\n^/a=/b\n  bad\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.txt:4: 'bad': an endpoint rule is REGEX=REPLACEMENT"
        );
        let ok = Rules::parse_file("r.txt", "# c\n\n ^/a=/b \n#x=y\n").unwrap();
        assert_eq!(ok.len(), 1);
    }
}

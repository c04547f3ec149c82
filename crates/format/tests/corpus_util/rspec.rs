//! The expectations of logstash-patterns-core's RSpec files (`haproxy_spec.rb`,
//! `httpd_spec.rb`), read as data: the facts each `expect(...)` states about a field.

use super::s;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Str(String),
    Num(String),
    Arrow,
    Open(u8),
    Close,
    Ident(String),
}

/// Tokens of a Ruby expression: strings, integers, `=>`, brackets, identifiers; a `#`
/// outside a string comments out the rest of its line.
pub fn tokenize(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                let mut v = Vec::new();
                i += 1;
                while i < b.len() && b[i] != c {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    v.push(b[i]);
                    i += 1;
                }
                out.push(Tok::Str(s(&v)));
            }
            b'=' if b.get(i + 1) == Some(&b'>') => {
                out.push(Tok::Arrow);
                i += 1;
            }
            b'(' | b'{' | b'[' => out.push(Tok::Open(c)),
            b')' | b'}' | b']' => out.push(Tok::Close),
            b'-' | b'0'..=b'9' if c != b'-' || b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let st = i;
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                out.push(Tok::Num(src[st..i].to_string()));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let st = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push(Tok::Ident(src[st..i].to_string()));
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[derive(Debug, PartialEq)]
pub enum Fact {
    Is(String),
    Absent,
}

/// The facts an RSpec expectation states: `include("a"=>{"b"=>1})` gives `a.b = 1`,
/// `expect(SUBJECT['a'].keys).to_not include('b')` gives `a.b` absent, where `SUBJECT` is
/// the spec's name for the parsed event (`subject`, `grok`).
pub fn facts(spec: &str, subject: &str) -> Vec<(String, Fact)> {
    let mut stmts: Vec<String> = Vec::new();
    for line in spec.lines().map(str::trim) {
        match stmts.last_mut() {
            Some(st) if !line.starts_with("expect") => {
                st.push('\n');
                st.push_str(line);
            }
            _ => stmts.push(line.to_string()),
        }
    }
    let mut out = Vec::new();
    for st in stmts {
        let toks = tokenize(&st);
        // `SUBJECT['a']['b']`: the base path.
        let mut base = Vec::new();
        if let Some(k) = toks.iter().position(|t| *t == Tok::Ident(subject.into())) {
            let mut j = k + 1;
            while let (Some(Tok::Open(b'[')), Some(Tok::Str(key))) = (toks.get(j), toks.get(j + 1))
            {
                base.push(key.clone());
                j += 3;
            }
        }
        let Some(to) = toks
            .iter()
            .position(|t| matches!(t, Tok::Ident(w) if w == "to" || w == "to_not"))
        else {
            continue;
        };
        let rest = &toks[to + 1..];
        if toks[to] == Tok::Ident("to_not".into()) {
            for t in rest {
                if let Tok::Str(k) = t {
                    let mut p = base.clone();
                    p.push(k.clone());
                    out.push((p.join("."), Fact::Absent));
                }
            }
            continue;
        }
        let mut stack: Vec<Option<String>> = Vec::new();
        let mut i = 0;
        while i < rest.len() {
            match (&rest[i], rest.get(i + 1), rest.get(i + 2), rest.get(i + 3)) {
                (Tok::Str(k), Some(Tok::Arrow), Some(Tok::Str(v) | Tok::Num(v)), _) => {
                    let mut p = base.clone();
                    p.extend(stack.iter().flatten().cloned());
                    p.push(k.clone());
                    out.push((p.join("."), Fact::Is(v.clone())));
                    i += 3;
                }
                (Tok::Str(k), Some(Tok::Arrow), Some(Tok::Open(b'{')), _) => {
                    stack.push(Some(k.clone()));
                    i += 3;
                }
                (Tok::Str(k), Some(Tok::Arrow), Some(Tok::Ident(h)), Some(Tok::Open(_)))
                    if h == "hash_including" =>
                {
                    stack.push(Some(k.clone()));
                    i += 4;
                }
                (Tok::Open(_), ..) => {
                    stack.push(None);
                    i += 1;
                }
                (Tok::Close, ..) => {
                    stack.pop();
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
    out
}

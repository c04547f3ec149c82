//! `log_format` definitions read from a real nginx configuration.
//!
//! nginx's configuration is a sequence of directives ending in `;`, with `#` comments,
//! blocks in braces and single- or double-quoted strings. `log_format NAME [escape=...]
//! 'part' "part" ...;` may span lines; its quoted parts are concatenated. `include`
//! directives are followed (a relative path is taken relative to the including file; a
//! `*` matches within the last path component), so a `conf.d/*.conf` layout works.

use std::path::{Path, PathBuf};

/// How nginx escapes characters in a definition's variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// `\xHH` for `"`, `\` and non-printables (the default).
    Default,
    /// JSON string escapes.
    Json,
    None,
}

/// One `log_format` of a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfFormat {
    pub name: String,
    pub escape: Escape,
    /// The quoted parts joined: the definition `LogFormat::compile` takes.
    pub definition: String,
    /// Where it was defined (file and line), for messages.
    pub origin: String,
}

/// What went wrong reading a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfError {
    #[error("{0}: {1}")]
    Io(String, String),
    #[error("{0}: unclosed quote")]
    UnclosedQuote(String),
    #[error("{0}: log_format without a name or definition")]
    BadLogFormat(String),
    #[error("{0}: includes nest too deep (a loop?)")]
    TooDeep(String),
}

/// Every `log_format` in `path` and the files it includes, in order.
pub fn log_formats(path: &Path) -> Result<Vec<ConfFormat>, ConfError> {
    let mut out = Vec::new();
    read_file(path, 0, &mut out, &mut Vec::new())?;
    Ok(out)
}

/// The `log_format` names the `access_log` directives use, in order (`combined` when none
/// is given), so a caller can pick the definition the server actually logs with.
pub fn access_log_formats(path: &Path) -> Result<Vec<String>, ConfError> {
    let mut out = Vec::new();
    read_file(path, 0, &mut Vec::new(), &mut out)?;
    Ok(out)
}

const MAX_INCLUDE_DEPTH: usize = 16;

fn read_file(
    path: &Path,
    depth: usize,
    formats: &mut Vec<ConfFormat>,
    access_logs: &mut Vec<String>,
) -> Result<(), ConfError> {
    let name = path.display().to_string();
    if depth > MAX_INCLUDE_DEPTH {
        return Err(ConfError::TooDeep(name));
    }
    let text = std::fs::read(path).map_err(|e| ConfError::Io(name.clone(), e.to_string()))?;
    let text = String::from_utf8_lossy(&text);
    for (line, words) in directives(&text, &name)? {
        let origin = format!("{name}:{line}");
        match words.first().map(|w| w.text.as_str()) {
            Some("log_format") => {
                let fmt_name = words
                    .get(1)
                    .ok_or(ConfError::BadLogFormat(origin.clone()))?;
                let mut escape = Escape::Default;
                let mut parts = &words[2..];
                if let Some(w) = parts.first()
                    && !w.quoted
                    && let Some(mode) = w.text.strip_prefix("escape=")
                {
                    escape = match mode {
                        "json" => Escape::Json,
                        "none" => Escape::None,
                        _ => Escape::Default,
                    };
                    parts = &parts[1..];
                }
                if parts.is_empty() {
                    return Err(ConfError::BadLogFormat(origin));
                }
                let definition: String = parts.iter().map(|w| w.text.as_str()).collect();
                formats.push(ConfFormat {
                    name: fmt_name.text.clone(),
                    escape,
                    definition,
                    origin,
                });
            }
            Some("access_log") => {
                // `access_log off;` logs nothing; `access_log PATH [FORMAT [params]]`.
                if let Some(p) = words.get(1)
                    && p.text != "off"
                {
                    let f = words
                        .get(2)
                        .filter(|w| !w.text.contains('='))
                        .map_or("combined", |w| w.text.as_str());
                    access_logs.push(f.to_string());
                }
            }
            Some("include") => {
                if let Some(pattern) = words.get(1) {
                    let base = path.parent().unwrap_or(Path::new("."));
                    for p in expand(&base.join(&pattern.text)) {
                        read_file(&p, depth + 1, formats, access_logs)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The files a pattern names: itself, or with a `*` in its last component, the matching
/// files of that directory in name order.
fn expand(pattern: &Path) -> Vec<PathBuf> {
    let Some(file) = pattern.file_name().and_then(|f| f.to_str()) else {
        return vec![pattern.to_path_buf()];
    };
    let Some((pre, post)) = file.split_once('*') else {
        return vec![pattern.to_path_buf()];
    };
    let dir = pattern.parent().unwrap_or(Path::new("."));
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| {
                    e.file_name().to_str().is_some_and(|n| {
                        n.len() >= pre.len() + post.len() && n.starts_with(pre) && n.ends_with(post)
                    })
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// A word of a directive, and whether it was quoted.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    quoted: bool,
}

/// The configuration's directives (block openings and closings dropped), each with the
/// line it starts on.
fn directives(text: &str, name: &str) -> Result<Vec<(usize, Vec<Word>)>, ConfError> {
    let mut out = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut start_line = 1;
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            ' ' | '\t' | '\r' => {}
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            ';' | '{' | '}' => {
                if c == ';' && !words.is_empty() {
                    out.push((start_line, std::mem::take(&mut words)));
                }
                words.clear();
            }
            '"' | '\'' => {
                if words.is_empty() {
                    start_line = line;
                }
                let quote = c;
                let mut s = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            // nginx keeps the backslash except before the quote itself
                            // and before another backslash.
                            match chars.next() {
                                Some(n) if n == quote || n == '\\' => s.push(n),
                                Some(n) => {
                                    s.push('\\');
                                    s.push(n);
                                    if n == '\n' {
                                        line += 1;
                                    }
                                }
                                None => break,
                            }
                        }
                        c if c == quote => {
                            closed = true;
                            break;
                        }
                        c => {
                            if c == '\n' {
                                line += 1;
                            }
                            s.push(c);
                        }
                    }
                }
                if !closed {
                    return Err(ConfError::UnclosedQuote(format!("{name}:{start_line}")));
                }
                words.push(Word {
                    text: s,
                    quoted: true,
                });
            }
            c => {
                if words.is_empty() {
                    start_line = line;
                }
                let mut s = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || matches!(n, ';' | '{' | '}' | '"' | '\'') {
                        break;
                    }
                    s.push(n);
                    chars.next();
                }
                words.push(Word {
                    text: s,
                    quoted: false,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/nginx/nginx.conf")
    }

    #[test]
    fn formats_includes_and_access_logs() {
        let f = log_formats(&conf()).unwrap();
        let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
        // main, then conf.d/*.conf in name order.
        assert_eq!(names, ["main", "json", "timing"]);
        assert_eq!(
            f[0].definition,
            crate::preset::Preset::NginxMain.definition()
        );
        assert_eq!(f[0].escape, Escape::Default);
        assert!(f[0].origin.ends_with("nginx.conf:8"), "{}", f[0].origin);
        assert_eq!(f[1].escape, Escape::Json);
        assert_eq!(
            f[1].definition,
            r#"{"time_iso8601":"$time_iso8601","remote_addr":"$remote_addr","request":"$request","status":"$status"}"#
        );
        assert_eq!(
            f[2].definition,
            r#"$remote_addr [$time_local] "$request" $status $request_length $body_bytes_sent $request_time "$t_size" $read_time $gen_time"#
        );
        assert_eq!(access_log_formats(&conf()).unwrap(), ["timing"]);
    }

    #[test]
    fn errors_name_the_place() {
        let dir = std::env::temp_dir().join(format!("axlog-conf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("bad.conf");
        std::fs::write(&p, "http {\n  log_format x '$status\n}\n").unwrap();
        assert!(
            matches!(log_formats(&p), Err(ConfError::UnclosedQuote(w)) if w.ends_with("bad.conf:2"))
        );
        std::fs::write(&p, "log_format x;\n").unwrap();
        assert!(matches!(log_formats(&p), Err(ConfError::BadLogFormat(_))));
        // An include loop stops instead of recursing forever.
        std::fs::write(&p, "include bad.conf;\n").unwrap();
        assert!(matches!(log_formats(&p), Err(ConfError::TooDeep(_))));
        assert!(matches!(
            log_formats(&dir.join("missing.conf")),
            Err(ConfError::Io(..))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! The files a command line names, in the order their lines were written: directories
//! expanded, wildcards the shell left alone expanded, and each rotated set
//! (`access.log`, `access.log.1`, `access.log.2.gz` … or `access.log-20261121.gz`) read
//! oldest first, the live file last.

use crate::Source;
use std::path::{Path, PathBuf};

/// Where a file stands in its rotated set: the set's base name and the file's age rank
/// (larger is older).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Age {
    /// `base.N[.ext]`: rotated N times (the live file is N = 0).
    Numbered(u64),
    /// `base-YYYYMMDD[.ext]` (or with `.` or `_`, any number of digits): rotated on that
    /// date; compared as text, newest last.
    Dated(String),
}

/// Compression suffixes a rotated file may carry.
const EXTENSIONS: [&str; 5] = [".gz", ".zst", ".bz2", ".xz", ".zstd"];

/// `name` as (base, age) when it is a member of a rotated set.
fn rotation_of(name: &str) -> (String, Age) {
    let mut stem = name;
    for ext in EXTENSIONS {
        if let Some(s) = stem.strip_suffix(ext) {
            stem = s;
            break;
        }
    }
    // `base.N`
    if let Some((base, n)) = stem.rsplit_once('.')
        && !base.is_empty()
        && !n.is_empty()
        && n.len() <= 6
        && n.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = n.parse::<u64>()
    {
        return (base.to_string(), Age::Numbered(n));
    }
    // `base-20261121`, `base.2026-11-21`, `base_2026112100`
    if let Some(at) = stem.find(|c: char| c.is_ascii_digit()) {
        let (base, date) = stem.split_at(at);
        let digits = date.bytes().filter(u8::is_ascii_digit).count();
        if let Some(base) = base.strip_suffix(['-', '.', '_'])
            && !base.is_empty()
            && digits >= 8
            && date
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            let key: String = date.chars().filter(char::is_ascii_digit).collect();
            return (base.to_string(), Age::Dated(key));
        }
    }
    (stem.to_string(), Age::Numbered(0))
}

/// Sorts `files` so that each rotated set is read oldest first, the live file last; sets
/// keep the order in which their first member was named.
pub fn rotation_order(files: Vec<PathBuf>) -> Vec<PathBuf> {
    // (set key, first position of the set, age rank inside the set, original position)
    let mut keyed: Vec<(PathBuf, String, usize, i8, Age, usize)> = Vec::new();
    let mut first_seen: Vec<(PathBuf, String, usize)> = Vec::new();
    for (pos, f) in files.into_iter().enumerate() {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (base, age) = rotation_of(&name);
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        let set_pos = match first_seen.iter().find(|(d, b, _)| *d == dir && *b == base) {
            Some((_, _, p)) => *p,
            None => {
                first_seen.push((dir.clone(), base.clone(), pos));
                pos
            }
        };
        // Older first: dated files by date, then numbered from the highest number down
        // to the live file.
        let (class, rank) = match &age {
            Age::Dated(_) => (0, age.clone()),
            Age::Numbered(n) => (1, Age::Numbered(u64::MAX - n)),
        };
        keyed.push((f, base, set_pos, class, rank, pos));
    }
    keyed.sort_by(|a, b| (a.2, a.3, &a.4, a.5).cmp(&(b.2, b.3, &b.4, b.5)));
    keyed.into_iter().map(|k| k.0).collect()
}

/// Whether `name` matches `pattern` (`*` any run of characters, `?` one).
fn matches(pattern: &[char], name: &[char]) -> bool {
    match (pattern.first(), name.first()) {
        (None, None) => true,
        (Some('*'), _) => {
            matches(&pattern[1..], name) || (!name.is_empty() && matches(pattern, &name[1..]))
        }
        (Some('?'), Some(_)) => matches(&pattern[1..], &name[1..]),
        (Some(p), Some(n)) if p == n => matches(&pattern[1..], &name[1..]),
        _ => false,
    }
}

/// The sources the command line's arguments name: `-` is standard input; a directory
/// gives its files (but its error logs and hidden files); an argument with `*` or `?`
/// that names no file is matched against its directory's files. Files come in
/// [`rotation_order`]. An argument that names nothing is kept, for its open error.
pub fn expand(args: &[String]) -> Vec<Source> {
    expand_indexed(args).into_iter().map(|(s, _)| s).collect()
}

/// [`expand`], each source with the number of the argument that named it.
pub fn expand_indexed(args: &[String]) -> Vec<(Source, usize)> {
    let mut from: Vec<(PathBuf, usize)> = Vec::new();
    let mut stdin_args: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    let flush = |files: &mut Vec<PathBuf>, out: &mut Vec<Source>| {
        out.extend(
            rotation_order(std::mem::take(files))
                .into_iter()
                .map(Source::Path),
        );
    };
    for (k, arg) in args.iter().enumerate() {
        let before = files.len();
        if arg == "-" {
            flush(&mut files, &mut out);
            out.push(Source::Stdin);
            stdin_args.push(k);
            continue;
        }
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let mut listed: Vec<PathBuf> = std::fs::read_dir(&path)
                .map(|it| {
                    it.filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.is_file())
                        .filter(|p| {
                            let name = p.file_name().map_or(String::new(), |n| {
                                n.to_string_lossy().to_ascii_lowercase()
                            });
                            !name.starts_with('.') && !name.contains("error")
                        })
                        .collect()
                })
                .unwrap_or_default();
            if listed.is_empty() {
                // Read as a file, it gives the error that explains itself.
                from.push((path.clone(), k));
                files.push(path);
                continue;
            }
            listed.sort();
            files.extend(listed);
            from.extend(files[before..].iter().map(|f| (f.clone(), k)));
            continue;
        }
        if !path.exists() && (arg.contains('*') || arg.contains('?')) {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let pattern: Vec<char> = path
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned())
                .chars()
                .collect();
            let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map(|it| {
                    it.filter_map(Result::ok)
                        .filter(|e| {
                            let name: Vec<char> = e.file_name().to_string_lossy().chars().collect();
                            matches(&pattern, &name)
                        })
                        .map(|e| {
                            // As given: `logs/access.log*` gives `logs/access.log.1`.
                            match path.parent() {
                                Some(d) if !d.as_os_str().is_empty() => d.join(e.file_name()),
                                _ => PathBuf::from(e.file_name()),
                            }
                        })
                        .filter(|p| p.is_file())
                        .collect()
                })
                .unwrap_or_default();
            if !found.is_empty() {
                found.sort();
                files.extend(found);
                from.extend(files[before..].iter().map(|f| (f.clone(), k)));
                continue;
            }
        }
        from.push((path.clone(), k));
        files.push(path);
    }
    flush(&mut files, &mut out);
    let mut stdin_args = stdin_args.into_iter();
    out.into_iter()
        .map(|s| {
            let k = match &s {
                Source::Stdin => stdin_args.next().unwrap_or(0),
                Source::Path(p) => from.iter().find(|(f, _)| f == p).map_or(0, |(_, k)| *k),
            };
            (s, k)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(names: &[&str]) -> Vec<String> {
        rotation_order(names.iter().map(PathBuf::from).collect())
            .into_iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    #[test]
    fn rotated_sets_oldest_first() {
        // As a shell lists `access.log*`: byte order, 10 before 2.
        assert_eq!(
            order(&[
                "access.log",
                "access.log.1",
                "access.log.10.gz",
                "access.log.2.gz",
                "access.log.3.zst",
            ]),
            [
                "access.log.10.gz",
                "access.log.3.zst",
                "access.log.2.gz",
                "access.log.1",
                "access.log",
            ]
        );
        // logrotate's `dateext`.
        assert_eq!(
            order(&[
                "/var/log/nginx/access.log",
                "/var/log/nginx/access.log-20261120.gz",
                "/var/log/nginx/access.log-20261118.gz",
                "/var/log/nginx/access.log-20261119",
            ]),
            [
                "/var/log/nginx/access.log-20261118.gz",
                "/var/log/nginx/access.log-20261119",
                "/var/log/nginx/access.log-20261120.gz",
                "/var/log/nginx/access.log",
            ]
        );
        // Two servers' sets keep the order they were named in; each is in rotation order.
        assert_eq!(
            order(&[
                "web1/access.log",
                "web2/access.log.1",
                "web1/access.log.1",
                "web2/access.log"
            ]),
            [
                "web1/access.log.1",
                "web1/access.log",
                "web2/access.log.1",
                "web2/access.log"
            ]
        );
        // Unrelated names keep their order.
        assert_eq!(order(&["b.log", "a.log"]), ["b.log", "a.log"]);
    }

    #[test]
    fn wildcards() {
        let m = |p: &str, n: &str| {
            matches(
                &p.chars().collect::<Vec<_>>(),
                &n.chars().collect::<Vec<_>>(),
            )
        };
        assert!(m("access.log*", "access.log"));
        assert!(m("access.log*", "access.log.2.gz"));
        assert!(m("*.gz", "access.log.2.gz"));
        assert!(m("access.log.?", "access.log.1"));
        assert!(!m("access.log.?", "access.log.10"));
        assert!(!m("access*", "error.log"));
    }

    #[test]
    fn directories_and_unexpanded_wildcards() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "access.log",
            "access.log.1",
            "access.log.2.gz",
            "error.log",
            ".hidden",
        ] {
            std::fs::write(dir.path().join(name), b"x\n").unwrap();
        }
        let names = |sources: Vec<Source>| -> Vec<String> {
            sources
                .into_iter()
                .map(|s| match s {
                    Source::Path(p) => p.file_name().unwrap().to_string_lossy().into_owned(),
                    Source::Stdin => "-".into(),
                })
                .collect()
        };
        let d = dir.path().display().to_string();
        assert_eq!(
            names(expand(std::slice::from_ref(&d))),
            ["access.log.2.gz", "access.log.1", "access.log"]
        );
        assert_eq!(
            names(expand(&[format!("{d}/access.log*"), "-".into()])),
            ["access.log.2.gz", "access.log.1", "access.log", "-"]
        );
        // A name that matches nothing stays, to be reported as missing.
        assert_eq!(names(expand(&[format!("{d}/nope*")])), ["nope*"]);
        // Each source knows the argument that named it, whatever the order they come in.
        let indexed: Vec<usize> = expand_indexed(&[
            format!("{d}/access.log"),
            format!("{d}/access.log.2.gz"),
            "-".into(),
        ])
        .into_iter()
        .map(|(_, k)| k)
        .collect();
        assert_eq!(indexed, [1, 0, 2]);
    }
}

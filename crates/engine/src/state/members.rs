//! A look at the files of a rotated set as they are now, for [`resolve`](super::resolve):
//! every file of the directory with the set's base name, in rotation order, each with
//! its stat, the head of its decoded text, its compression and (plain files) where its
//! last complete line ends.

use super::resolve::{Member, Set};
use axlog_input::{Compression, FileStat, Head, InputError};
use std::io;
use std::path::{Path, PathBuf};

/// Compression suffixes a rotated member may carry (as rotation.rs's).
const EXTENSIONS: [&str; 5] = [".gz", ".zst", ".bz2", ".xz", ".zstd"];

/// The base name of the rotated set a file name belongs to: `access.log` for
/// `access.log`, `access.log.2.gz` and `access.log-20261206.gz`. Mirrors rotation.rs's
/// private `rotation_of` until part A makes it public.
pub fn base_of(name: &str) -> &str {
    let stem = EXTENSIONS
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(name);
    if let Some((base, n)) = stem.rsplit_once('.')
        && !base.is_empty()
        && !n.is_empty()
        && n.len() <= 6
        && n.bytes().all(|b| b.is_ascii_digit())
    {
        return base;
    }
    if let Some(at) = stem.find(|c: char| c.is_ascii_digit()) {
        let (base, date) = stem.split_at(at);
        if let Some(base) = base.strip_suffix(['-', '.', '_'])
            && !base.is_empty()
            && date.bytes().filter(u8::is_ascii_digit).count() >= 8
            && date
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return base;
        }
    }
    stem
}

/// The rotated set `path` belongs to, as found now: every file of its directory with its
/// base name, in rotation order, each looked at (stat, head, compression, last complete
/// line); `named` says which ones the command line named. A member that disappears while
/// being looked at (rotation in progress) is left out.
pub fn members_of(path: &Path, label: String, named: &[PathBuf]) -> Result<Set, InputError> {
    let path = spelled(path);
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = base_of(&name).to_string();
    let open_err = |source: io::Error| InputError::Open {
        name: dir.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir).map_err(open_err)? {
        let e = e.map_err(open_err)?;
        let n = e.file_name().to_string_lossy().into_owned();
        if base_of(&n) == base && e.path().is_file() {
            files.push(dir.join(e.file_name()));
        }
    }
    files.sort();
    let mut members = Vec::new();
    for p in axlog_input::rotation_order(files) {
        match look(&p) {
            Ok(Some(mut m)) => {
                m.named = named.iter().any(|n| spelled(n) == p);
                members.push(m);
            }
            Ok(None) => {}
            Err(e) => return Err(e),
        }
    }
    // The set is known by its directory's canonical path: `access.log` run from
    // /var/log/nginx and `/var/log/nginx/access.log` are one set, not two read twice.
    let known_as = std::fs::canonicalize(&dir).unwrap_or(dir);
    Ok(Set {
        dir: known_as.display().to_string(),
        base,
        label,
        members,
    })
}

/// `path` with its directory spelled as [`members_of`] spells it (`.` when none).
fn spelled(path: &Path) -> PathBuf {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match path.file_name() {
        Some(n) => dir.join(n),
        None => path.to_path_buf(),
    }
}

/// One member looked at; `None` when it is gone.
fn look(path: &Path) -> Result<Option<Member>, InputError> {
    let name = path.display().to_string();
    let read_err = |source: io::Error| InputError::Read {
        name: name.clone(),
        offset: 0,
        source,
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(InputError::Open {
                name: name.clone(),
                source,
            });
        }
    };
    // The stat and head of the file opened, not of whatever has the name a moment later.
    let stat = FileStat::of_file(&file).map_err(read_err)?;
    let (decoded, compression) =
        axlog_input::decoded(file.try_clone().map_err(read_err)?).map_err(read_err)?;
    let head = Head::read(decoded).map_err(read_err)?;
    let line_end = match compression {
        Compression::None => {
            Some(axlog_input::last_line_end(&file, 0, stat.size).map_err(read_err)?)
        }
        _ => None,
    };
    Ok(Some(Member {
        path: path.to_path_buf(),
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        head,
        stat,
        compression,
        line_end,
        named: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    // The resolver's tests' lines and fingerprints, computed from the bytes.
    use crate::state::resolve::tests::{fp, text};

    #[test]
    fn members_of_looks_at_the_files_of_the_set() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let a = text("A", 30);
        let mut b = text("B", 30);
        b.extend_from_slice(b"partial");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&a).unwrap();
        let gz = gz.finish().unwrap();
        std::fs::write(dir.path().join("access.log"), &b).unwrap();
        std::fs::write(dir.path().join("access.log.1.gz"), &gz).unwrap();
        std::fs::write(dir.path().join("access.log-20261201"), &a).unwrap();
        std::fs::write(dir.path().join("other.log"), &a).unwrap();
        let live = dir.path().join("access.log");
        let got = members_of(&live, "web".into(), std::slice::from_ref(&live)).unwrap();
        assert_eq!(got.base, "access.log");
        assert_eq!(got.dir, dir.path().display().to_string());
        let view: Vec<_> = got
            .members
            .iter()
            .map(|m| {
                (
                    m.name.as_str(),
                    m.compression,
                    m.line_end,
                    m.named,
                    m.head.fingerprint(),
                )
            })
            .collect();
        assert_eq!(
            view,
            [
                (
                    "access.log-20261201",
                    Compression::None,
                    Some(a.len() as u64),
                    false,
                    Some(fp(&a))
                ),
                (
                    "access.log.1.gz",
                    Compression::Gzip,
                    None,
                    false,
                    Some(fp(&a))
                ),
                (
                    "access.log",
                    Compression::None,
                    Some((b.len() - 7) as u64),
                    true,
                    Some(fp(&b))
                ),
            ]
        );
        assert_eq!(got.members[1].stat.size, gz.len() as u64);
    }
}

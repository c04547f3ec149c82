//! Refuses a run whose output is one of its inputs, before anything is opened for writing:
//! creating the rejects file would truncate the log it is about to read. Files are
//! compared by device and inode, so another name (a link, `..`, `/dev/stdin`) is caught.

use axlog_input::Source;
use std::fs::Metadata;
use std::path::Path;

/// What identifies a file whatever its name.
#[derive(Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

fn file_id(m: &Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    FileId {
        dev: m.dev(),
        ino: m.ino(),
    }
}

/// Files and directories can be clobbered, and a pipe that is both read and written
/// never ends (`--rejects /dev/stdin` on piped input: axlog would hold its own input's
/// writing end open and wait for it forever); a terminal or `/dev/null` shared by an
/// input and an output is harmless.
fn id_if_clobberable(m: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::FileTypeExt;
    (m.is_file() || m.is_dir() || m.file_type().is_fifo()).then(|| file_id(m))
}

/// The metadata of standard input or output, through a duplicate of its descriptor.
fn std_stream_id(fd: std::io::Result<std::os::fd::OwnedFd>) -> Option<FileId> {
    let file = std::fs::File::from(fd.ok()?);
    id_if_clobberable(&file.metadata().ok()?)
}

fn stdin_id() -> Option<FileId> {
    use std::os::fd::AsFd;
    std_stream_id(std::io::stdin().as_fd().try_clone_to_owned())
}

fn stdout_id() -> Option<FileId> {
    use std::os::fd::AsFd;
    std_stream_id(std::io::stdout().as_fd().try_clone_to_owned())
}

/// The files a run reads: each with the name to show in an error.
pub struct Inputs {
    ids: Vec<(FileId, String)>,
}

impl Inputs {
    /// The input arguments (a directory argument counts as an input too), the files they
    /// expanded to, standard input when it is read, and `extra` (a configuration file).
    pub fn new(args: &[String], sources: &[Source], extra: &[&Path]) -> Inputs {
        let mut ids = Vec::new();
        let mut add = |id: Option<FileId>, name: String| {
            if let Some(id) = id {
                ids.push((id, name));
            }
        };
        let of_path = |p: &Path| std::fs::metadata(p).ok().map(|m| file_id(&m));
        for a in args.iter().filter(|a| *a != "-") {
            add(of_path(Path::new(a)), a.clone());
        }
        for s in sources {
            match s {
                Source::Path(p) => add(of_path(p), p.display().to_string()),
                Source::Stdin => add(stdin_id(), "standard input".to_string()),
            }
        }
        for p in extra {
            add(of_path(p), p.display().to_string());
        }
        Inputs { ids }
    }

    fn input_named(&self, id: Option<FileId>) -> Option<&str> {
        let id = id?;
        self.ids
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.as_str())
    }

    /// An error when `path` (which `what` names: `--rejects`) is one of the inputs.
    /// A path that does not exist yet is no input.
    pub fn check_output(&self, what: &str, path: &Path) -> anyhow::Result<()> {
        let id = std::fs::metadata(path)
            .ok()
            .and_then(|m| id_if_clobberable(&m));
        match self.input_named(id) {
            Some(input) => anyhow::bail!(
                "{what} {} is the input {input}: an output must not be one of the inputs",
                path.display()
            ),
            None => Ok(()),
        }
    }

    /// An error when standard output is a file that is one of the inputs (`axlog report
    /// x.log >> x.log` would read its own report).
    pub fn check_stdout(&self) -> anyhow::Result<()> {
        match self.input_named(stdout_id()) {
            Some(input) => {
                anyhow::bail!("standard output is the input {input}: the report would overwrite it")
            }
            None => Ok(()),
        }
    }
}

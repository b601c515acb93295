//! Where the bytes go, safely: a file is written under a temporary name beside its target
//! (`.<name>.synthtune-tmp-<pid>`) and renamed over the target only when complete, so a
//! failure (error, full disk, panic) never leaves a partial file under the target's name;
//! the temporary is removed on the way out. `-` streams to standard output.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

use super::ExportError;

/// Chunks larger than this skip the buffer and go straight to the file.
const BUFFER_BYTES: usize = 64 << 10;

/// After this many bytes, the temporary file's pages are handed to the disk in the
/// background ([`Flusher`]), so that the final sync waits for the tail alone.
const FLUSH_BYTES: u64 = 32 << 20;

/// An open output: standard output, or a temporary file that becomes `target` on
/// [`Destination::commit`]. Dropping it uncommitted removes the temporary.
pub(crate) struct Destination<'a> {
    sink: Sink<'a>,
    /// Bytes written so far.
    pub bytes: u64,
    /// The last write error, kept for writers (parquet) that wrap it into their own.
    pub last_error: Option<io::Error>,
}

enum Sink<'a> {
    Stdout(BufWriter<Stdout>),
    File(TempFile),
    /// A device or pipe named by the user (`/dev/null`, a FIFO): written in place.
    Special(PathBuf, BufWriter<File>),
    /// The caller's writer.
    Writer(&'a mut (dyn Write + Send)),
}

struct TempFile {
    target: PathBuf,
    temp: PathBuf,
    /// `None` once committed.
    file: Option<BufWriter<File>>,
    /// Syncs what has been written so far while the export goes on (`None` when the
    /// file handle could not be cloned: then the final sync does all the work).
    flusher: Option<Flusher>,
    /// Bytes written since the flusher was last asked to sync.
    unflushed: u64,
}

/// A thread that syncs a file whenever asked. The disk then writes the data out while
/// rows are still being generated, instead of all at once after the last row: the sync
/// before the rename is what makes a complete file durable, and without this it took
/// 13-15 % of a million-row export.
struct Flusher {
    /// Holds at most one request: asking while a sync runs is a no-op.
    requests: crossbeam_channel::Sender<()>,
    thread: std::thread::JoinHandle<io::Result<()>>,
}

impl Flusher {
    fn start(file: &File) -> Option<Flusher> {
        let file = file.try_clone().ok()?;
        let (requests, received) = crossbeam_channel::bounded::<()>(1);
        let thread = std::thread::Builder::new()
            .name("synthtune-flush".into())
            .spawn(move || {
                for () in received {
                    file.sync_data()?;
                }
                Ok(())
            })
            .ok()?;
        Some(Flusher { requests, thread })
    }

    fn request(&self) {
        let _ = self.requests.try_send(());
    }

    /// Waits for the sync in progress; its error, if it failed.
    fn finish(self) -> io::Result<()> {
        drop(self.requests);
        self.thread
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the flushing thread panicked")))
    }
}

impl<'a> Destination<'a> {
    pub fn stdout() -> Destination<'a> {
        Destination::new(Sink::Stdout(BufWriter::with_capacity(
            BUFFER_BYTES,
            io::stdout(),
        )))
    }

    pub fn writer(writer: &'a mut (dyn Write + Send)) -> Destination<'a> {
        Destination::new(Sink::Writer(writer))
    }

    /// Creates the temporary file for `target` (or opens `target` itself when it is a
    /// device or a pipe). The caller has checked `target` may be written (see
    /// [`check_target`]).
    pub fn file(target: &Path) -> Result<Destination<'a>, ExportError> {
        if is_special(target) {
            let file = OpenOptions::new()
                .write(true)
                .open(target)
                .map_err(|source| ExportError::Create {
                    path: target.to_owned(),
                    source,
                })?;
            let writer = BufWriter::with_capacity(BUFFER_BYTES, file);
            return Ok(Destination::new(Sink::Special(target.to_owned(), writer)));
        }
        remove_stale_temps(target);
        let temp = temp_path(target);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            // The user named the target: the hidden temporary beside it is ours.
            .map_err(|source| ExportError::Create {
                path: target.to_owned(),
                source,
            })?;
        Ok(Destination::new(Sink::File(TempFile {
            target: target.to_owned(),
            temp,
            flusher: Flusher::start(&file),
            file: Some(BufWriter::with_capacity(BUFFER_BYTES, file)),
            unflushed: 0,
        })))
    }

    fn new(sink: Sink<'a>) -> Destination<'a> {
        Destination {
            sink,
            bytes: 0,
            last_error: None,
        }
    }

    /// Appends `bytes`, with an error that names the target.
    pub fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.write_all(bytes).map_err(|e| self.error(e))
    }

    /// The export error for an I/O error on this destination.
    pub fn error(&self, source: io::Error) -> ExportError {
        match &self.sink {
            Sink::Stdout(_) if source.kind() == io::ErrorKind::BrokenPipe => {
                ExportError::StdoutClosed
            }
            Sink::Stdout(_) => ExportError::Write {
                path: PathBuf::from("<stdout>"),
                source,
            },
            Sink::File(TempFile { target: path, .. }) | Sink::Special(path, _) => {
                ExportError::Write {
                    path: path.clone(),
                    source,
                }
            }
            Sink::Writer(_) => ExportError::Write {
                path: PathBuf::from("<writer>"),
                source,
            },
        }
    }

    /// Flushes, and for a file syncs it and renames it to its target.
    pub fn commit(mut self) -> Result<(), ExportError> {
        let result = match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::File(temp) => temp.commit(),
            Sink::Special(_, out) => out.flush(),
            Sink::Writer(out) => out.flush(),
        };
        result.map_err(|e| self.error(e))
    }
}

impl TempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| io::Error::other("output already committed"))?;
        let n = file.write(buf)?;
        self.unflushed += n as u64;
        if self.unflushed >= FLUSH_BYTES
            && let Some(flusher) = &self.flusher
        {
            flusher.request();
            self.unflushed = 0;
        }
        Ok(n)
    }

    fn commit(&mut self) -> io::Result<()> {
        if let Some(writer) = self.file.take() {
            // On any failure below, the temporary is removed and the target untouched.
            let result = self.finish_and_rename(writer);
            if result.is_err() {
                let _ = std::fs::remove_file(&self.temp);
            }
            result?;
        }
        Ok(())
    }

    fn finish_and_rename(&mut self, writer: BufWriter<File>) -> io::Result<()> {
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        if let Some(flusher) = self.flusher.take() {
            flusher.finish()?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.temp, &self.target)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(flusher) = self.flusher.take() {
            let _ = flusher.finish();
        }
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

impl Write for Destination<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = match &mut self.sink {
            Sink::Stdout(out) => out.write(buf),
            Sink::File(temp) => temp.write(buf),
            Sink::Special(_, out) => out.write(buf),
            Sink::Writer(out) => out.write(buf),
        };
        match result {
            Ok(n) => {
                self.bytes += n as u64;
                Ok(n)
            }
            Err(error) => {
                self.last_error = Some(io::Error::new(error.kind(), error.to_string()));
                Err(error)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(out) => out.flush(),
            Sink::File(temp) => temp.file.as_mut().map_or(Ok(()), |f| f.flush()),
            Sink::Special(_, out) => out.flush(),
            Sink::Writer(out) => out.flush(),
        }
    }
}

/// `.<name>.synthtune-tmp-<pid>` beside `target`.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy());
    target.with_file_name(format!(".{name}.synthtune-tmp-{}", std::process::id()))
}

/// Removes temporaries of `target` left behind by killed runs (Ctrl-C kills the process
/// before any cleanup can run): those whose process no longer exists. Only where
/// `/proc` tells (Linux); elsewhere they stay, hidden, until removed by hand.
fn remove_stale_temps(target: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Some(name) = target.file_name() else {
        return;
    };
    let prefix = format!(".{}.synthtune-tmp-", name.to_string_lossy());
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// An existing file that is neither a regular file nor a directory: a device or a pipe.
fn is_special(target: &Path) -> bool {
    std::fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Refuses a target that is a directory, or a file that exists without `force`
/// (devices and pipes are written in place, no force needed).
pub(crate) fn check_target(target: &Path, force: bool) -> Result<(), ExportError> {
    if target.is_dir() {
        return Err(ExportError::IsDirectory {
            path: target.to_owned(),
        });
    }
    if target.exists() && !force && !is_special(target) {
        return Err(ExportError::Exists {
            path: target.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files larger than [`FLUSH_BYTES`] are synced in the background as they grow; what
    /// lands under the target is still every byte, in order, and a file dropped half way
    /// (while a background sync may run) is still removed.
    #[test]
    fn background_syncs_keep_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("big.ndjson");
        let piece: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        let pieces = (3 * FLUSH_BYTES as usize).div_ceil(piece.len()) + 1;

        let mut out = Destination::file(&target).unwrap();
        for _ in 0..pieces {
            out.write_bytes(&piece).unwrap();
        }
        drop(out);
        assert!(!target.exists() && !temp_path(&target).exists());

        let mut out = Destination::file(&target).unwrap();
        for _ in 0..pieces {
            out.write_bytes(&piece).unwrap();
        }
        out.commit().unwrap();
        let written = std::fs::read(&target).unwrap();
        assert_eq!(written.len(), pieces * piece.len());
        assert!(written.chunks(piece.len()).all(|c| c == piece.as_slice()));
    }

    #[test]
    fn commit_renames_and_drop_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.ndjson");

        let mut out = Destination::file(&target).unwrap();
        out.write_bytes(b"partial").unwrap();
        assert!(temp_path(&target).exists());
        drop(out);
        assert!(!target.exists() && !temp_path(&target).exists());

        let mut out = Destination::file(&target).unwrap();
        out.write_bytes(b"whole\n").unwrap();
        assert_eq!(out.bytes, 6);
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"whole\n");
        assert!(!temp_path(&target).exists());

        assert!(matches!(
            check_target(&target, false),
            Err(ExportError::Exists { .. })
        ));
        assert!(check_target(&target, true).is_ok());
        assert!(matches!(
            check_target(dir.path(), true),
            Err(ExportError::IsDirectory { .. })
        ));

        // A temporary left by a killed run is swept; a live run's is not.
        let stale = target.with_file_name(".out.ndjson.synthtune-tmp-4294967295");
        let live =
            target.with_file_name(format!(".out.ndjson.synthtune-tmp-{}", std::process::id()));
        std::fs::write(&stale, "left by a killed run").unwrap();
        std::fs::write(&live, "in progress").unwrap();
        remove_stale_temps(&target);
        assert!(!stale.exists() || !Path::new("/proc/self").exists());
        assert!(live.exists());
        std::fs::remove_file(&live).unwrap();

        // A device is written in place: nothing is created beside it.
        let null = Path::new("/dev/null");
        if null.exists() {
            check_target(null, false).unwrap();
            let mut out = Destination::file(null).unwrap();
            out.write_bytes(b"gone").unwrap();
            out.commit().unwrap();
        }
    }
}

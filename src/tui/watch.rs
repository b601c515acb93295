//! Watching schema files for saves.
//!
//! Editors save in three ways: writing in place, writing a temporary file and renaming
//! it over the original (vim, VS Code, JetBrains), or deleting and recreating. A watch on
//! the file itself goes silent after the first rename, so each schema's *folder* is
//! watched (notify-debouncer-full) and events are matched by file name. The debouncer
//! merges the events of one save; a [`Coalescer`] then waits for a short quiet spell (and,
//! when the file is momentarily missing, for it to come back) so that each save, and each
//! burst of saves, gives exactly one change notice. A schema that is a symbolic link is
//! watched at its target as well (in whatever folder that is), and followed again when
//! the link itself changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use notify_debouncer_full::notify::event::{
    AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind,
};
use notify_debouncer_full::notify::{self, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// The debouncer's window: events of one save closer than this are merged.
const DEBOUNCE: Duration = Duration::from_millis(10);
const DEBOUNCE_TICK: Duration = Duration::from_millis(2);
/// After the last event for a file arrived, wait this long for more before reporting
/// (the debouncer may hand over one burst in several batches, a tick apart). Events
/// that arrive after the notice but happened before it are dropped (see [`Coalescer`]),
/// so a short wait is enough for one save to give one notice.
const QUIET: Duration = Duration::from_millis(10);
/// A file deleted by a save is waited for this long before its absence is reported.
const MISSING_GRACE: Duration = Duration::from_millis(1000);

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("{}: cannot watch the folder: {source}", folder.display())]
    Folder {
        folder: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: cannot watch: {source}", folder.display())]
    Notify {
        folder: PathBuf,
        #[source]
        source: notify::Error,
    },
    #[error("cannot start the watch thread: {0}")]
    Thread(#[source] std::io::Error),
}

/// Watches schema files until dropped, calling back with the index of a changed one.
pub struct SchemaWatcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

type FolderWatcher = Debouncer<RecommendedWatcher, RecommendedCache>;

impl SchemaWatcher {
    /// Starts watching `schemas`; `on_change(i)` is called (from a background thread)
    /// once per save of `schemas[i]`. A schema that is a symbolic link is watched at
    /// its target too (an editor saves the target), and the link is resolved again
    /// whenever it changes.
    pub fn start(
        schemas: &[PathBuf],
        on_change: impl Fn(usize) + Send + 'static,
    ) -> Result<SchemaWatcher, WatchError> {
        let targets: Vec<Watched> = schemas
            .iter()
            .map(|p| watch_target(p).map(Watched::new))
            .collect::<Result<_, _>>()?;
        let (events_tx, events_rx) = crossbeam_channel::unbounded();
        let mut folders = Folders {
            watcher: new_debouncer(DEBOUNCE, Some(DEBOUNCE_TICK), move |result| {
                let _ = events_tx.send(result);
            })
            .map_err(|source| WatchError::Notify {
                folder: targets
                    .first()
                    .and_then(|t| t.path.parent())
                    .map(Path::to_owned)
                    .unwrap_or_default(),
                source,
            })?,
            watched: Vec::new(),
        };
        for target in &targets {
            for folder in target.folders() {
                folders.watch(folder)?;
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("synthtune-watch".into())
            .spawn(move || {
                coalesce_loop(targets, &mut folders, &events_rx, &thread_stop, &on_change)
            })
            .map_err(WatchError::Thread)?;
        Ok(SchemaWatcher {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for SchemaWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The folders being watched, all through one watcher.
struct Folders {
    watcher: FolderWatcher,
    watched: Vec<PathBuf>,
}

impl Folders {
    fn watch(&mut self, folder: &Path) -> Result<(), WatchError> {
        if self.watched.iter().any(|w| w == folder) {
            return Ok(());
        }
        self.watcher
            .watch(folder, RecursiveMode::NonRecursive)
            .map_err(|source| WatchError::Notify {
                folder: folder.to_owned(),
                source,
            })?;
        self.watched.push(folder.to_owned());
        Ok(())
    }
}

/// One schema as watched: the path given (its folder canonicalised) and, when that is a
/// symbolic link, the file it leads to.
#[derive(Debug, Clone, PartialEq)]
struct Watched {
    path: PathBuf,
    target: Option<PathBuf>,
}

impl Watched {
    fn new(path: PathBuf) -> Watched {
        let target = link_target(&path);
        Watched { path, target }
    }

    /// The folders whose events concern it.
    fn folders(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(&self.path)
            .chain(&self.target)
            .filter_map(|p| p.parent())
    }

    /// Whether an event on `path` can change what the schema reads.
    fn concerns(&self, path: &Path) -> bool {
        path == self.path || self.target.as_deref() == Some(path)
    }
}

/// Where a symbolic link finally leads (`None` for a plain file, or a link that leads
/// nowhere: then only the link itself is watched until it changes).
fn link_target(path: &Path) -> Option<PathBuf> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return None;
    }
    path.canonicalize().ok().filter(|t| t != path)
}

/// The absolute path events will name for `schema`: its folder, canonicalised (it must
/// exist; the file need not), joined with its file name.
fn watch_target(schema: &Path) -> Result<PathBuf, WatchError> {
    let folder = match schema.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let canonical = folder
        .canonicalize()
        .map_err(|source| WatchError::Folder { folder, source })?;
    Ok(canonical.join(schema.file_name().unwrap_or_default()))
}

/// Whether an event can mean the file's content changed. Opening and reading (which the
/// tuner itself does on every reload) cannot.
fn may_change_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

fn coalesce_loop(
    mut targets: Vec<Watched>,
    folders: &mut Folders,
    events: &Receiver<DebounceEventResult>,
    stop: &AtomicBool,
    on_change: &dyn Fn(usize),
) {
    let mut coalescer = Coalescer::default();
    while !stop.load(Ordering::Acquire) {
        // Wake up at the next deadline, or now and then to notice `stop`.
        let wait = coalescer
            .next_deadline()
            .map_or(Duration::from_millis(100), |d| {
                d.saturating_duration_since(Instant::now())
            });
        match events.recv_timeout(wait.min(Duration::from_millis(100))) {
            Ok(Ok(batch)) => {
                let now = Instant::now();
                for event in batch.iter().filter(|e| may_change_content(&e.kind)) {
                    for (table, target) in targets.iter_mut().enumerate() {
                        if !event.paths.iter().any(|p| target.concerns(p)) {
                            continue;
                        }
                        coalescer.saw_event(table, event.time, now);
                        // The link may now lead elsewhere: follow it (a folder that
                        // cannot be watched leaves the link itself watched).
                        if event.paths.contains(&target.path) {
                            *target = Watched::new(target.path.clone());
                            for folder in target.folders() {
                                let _ = folders.watch(folder);
                            }
                        }
                    }
                }
            }
            // Watch errors (a queue overflow, say): reload everything to be safe.
            Ok(Err(_)) => {
                let now = Instant::now();
                (0..targets.len()).for_each(|t| coalescer.saw_event(t, now, now));
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        // `exists` follows the link: a link whose target was deleted is missing.
        for table in coalescer.due(Instant::now(), |t| targets[t].path.exists()) {
            on_change(table);
        }
    }
}

/// Turns a stream of file events into one notice per save: a file is reported once no
/// event for it came for [`QUIET`] and it exists. A file found missing then is not
/// looked at again until its next event (its re-creation) or until it has been missing
/// for [`MISSING_GRACE`], when it is reported so that the error shows. An event that
/// happened before the file's last notice is dropped: the reload that notice caused
/// reads the file afterwards, so it already sees that change (the debouncer can hand
/// over the tail of a burst late).
#[derive(Debug, Default)]
pub struct Coalescer {
    pending: HashMap<usize, Pending>,
    last_notice: HashMap<usize, Instant>,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    first_event: Instant,
    last_event: Instant,
    /// Found missing after the last event.
    missing: bool,
}

impl Pending {
    fn deadline(&self) -> Instant {
        if self.missing {
            self.first_event + MISSING_GRACE
        } else {
            self.last_event + QUIET
        }
    }
}

impl Coalescer {
    /// An event for `table` that happened at `happened` arrived at `now`.
    pub fn saw_event(&mut self, table: usize, happened: Instant, now: Instant) {
        if self
            .last_notice
            .get(&table)
            .is_some_and(|&notice| happened <= notice)
        {
            return;
        }
        let pending = self.pending.entry(table).or_insert(Pending {
            first_event: now,
            last_event: now,
            missing: false,
        });
        pending.last_event = now;
        pending.missing = false;
    }

    /// When [`due`](Self::due) should next be asked.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.pending.values().map(Pending::deadline).min()
    }

    /// The tables to report now, in index order; they stop being pending.
    pub fn due(&mut self, now: Instant, exists: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut due = Vec::new();
        for (&table, pending) in &mut self.pending {
            if now < pending.deadline() {
                continue;
            }
            if !pending.missing && !exists(table) {
                pending.missing = true;
            }
            if !pending.missing || now >= pending.deadline() {
                due.push(table);
            }
        }
        due.sort_unstable();
        for table in &due {
            self.pending.remove(table);
            self.last_notice.insert(*table, now);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `t0 + n` milliseconds, and `QUIET` in milliseconds.
    fn clock() -> (impl Fn(u64) -> Instant, u64) {
        let t0 = Instant::now();
        (
            move |n| t0 + Duration::from_millis(n),
            QUIET.as_millis() as u64,
        )
    }

    #[test]
    fn a_burst_gives_one_notice_after_a_quiet_spell() {
        let (ms, q) = clock();
        let mut c = Coalescer::default();
        c.saw_event(0, ms(0), ms(0));
        c.saw_event(0, ms(10), ms(10));
        c.saw_event(1, ms(12), ms(12));
        assert!(c.due(ms(10 + q - 1), |_| true).is_empty());
        assert_eq!(c.next_deadline(), Some(ms(10 + q)));
        assert_eq!(c.due(ms(10 + q), |_| true), vec![0]);
        assert_eq!(c.due(ms(12 + q), |_| true), vec![1]);
        assert!(c.due(ms(100 + q), |_| true).is_empty());
        assert_eq!(c.next_deadline(), None);
        // The tail of the burst, handed over late: the reload read the file after it.
        c.saw_event(0, ms(10 + q - 1), ms(200));
        assert_eq!(c.next_deadline(), None);
        // A new save after the notice counts.
        c.saw_event(0, ms(300), ms(301));
        assert_eq!(c.due(ms(301 + q), |_| true), vec![0]);
    }

    #[test]
    fn a_missing_file_is_waited_for_until_it_comes_back() {
        let (ms, q) = clock();
        let mut c = Coalescer::default();
        c.saw_event(0, ms(0), ms(0));
        assert!(c.due(ms(q), |_| false).is_empty());
        let grace = MISSING_GRACE.as_millis() as u64;
        assert_eq!(
            c.next_deadline(),
            Some(ms(grace)),
            "no polling while it is missing"
        );
        // The file reappears before its event arrives: still wait for the event.
        assert!(c.due(ms(q + 10), |_| true).is_empty());
        c.saw_event(0, ms(q + 20), ms(q + 20));
        assert!(c.due(ms(q + 20 + q - 1), |_| true).is_empty());
        assert_eq!(c.due(ms(q + 20 + q), |_| true), vec![0]);
    }

    #[test]
    fn a_file_that_stays_missing_is_reported_after_the_grace_period() {
        let (ms, q) = clock();
        let grace = MISSING_GRACE.as_millis() as u64;
        let mut c = Coalescer::default();
        c.saw_event(0, ms(0), ms(0));
        assert!(c.due(ms(q), |_| false).is_empty());
        assert!(c.due(ms(grace - 1), |_| false).is_empty());
        assert_eq!(c.due(ms(grace), |_| false), vec![0]);
    }

    /// Counts the notices for a schema while `save` runs, waiting long enough for late
    /// ones.
    fn notices_during(save: impl FnOnce(&Path)) -> Vec<usize> {
        let dir = tempfile::tempdir().unwrap();
        let schema = dir.path().join("order.json");
        let other = dir.path().join("other.json");
        std::fs::write(&schema, "{}").unwrap();
        std::fs::write(&other, "{}").unwrap();
        let (tx, rx) = crossbeam_channel::unbounded();
        let watcher = SchemaWatcher::start(&[other, schema.clone()], move |table| {
            let _ = tx.send(table);
        })
        .unwrap();
        // Let the watch settle, then save.
        std::thread::sleep(Duration::from_millis(100));
        save(&schema);
        std::thread::sleep(Duration::from_millis(600));
        drop(watcher);
        rx.try_iter().collect()
    }

    fn write(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
    }

    /// The notices for a schema that is a symbolic link into another folder while
    /// `change` runs (given the link and its target).
    fn notices_through_link(change: impl FnOnce(&Path, &Path)) -> Vec<usize> {
        let here = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let target = elsewhere.path().join("real.json");
        std::fs::write(&target, "{}").unwrap();
        let link = here.path().join("order.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let (tx, rx) = crossbeam_channel::unbounded();
        let watcher = SchemaWatcher::start(std::slice::from_ref(&link), move |table| {
            let _ = tx.send(table);
        })
        .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        change(&link, &target);
        std::thread::sleep(Duration::from_millis(600));
        drop(watcher);
        rx.try_iter().collect()
    }

    #[test]
    fn an_edit_of_a_link_target_in_another_folder_gives_one_notice() {
        let notices = notices_through_link(|_, target| write(target, "{\"title\": \"A\"}"));
        assert_eq!(notices, vec![0]);
    }

    #[test]
    fn a_deleted_link_target_is_reported_after_the_grace_period() {
        let notices = notices_through_link(|_, target| {
            std::fs::remove_file(target).unwrap();
            std::thread::sleep(MISSING_GRACE);
        });
        assert_eq!(notices, vec![0]);
    }

    /// The link re-pointed at a file in a third folder: one notice, and from then on
    /// the new target's edits are noticed.
    #[test]
    fn a_link_that_changes_is_followed_to_its_new_target() {
        let third = tempfile::tempdir().unwrap();
        let new_target = third.path().join("new.json");
        std::fs::write(&new_target, "{}").unwrap();
        let notices = notices_through_link(|link, _| {
            let tmp = link.with_file_name(".order.json.new");
            std::os::unix::fs::symlink(&new_target, &tmp).unwrap();
            std::fs::rename(&tmp, link).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            write(&new_target, "{\"title\": \"B\"}");
        });
        assert_eq!(notices, vec![0, 0]);
    }

    #[test]
    fn an_in_place_save_gives_one_notice() {
        assert_eq!(notices_during(|p| write(p, "{\"title\": \"A\"}")), vec![1]);
    }

    #[test]
    fn a_rename_over_save_gives_one_notice_and_so_does_the_next() {
        let notices = notices_during(|p| {
            let tmp = p.with_file_name(".order.json.swp");
            write(&tmp, "{\"title\": \"B\"}");
            std::fs::rename(&tmp, p).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            write(&tmp, "{\"title\": \"C\"}");
            std::fs::rename(&tmp, p).unwrap();
        });
        assert_eq!(notices, vec![1, 1]);
    }

    #[test]
    fn delete_and_recreate_gives_one_notice() {
        let notices = notices_during(|p| {
            std::fs::remove_file(p).unwrap();
            std::thread::sleep(Duration::from_millis(80));
            write(p, "{}");
        });
        assert_eq!(notices, vec![1]);
    }

    #[test]
    fn a_burst_of_saves_gives_one_notice() {
        let mut took = Duration::ZERO;
        let notices = notices_during(|p| {
            let started = Instant::now();
            for i in 0..5 {
                write(p, &format!("{{\"title\": \"{i}\"}}"));
                std::thread::sleep(Duration::from_millis(1));
            }
            took = started.elapsed();
        });
        // Only a burst shorter than the quiet spell is one save; a machine busy enough to
        // stretch it further has made it several saves.
        if took < QUIET {
            assert_eq!(notices, vec![1]);
        } else {
            assert!(!notices.is_empty());
        }
    }

    #[test]
    fn reading_the_schema_or_saving_a_neighbour_gives_none() {
        let notices = notices_during(|p| {
            let _ = std::fs::read_to_string(p).unwrap();
            write(&p.with_file_name("unrelated.json"), "{}");
        });
        assert_eq!(notices, Vec::<usize>::new());
    }
}

//! The background regeneration worker: the screen never waits on generation.
//!
//! Requests are queued per table, and a newer request for a table replaces a queued one
//! (only the newest matters). Every result carries its request's generation number, so
//! the screen can drop one that a newer result has overtaken. After a result, the
//! worker measures the per-field generation costs (unless newer work is waiting) and
//! reports them separately, so timing never delays fresh statistics.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::state::Snapshot;
use crate::sink::JsonWriter;
use crate::stats::{SampleOptions, summarize_in};
use crate::{Dataset, GenerationError, Options, RowCounts, Table};

/// Sample records kept for the records pane.
pub const SAMPLE_RECORDS: u64 = 50;
/// Rows each field's generator is timed on.
const COST_ROWS: u64 = 2_000;

/// Regenerate one table: reload its schema from disk, then sample and summarise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub table: usize,
    pub generation: u64,
    pub path: PathBuf,
    /// The other tabs' schemas: the tables this one's foreign keys may reference.
    pub others: Vec<PathBuf>,
    pub seed: u64,
    pub rows: u64,
}

/// What the worker reports.
#[derive(Debug)]
pub enum WorkerEvent {
    Regenerated(Outcome),
    Costs {
        table: usize,
        generation: u64,
        costs: Vec<f64>,
    },
}

/// A finished job.
#[derive(Debug)]
pub struct Outcome {
    pub table: usize,
    pub generation: u64,
    /// The snapshot, or the load error as the user should read it.
    pub result: Result<Arc<Snapshot>, String>,
    /// Load + sample + summarise.
    pub took: Duration,
    /// The generator panicked: a bug, reported in `result` (with where it panicked) and
    /// never printed over the screen (see [`record_panics_here`]).
    pub panicked: bool,
}

#[derive(Default)]
struct Queue {
    /// At most one job per table, oldest first.
    jobs: Vec<Job>,
    stop: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A panic elsewhere while holding the lock leaves a queue that is still valid.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The worker thread; stops (after its current job) when dropped.
pub struct Worker {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// A worker loading schemas with `options` and reporting to `report`.
    pub fn spawn(
        options: Options,
        report: impl Fn(WorkerEvent) + Send + 'static,
    ) -> std::io::Result<Worker> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
        });
        let thread_shared = Arc::clone(&shared);
        install_recording_hook();
        let thread = std::thread::Builder::new()
            .name("synthtune-worker".into())
            .spawn(move || {
                record_panics_here(true);
                work(&thread_shared, &options, &report)
            })?;
        Ok(Worker {
            shared,
            thread: Some(thread),
        })
    }

    /// Queues `job`, replacing a queued job for the same table.
    pub fn submit(&self, job: Job) {
        self.shared.lock().enqueue(job);
        self.shared.wake.notify_one();
    }
}

impl Queue {
    fn enqueue(&mut self, job: Job) {
        match self.jobs.iter_mut().find(|j| j.table == job.table) {
            Some(queued) => *queued = job,
            None => self.jobs.push(job),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn work(shared: &Shared, options: &Options, report: &dyn Fn(WorkerEvent)) {
    loop {
        let job = {
            let mut queue = shared.lock();
            while queue.jobs.is_empty() && !queue.stop {
                queue = shared
                    .wake
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if queue.stop {
                return;
            }
            queue.jobs.remove(0)
        };
        let started = Instant::now();
        let (outcome, table) =
            match std::panic::catch_unwind(AssertUnwindSafe(|| regenerate(&job, options))) {
                Ok(done) => done,
                Err(payload) => (crashed(&job, payload.as_ref(), started.elapsed()), None),
            };
        report(WorkerEvent::Regenerated(outcome));
        let newer_waiting = shared.lock().jobs.iter().any(|j| j.table == job.table);
        if let (Some(table), false) = (table, newer_waiting) {
            let costs = table.field_costs(job.seed, COST_ROWS.min(job.rows.max(1)));
            report(WorkerEvent::Costs {
                table: job.table,
                generation: job.generation,
                costs,
            });
        }
    }
}

thread_local! {
    /// Whether a panic on this thread is recorded for the status line rather than
    /// printed.
    static RECORDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The last panic recorded (its message and where it happened), for [`crashed`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Makes a panic on the calling thread recorded instead of printed (or printed again,
/// with `false`). The worker's thread records: the terminal is in raw mode under the
/// tuner's screen, and a report printed there would land over it. A thread the
/// worker starts (the compiler's, see `schema::limits::on_compile_stack`) inherits it.
pub fn record_panics_here(on: bool) {
    RECORDING.with(|r| r.set(on));
}

/// Whether the calling thread records its panics.
pub fn records_panics() -> bool {
    RECORDING.with(|r| r.get())
}

/// Once per process: a hook that records the panics of recording threads and passes
/// every other panic to the hook before it (the terminal's, which restores the screen
/// first, or the default report).
fn install_recording_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !records_panics() {
                return previous(info);
            }
            let message = panic_message(info.payload());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            *LAST_PANIC.lock().unwrap_or_else(PoisonError::into_inner) =
                Some(format!("{message}{at}"));
        }));
    });
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// The outcome of a job whose generator panicked: a bug, shown like a schema error so
/// that the tuner keeps running.
fn crashed(job: &Job, payload: &(dyn Any + Send), took: Duration) -> Outcome {
    let message = LAST_PANIC
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .unwrap_or_else(|| panic_message(payload));
    Outcome {
        table: job.table,
        generation: job.generation,
        result: Err(format!(
            "internal error: generation panicked ({message}); please report it"
        )),
        took,
        panicked: true,
    }
}

/// Runs one job; the compiled table comes back too, for the cost measurement.
pub fn regenerate(job: &Job, options: &Options) -> (Outcome, Option<Table>) {
    let started = Instant::now();
    let loaded = load_linked(job, options);
    let (result, table) = match loaded {
        Ok(mut dataset) => {
            // A row without a valid value shows as an error, like a bad save: the last
            // good results stay on screen under it.
            let sampled = summarize_in(&dataset, 0, &SampleOptions::new(job.seed, job.rows))
                .and_then(|summary| {
                    let samples =
                        sample_records(&dataset.tables[0], job.seed, SAMPLE_RECORDS.min(job.rows))?;
                    Ok(Snapshot { summary, samples })
                });
            match sampled {
                Ok(snapshot) => (Ok(Arc::new(snapshot)), Some(dataset.tables.swap_remove(0))),
                Err(e) => (Err(e.to_string()), None),
            }
        }
        Err(e) => (Err(e.to_string()), None),
    };
    let outcome = Outcome {
        table: job.table,
        generation: job.generation,
        result,
        took: started.elapsed(),
        panicked: false,
    };
    (outcome, table)
}

/// The job's table first, its foreign keys linked to the other tabs' tables (those that
/// load), which rules across tables are checked against.
fn load_linked(job: &Job, options: &Options) -> Result<Dataset, crate::Error> {
    let table = Table::load_with(&job.path, options)?;
    if table.plan().references.is_empty() {
        return Ok(Dataset::alone(table));
    }
    let mut tables = vec![table];
    tables.extend(
        job.others
            .iter()
            .filter_map(|path| Table::load_with(path, options).ok()),
    );
    Dataset::new(tables, &RowCounts::default())
}

/// Rows `0..n` as compact JSON lines, or the first row that has no valid value.
pub fn sample_records(table: &Table, seed: u64, n: u64) -> Result<Vec<String>, GenerationError> {
    (0..n)
        .map(|row| {
            let mut writer = JsonWriter::new();
            table.write_row(seed, row, &mut writer)?;
            Ok(writer.buf)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam_channel::unbounded;

    #[test]
    fn a_newer_request_replaces_a_queued_one_and_results_carry_generations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        std::fs::write(&path, r#"{"title": "T", "type": "object"}"#).unwrap();
        let (tx, rx) = unbounded();
        let worker = Worker::spawn(Options::default(), move |e| {
            let _ = tx.send(e);
        })
        .unwrap();
        let job = |generation| Job {
            table: 0,
            generation,
            path: path.clone(),
            others: Vec::new(),
            seed: 1,
            rows: 10,
        };
        // Queue all three under one lock, so that they meet in the queue.
        {
            let mut queue = worker.shared.lock();
            queue.enqueue(job(1));
            queue.enqueue(Job { table: 1, ..job(2) });
            queue.enqueue(job(3));
        }
        worker.shared.wake.notify_one();
        let mut generations = Vec::new();
        while generations.len() < 2 {
            match rx.recv_timeout(Duration::from_secs(10)).unwrap() {
                WorkerEvent::Regenerated(o) => {
                    assert!(o.result.is_ok(), "{:?}", o.result);
                    generations.push((o.table, o.generation));
                }
                WorkerEvent::Costs { .. } => {}
            }
        }
        assert_eq!(generations, vec![(0, 3), (1, 2)]);
    }

    /// Regenerates `schema`, saved as `name` alone in a folder, as request `generation`
    /// of table 0 (10 rows, seed 1).
    fn regenerate_one(name: &str, schema: &str, generation: u64) -> (Outcome, Option<Table>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, schema).unwrap();
        let job = Job {
            table: 0,
            generation,
            path,
            others: Vec::new(),
            seed: 1,
            rows: 10,
        };
        regenerate(&job, &Options::default())
    }

    #[test]
    fn a_bad_schema_reports_its_location() {
        let (outcome, table) = regenerate_one("bad.json", "{\n  \"title\": }", 7);
        assert!(table.is_none());
        assert_eq!(outcome.generation, 7);
        let message = outcome.result.unwrap_err();
        assert!(message.contains("bad.json:2:"), "{message}");
    }

    /// A knob without effect is a warning of the tuner's, as it is a note of `check`'s.
    #[test]
    fn a_knob_without_effect_is_a_warning() {
        let (outcome, _) = regenerate_one(
            "w.json",
            r#"{"title": "W", "type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "x-synth": {"null_rate": 0.2, "absent_rate": 0.1}}}}"#,
            1,
        );
        let warnings = outcome.result.unwrap().summary.warnings.clone();
        assert_eq!(
            warnings,
            vec![
                "ignored: /properties/n/x-synth/null_rate: null_rate has no effect: this field is never null (allow null to use it: \"type\": [..., \"null\"], or an anyOf branch {\"type\": \"null\"})",
                "ignored: /properties/n/x-synth/absent_rate: absent_rate has no effect: \"n\" is required, so every record has it (drop it from `required` to use the rate)",
            ]
        );
    }

    /// A value inferred from a field's name is information beside the warnings, not one
    /// of them (the status line counts warnings only).
    #[test]
    fn an_inference_is_not_a_warning() {
        let (outcome, _) = regenerate_one(
            "i.json",
            r#"{"title": "I", "type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}"#,
            1,
        );
        let summary = outcome.result.unwrap().summary.clone();
        assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
        assert_eq!(summary.inferred.len(), 1);
        assert!(
            summary.inferred[0].starts_with("inferred: /properties/city: domain city"),
            "{:?}",
            summary.inferred
        );
    }

    #[derive(Debug)]
    struct Panics;

    impl crate::synthesizer::Synthesizer for Panics {
        fn generate(&self, _: &mut crate::rng::SynthRng, row: u64) -> serde_json::Value {
            panic!("the synthesizer broke on row {row}")
        }
    }

    /// A panic in a generator is reported as the job's error, with where it happened
    /// (which only the recording hook knows: it ran instead of the printed report), and
    /// the worker goes on with the next job.
    #[test]
    fn a_panic_in_the_worker_is_recorded_and_reported_not_printed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        std::fs::write(
            &path,
            r#"{"title": "P", "type": "object", "required": ["x"], "properties": {"x": {"x-synth": {"synthesizer": "panics"}}}}"#,
        )
        .unwrap();
        let good = dir.path().join("g.json");
        std::fs::write(&good, r#"{"title": "G", "type": "integer"}"#).unwrap();
        let mut options = Options::default();
        options.synthesizers.register("panics", Arc::new(Panics));
        let (tx, rx) = unbounded();
        let worker = Worker::spawn(options, move |e| {
            let _ = tx.send(e);
        })
        .unwrap();
        let job = |table, path: &PathBuf| Job {
            table,
            generation: 1,
            path: path.clone(),
            others: Vec::new(),
            seed: 1,
            rows: 10,
        };
        worker.submit(job(0, &path));
        let outcome = loop {
            if let WorkerEvent::Regenerated(o) = rx.recv_timeout(Duration::from_secs(30)).unwrap() {
                break o;
            }
        };
        assert!(outcome.panicked);
        let message = outcome.result.unwrap_err();
        assert!(
            message.contains("the synthesizer broke on row 0 at src/tui/worker.rs:"),
            "{message}"
        );
        assert!(
            !records_panics(),
            "the test's own thread still prints its panics"
        );
        worker.submit(job(1, &good));
        let next = loop {
            if let WorkerEvent::Regenerated(o) = rx.recv_timeout(Duration::from_secs(30)).unwrap() {
                break o;
            }
        };
        assert!(next.result.is_ok() && !next.panicked, "{:?}", next.result);
    }

    /// A row whose value found by trial cannot be found is an error like a bad save's,
    /// naming the row and the pointer; no snapshot of invalid records is made.
    #[test]
    fn a_row_without_a_valid_value_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("never.json");
        let schema = r#"{"title": "Never", "type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "not": {"not": {"const": 123456789}}}}}"#;
        std::fs::write(&path, schema).unwrap();
        for rows in [10, 5_000] {
            let job = Job {
                table: 0,
                generation: 3,
                path: path.clone(),
                others: Vec::new(),
                seed: 1,
                rows,
            };
            let (outcome, table) = regenerate(&job, &Options::default());
            assert!(table.is_none());
            let message = outcome.result.unwrap_err();
            assert!(
                message.contains("row 0: at /properties/n: no valid value found by trial"),
                "{message}"
            );
        }
    }
}

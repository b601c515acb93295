//! What the fuzz targets share: the schema grammar and the invariant, the very files the
//! property tests use (tests/random_schemas), so that both check one property; and the
//! thread every input is checked on.

#[path = "../../tests/random_schemas/mod.rs"]
pub mod random_schemas;

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};

pub use random_schemas::{grammar, invariant};

/// A file of its own per process (libFuzzer's `-fork` and `-jobs` run several), in a
/// folder of its own: the schema's folder is where its sibling files are looked for.
pub fn schema_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("synthtune-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz folder");
        dir.join("schema.json")
    })
}

type Job = Box<dyn FnOnce() + Send>;

/// Runs `job` on one long-lived thread with the compiler's stack, where synthtune
/// compiles in place: a thread started per compilation (what the commands do, once)
/// would cost about as much as checking a small schema. A panic on it aborts the
/// process through libFuzzer's panic hook, with the input saved, as on the main thread.
pub fn on_checker<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> T {
    static CHECKER: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    let jobs = CHECKER.get_or_init(|| {
        let (jobs, inbox) = channel::<Job>();
        synthtune::schema::limits::spawn_compile_thread("synthtune-fuzz-check", move || {
            for job in inbox {
                job();
            }
        })
        .expect("start the checking thread");
        Mutex::new(jobs)
    });
    let (reply, answer) = channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(job());
    });
    jobs.lock()
        .expect("the checker's queue")
        .send(job)
        .expect("the checking thread runs");
    answer.recv().expect("the checking thread answers")
}

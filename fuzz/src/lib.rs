//! What the fuzz targets share: the schema grammar and the invariant, the very files the
//! property tests use (tests/random_schemas), so that both check one property; and the
//! stack every input is checked on.

#[path = "../../tests/random_schemas/mod.rs"]
pub mod random_schemas;

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};

pub use random_schemas::{grammar, invariant};
use synthtune::schema::limits::{
    COMPILE_STACK_BYTES, spawn_compile_thread, this_thread_has_compile_stack,
};

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

/// Runs `job` where synthtune compiles in place, with the compiler's stack: on libFuzzer's
/// own thread when the stack limit lets it grow that far (scripts/fuzz.sh raises
/// `ulimit -s`), else on one long-lived thread of its own. A thread started per
/// compilation (what the commands do, once) would cost about as much as checking a small
/// schema, and the hand-over to a long-lived one still costs a sixth of the run on this
/// VM. A panic aborts the process through libFuzzer's panic hook, with the input saved,
/// on either thread.
pub fn on_checker<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> T {
    static IN_PLACE: OnceLock<bool> = OnceLock::new();
    if *IN_PLACE.get_or_init(|| {
        let in_place = main_stack_may_grow_to(COMPILE_STACK_BYTES);
        if in_place {
            this_thread_has_compile_stack();
        }
        in_place
    }) {
        return job();
    }
    static CHECKER: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    let jobs = CHECKER.get_or_init(|| {
        let (jobs, inbox) = channel::<Job>();
        spawn_compile_thread("synthtune-fuzz-check", move || {
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

/// Whether this is the main thread and its stack limit reaches `bytes` (the kernel grows
/// the main thread's stack up to the limit; other threads' stacks are fixed).
fn main_stack_may_grow_to(bytes: usize) -> bool {
    // SAFETY: neither call takes arguments or fails.
    let main = unsafe { libc::syscall(libc::SYS_gettid) == libc::c_long::from(libc::getpid()) };
    if !main {
        return false;
    }
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit through a valid pointer.
    if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut limit) } != 0 {
        return false;
    }
    limit.rlim_cur == libc::RLIM_INFINITY || limit.rlim_cur >= bytes as libc::rlim_t
}

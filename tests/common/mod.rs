//! Helpers shared by the integration tests: where the schemas are, how to validate a
//! record against its schema with the `jsonschema` crate (formats asserted, sibling files
//! resolved), and how to run the built binary.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use jsonschema::{Retrieve, Uri, Validator};
use percent_encoding::percent_decode_str;
use serde_json::Value;

/// The seed the tests generate with (any fixed value: runs must repeat).
pub const SEED: u64 = 2024;
/// Records per schema in the validity tests.
pub const ROWS: u64 = 1000;
/// How long one schema's records may take (debug build). A sound generator needs a small
/// fraction of this; the limit keeps a generator that retries without end from stalling
/// the whole suite.
pub const TIME_LIMIT: Duration = Duration::from_secs(5);

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The repo's bundled schemas.
pub fn schemas_dir() -> PathBuf {
    repo_root().join("schemas")
}

/// The hand-written test schemas (`shared/` holds files other fixtures refer to).
pub fn fixtures_dir() -> PathBuf {
    repo_root().join("tests/fixtures")
}

/// Every `*.json` file below `dir`, recursively, sorted.
pub fn json_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                .path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every schema the validity tests cover: `schemas/` and `tests/fixtures/` (recursively).
pub fn all_schema_files() -> Vec<PathBuf> {
    let mut files = json_files_under(&schemas_dir());
    files.extend(json_files_under(&fixtures_dir()));
    assert!(
        !files.is_empty(),
        "no schemas found under schemas/ or tests/fixtures/"
    );
    files
}

/// `path` relative to the repo root, for messages.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

pub fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", rel(path)));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", rel(path)))
}

/// The `file://` URI of a path (absolute; spaces and other reserved bytes escaped).
pub fn file_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let text = abs
        .to_string_lossy()
        .replace('%', "%25")
        .replace(' ', "%20")
        .replace('#', "%23");
    format!("file://{text}")
}

/// Lets the validator follow `$ref`s to files beside the schema (jsonschema is built
/// without its own file resolver).
struct FileRetriever;

impl Retrieve for FileRetriever {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let Some(path) = uri.as_str().strip_prefix("file://") else {
            return Err(format!(
                "the tests only resolve file:// references, not {}",
                uri.as_str()
            )
            .into());
        };
        let path = percent_decode_str(path).decode_utf8()?.into_owned();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// A validator for the schema stored at `path` (its JSON already read into `schema`),
/// asserting formats and resolving references to sibling files.
pub fn validator_for(path: &Path, schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .with_base_uri(file_uri(path))
        .with_retriever(FileRetriever)
        .build(schema)
        .map_err(|e| format!("the jsonschema crate cannot compile {}: {e}", rel(path)))
}

/// Every validation error of `instance`, one per line (empty when valid).
pub fn validation_errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("{}: {e}", if at.is_empty() { "(root)" } else { &at })
        })
        .collect()
}

/// The built `synthtune` binary.
pub fn synthtune_bin() -> &'static str {
    env!("CARGO_BIN_EXE_synthtune")
}

/// A command running the built binary.
pub fn synthtune() -> assert_cmd::Command {
    assert_cmd::Command::new(synthtune_bin())
}

/// The output of a finished command, for assertion messages.
pub fn describe_output(output: &std::process::Output) -> String {
    format!(
        "exit status: {:?}\n--- stderr ---\n{}\n--- stdout (first 2000 bytes) ---\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout[..output.stdout.len().min(2000)])
    )
}

/// Shared between a time-limited job and its caller: how far the job got, and whether
/// it should give up.
#[derive(Default)]
pub struct Progress {
    rows: AtomicU64,
    stop: AtomicBool,
}

impl Progress {
    /// Records one more row done; false when the caller has given up on the job.
    pub fn row_done(&self) -> bool {
        self.rows.fetch_add(1, Ordering::Relaxed);
        !self.stop.load(Ordering::Relaxed)
    }
}

/// Runs `job` on its own thread and waits at most `limit` for it. On time-out, asks the
/// job to stop (it checks between rows) and returns how many rows it had done.
pub fn within<T: Send + 'static>(
    limit: Duration,
    job: impl FnOnce(&Progress) -> T + Send + 'static,
) -> Result<T, u64> {
    let progress = Arc::new(Progress::default());
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = Arc::clone(&progress);
    std::thread::spawn(move || {
        // The receiver is gone after a time-out: nobody wants the result then.
        let _ = tx.send(job(&shared));
    });
    rx.recv_timeout(limit).map_err(|_| {
        progress.stop.store(true, Ordering::Relaxed);
        progress.rows.load(Ordering::Relaxed)
    })
}

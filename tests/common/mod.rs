//! Helpers shared by the integration tests: where the schemas are, how to validate a
//! record against its schema with the `jsonschema` crate (formats asserted, sibling files
//! resolved), and how to run the built binary.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jsonschema::{Retrieve, Uri, Validator};
use percent_encoding::percent_decode_str;
use serde_json::Value;
use synthtune::Table;

/// The seed the tests generate with (any fixed value: runs must repeat).
pub const SEED: u64 = 2024;
/// Records per schema in the validity tests.
pub const ROWS: u64 = 1000;
/// CPU time one schema's records may take (debug build). A sound generator needs a small
/// fraction of this; the limit keeps a generator that retries without end from stalling
/// the whole suite.
pub const CPU_LIMIT: Duration = Duration::from_secs(5);
/// Wall time after which a schema (or one export) counts as hung, however loaded the
/// machine.
pub const WALL_LIMIT: Duration = Duration::from_secs(30);

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
/// without its own file resolver). The `stand_ins` are remote documents that are
/// nowhere on this machine and are never fetched: each reads as [`stand_in`], as
/// synthtune reads them (what needs them is never generated).
struct FileRetriever {
    stand_ins: Vec<(String, Value)>,
}

/// The stand-in for the remote document `url` that `schema` refers to (by that URL or
/// relative to its `$id`): an object in which every pointer the references name is
/// `false`.
pub fn stand_in(schema: &Value, url: &str) -> Value {
    fn refs<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    out.push(r);
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(schema, &mut found);
    let mut document = Value::Object(Default::default());
    for reference in found {
        // The reference may be relative to the schema's `$id`: its document part only
        // has to end the URL.
        let Some((document_part, fragment)) = reference.split_once("#/") else {
            continue;
        };
        if document_part.is_empty() || !url.ends_with(document_part) {
            continue;
        }
        let tokens: Vec<String> = fragment
            .split('/')
            .map(|t| {
                let t = percent_decode_str(t).decode_utf8_lossy();
                t.replace("~1", "/").replace("~0", "~")
            })
            .collect();
        let mut at = &mut document;
        for (i, token) in tokens.iter().enumerate() {
            let map = at
                .as_object_mut()
                .expect("stand-in tokens lead through objects");
            let last = i + 1 == tokens.len();
            at = map.entry(token.clone()).or_insert_with(|| {
                if last {
                    Value::Bool(false)
                } else {
                    Value::Object(Default::default())
                }
            });
            if !last && !at.is_object() {
                break;
            }
        }
    }
    document
}

impl Retrieve for FileRetriever {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let document = uri.as_str().split('#').next().unwrap_or_default();
        if let Some((_, stand_in)) = self.stand_ins.iter().find(|(url, _)| url == document) {
            return Ok(stand_in.clone());
        }
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
    validator_with_stand_ins(path, schema, &[])
}

/// [`validator_for`], with these remote documents read as their [`stand_in`].
pub fn validator_with_stand_ins(
    path: &Path,
    schema: &Value,
    stand_ins: &[&str],
) -> Result<Validator, String> {
    let stand_ins = stand_ins
        .iter()
        .map(|url| (url.to_string(), stand_in(schema, url)))
        .collect();
    jsonschema::options()
        .should_validate_formats(true)
        .with_base_uri(file_uri(path))
        .with_retriever(FileRetriever { stand_ins })
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

/// Runs an independent checker of scripts/ (Python) on the built binary with `args`,
/// asserts that it found nothing broken, and returns its report (stdout, then stderr).
pub fn python_check(script: &str, args: &[&str]) -> String {
    let output = std::process::Command::new("python3")
        .arg(repo_root().join("scripts").join(script))
        .arg(synthtune_bin())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run scripts/{script}: {e}"));
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{report}");
    assert!(!report.contains("broken:"), "{report}");
    report
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

/// Why a schema gave no records.
#[derive(Debug)]
pub enum NoRecords {
    /// synthtune refused the schema (the message says why).
    Refused(String),
    /// Generation went over its CPU budget, or a single record never came.
    TooSlow(String),
}

/// Generates `rows` records of the schema at `path` through the library, under a budget
/// of [`CPU_LIMIT`] of CPU time (wall time is no measure on a shared machine) and a
/// wall-clock backstop of [`WALL_LIMIT`] for a record that never comes.
pub fn generate_records(path: &Path, rows: u64) -> Result<Vec<Value>, NoRecords> {
    generate_records_within(path, rows, CPU_LIMIT, WALL_LIMIT)
}

/// [`generate_records`] with other limits (compiling a megabyte of schema in a debug
/// build takes seconds of its own).
pub fn generate_records_within(
    path: &Path,
    rows: u64,
    cpu_limit: Duration,
    wall_limit: Duration,
) -> Result<Vec<Value>, NoRecords> {
    let path = path.to_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone after the backstop fired: nobody wants the result then.
        let _ = tx.send(generate_within_budget(&path, rows, cpu_limit));
    });
    rx.recv_timeout(wall_limit).unwrap_or_else(|_| {
        Err(NoRecords::TooSlow(format!(
            "no answer within {wall_limit:?}: generating one record takes longer than that"
        )))
    })
}

fn generate_within_budget(
    path: &Path,
    rows: u64,
    cpu_limit: Duration,
) -> Result<Vec<Value>, NoRecords> {
    let clock = CpuClock::start();
    let table = load_linked(path, rows).map_err(|e| NoRecords::Refused(e.to_string()))?;
    let mut records = Vec::with_capacity(rows as usize);
    for row in 0..rows {
        records.push(table.row_value(SEED, row));
        if clock.elapsed() > cpu_limit {
            return Err(NoRecords::TooSlow(format!(
                "only {} of {rows} records in {cpu_limit:?} of CPU time (debug build)",
                row + 1
            )));
        }
    }
    Ok(records)
}

/// CPU time spent by the calling thread (Linux: /proc/thread-self/stat), falling back
/// to wall time elsewhere.
struct CpuClock {
    cpu_at_start: Option<Duration>,
    wall_at_start: Instant,
}

impl CpuClock {
    fn start() -> CpuClock {
        CpuClock {
            cpu_at_start: thread_cpu_time(),
            wall_at_start: Instant::now(),
        }
    }

    fn elapsed(&self) -> Duration {
        match (self.cpu_at_start, thread_cpu_time()) {
            (Some(start), Some(now)) => now.saturating_sub(start),
            _ => self.wall_at_start.elapsed(),
        }
    }
}

fn thread_cpu_time() -> Option<Duration> {
    // Clock ticks per second: 100 on every mainstream Linux configuration.
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3, `state`;
    // user and system time are fields 14 and 15.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis(
        (user + system) * 1000 / TICKS_PER_SECOND,
    ))
}

/// What the second validator (Python `jsonschema`, scripts/validate.py) says of one
/// schema's records.
#[derive(Debug, serde::Deserialize)]
pub struct PythonVerdict {
    pub name: String,
    pub checked: usize,
    pub invalid_count: usize,
    pub invalid: Vec<PythonInvalid>,
    /// Why Python could not check the schema at all (a pattern its `re` cannot
    /// compile, a remote reference): reported by the callers, never a silent pass.
    pub error: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct PythonInvalid {
    pub index: usize,
    pub path: String,
    pub message: String,
}

/// One schema's records for [`python_validate`].
pub struct PythonCase<'a> {
    pub name: String,
    pub schema: &'a Value,
    /// The folder of the schema file, for references to files beside it.
    pub base: Option<&'a Path>,
    /// A URL prefix served from a folder (the JSON Schema Test Suite's remotes).
    pub remotes: Option<(&'a str, &'a Path)>,
    /// Remote documents that read as their [`stand_in`].
    pub stand_ins: &'a [&'a str],
    pub instances: &'a [Value],
}

/// Validates every case's instances with Python `jsonschema` (formats asserted,
/// `multipleOf` by float division), in one Python process. Panics with the fix when
/// Python or its packages are missing: this check is never skipped.
pub fn python_validate(cases: &[PythonCase]) -> Vec<PythonVerdict> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .arg(repo_root().join("scripts/validate.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "python3 cannot be run ({e}): install Python 3, then run scripts/setup-python.sh"
            )
        });
    let mut stdin = child.stdin.take().expect("piped stdin");
    let lines: Vec<String> = cases
        .iter()
        .map(|case| {
            serde_json::json!({
                "name": case.name,
                "schema": case.schema,
                "base": case.base.map(|b| b.to_string_lossy().into_owned()),
                "remotes": case.remotes.map(|(prefix, dir)| {
                    serde_json::json!({ prefix: format!("{}/", dir.to_string_lossy()) })
                }),
                "stand_ins": case
                    .stand_ins
                    .iter()
                    .map(|url| (url.to_string(), stand_in(case.schema, url)))
                    .collect::<serde_json::Map<String, Value>>(),
                "instances": case.instances,
            })
            .to_string()
        })
        .collect();
    // Written from a thread: Python answers as it reads, and a full stdout pipe would
    // otherwise stall both sides.
    let writer = std::thread::spawn(move || {
        for line in lines {
            if writeln!(stdin, "{line}").is_err() {
                break;
            }
        }
    });
    let output = child
        .wait_with_output()
        .expect("wait for scripts/validate.py");
    writer.join().expect("writer thread");
    assert!(
        output.status.success(),
        "scripts/validate.py failed (run scripts/setup-python.sh for its packages):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verdicts: Vec<PythonVerdict> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a verdict line from scripts/validate.py"))
        .collect();
    assert_eq!(
        verdicts.len(),
        cases.len(),
        "scripts/validate.py answered {} of {} cases:\n{}",
        verdicts.len(),
        cases.len(),
        String::from_utf8_lossy(&output.stderr)
    );
    verdicts
}

/// A verdict's problems in a line or a few, or `None` when every instance passed.
pub fn python_problems(verdict: &PythonVerdict) -> Option<String> {
    if let Some(error) = &verdict.error {
        return Some(format!("Python jsonschema cannot check it: {error}"));
    }
    if verdict.invalid_count == 0 {
        return None;
    }
    let shown: Vec<String> = verdict
        .invalid
        .iter()
        .map(|i| {
            format!(
                "    record {} at {}: {}",
                i.index,
                i.path,
                cut(&i.message, 200)
            )
        })
        .collect();
    Some(format!(
        "Python jsonschema rejects {} of {} records:\n{}",
        verdict.invalid_count,
        verdict.checked,
        shown.join("\n")
    ))
}

/// `text` cut to at most `chars` characters (validators quote whole records).
pub fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// Runs `psql` against `url` (no psqlrc, quiet, tuples only, stopping at the first
/// error) with `search_path` set when given, and returns its trimmed output; panics with
/// psql's message when it fails.
pub fn psql(url: &str, args: &[&str], search_path: Option<&str>) -> String {
    let mut command = std::process::Command::new("psql");
    command
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", url])
        .args(args);
    if let Some(path) = search_path {
        command.env("PGOPTIONS", format!("-c search_path={path}"));
    }
    let output = command.output().expect("psql runs");
    assert!(
        output.status.success(),
        "psql {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A temporary folder holding one schema file (the folder goes with the value).
pub struct SchemaFile {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

/// Writes `text` to `NAME.json` in a fresh temporary folder.
pub fn schema_file(name: &str, text: &str) -> SchemaFile {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let path = dir.path().join(format!("{name}.json"));
    std::fs::write(&path, text).expect("write the schema");
    SchemaFile { dir, path }
}

/// Writes each `(name, json)` into one folder, as sibling schema files.
pub fn schema_folder(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let paths = files
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(format!("{name}.json"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    (dir, paths)
}

/// Seconds since the Unix epoch of an RFC 3339 date or `Z` date-time, by arithmetic of
/// the tests' own (days from civil, Howard Hinnant), independent of the crate's.
pub fn epoch_seconds(value: &Value) -> i64 {
    let text = value.as_str().expect("a date or date-time");
    let (y, m, d): (i64, i64, i64) = (
        text[..4].parse().unwrap(),
        text[5..7].parse().unwrap(),
        text[8..10].parse().unwrap(),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let time = if text.len() > 10 {
        let t = &text[11..19];
        t[..2].parse::<i64>().unwrap() * 3600
            + t[3..5].parse::<i64>().unwrap() * 60
            + t[6..8].parse::<i64>().unwrap()
    } else {
        0
    };
    days * 86_400 + time
}

/// Runs the built binary with `args` and then `schema`.
pub fn run(args: &[&str], schema: &Path) -> std::process::Output {
    synthtune()
        .args(args)
        .arg(schema)
        .output()
        .expect("run synthtune")
}

/// Runs `work` in a fresh PostgreSQL schema `name` at `url`, dropped afterwards even when
/// `work` panics. `work` gets a psql runner whose statements see that schema first.
pub fn in_scratch_schema<T>(
    url: &str,
    name: &str,
    work: impl FnOnce(&dyn Fn(&[&str]) -> String) -> T,
) -> T {
    psql(
        url,
        &[
            "-c",
            &format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"),
        ],
        None,
    );
    let in_schema = |args: &[&str]| psql(url, args, Some(name));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&in_schema)));
    psql(url, &["-c", &format!("DROP SCHEMA {name} CASCADE")], None);
    outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The schema files beside `path` that its foreign keys reference (and theirs in turn),
/// found by title: what `export PATH PARENTS... --only TITLE` needs.
pub fn parent_files(path: &Path) -> Vec<PathBuf> {
    let title_of = |p: &Path| -> Option<String> {
        let text = std::fs::read_to_string(p).ok()?;
        let value: Value = serde_json::from_str(&text).ok()?;
        Some(value.get("title")?.as_str()?.to_owned())
    };
    let siblings: Vec<(String, PathBuf)> = path
        .parent()
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p != path)
        .filter_map(|p| Some((title_of(&p)?, p)))
        .collect();
    let mut found: Vec<PathBuf> = Vec::new();
    let mut pending = vec![path.to_owned()];
    while let Some(next) = pending.pop() {
        let Ok(table) = Table::load(&next) else {
            continue;
        };
        for slot in &table.plan().references {
            let parent = slot.target.split('.').next().unwrap_or_default();
            if let Some((_, p)) = siblings.iter().find(|(t, _)| t == parent)
                && !found.contains(p)
            {
                found.push(p.clone());
                pending.push(p.clone());
            }
        }
    }
    found
}

/// The table of `path`, its foreign keys linked to the sibling files they name, every
/// table with `rows` rows (as `export -n rows` links them).
pub fn load_linked(path: &Path, rows: u64) -> Result<Table, synthtune::Error> {
    let table = Table::load(path)?;
    if table.plan().references.is_empty() {
        return Ok(table);
    }
    let mut tables = vec![table];
    for parent in parent_files(path) {
        tables.push(Table::load(&parent)?);
    }
    let counts = synthtune::RowCounts {
        all: Some(rows),
        by_table: Vec::new(),
    };
    let dataset = synthtune::Dataset::new(tables, &counts)?;
    Ok(dataset
        .tables
        .into_iter()
        .next()
        .expect("the table asked for"))
}

/// The names of the files in `dir`, temporaries included, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Starts an export of 100,000,000 customers to `target` (far more than a test waits
/// for) and returns once it is writing its temporary file beside `target`.
pub fn start_long_export(target: &Path, stderr: std::process::Stdio) -> std::process::Child {
    let child = std::process::Command::new(synthtune_bin())
        .args(["export", "-n", "100000000", "--quiet", "-o"])
        .arg(target)
        .arg(schemas_dir().join("customer.json"))
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start synthtune");
    let dir = target.parent().expect("a file in a folder");
    let started = Instant::now();
    while !files_in(dir).iter().any(|f| f.contains("synthtune-tmp")) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the export never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

//! The bad-input catalogue: malformed, contradictory, pathological and hostile schemas
//! and command lines, each run through the built binary in a folder of its own, under a
//! wall-clock limit and an address-space limit. Each case states its exit status; its
//! messages are an insta snapshot (`tests/snapshots/catalogue__NAME.snap`).
//!
//! The small cases are data, `tests/catalogue/cases.toml`; inputs too big to keep in
//! the repository are generated here ([`generated`]). The cases run on a few threads:
//! the whole catalogue takes seconds in a debug build.
//!
//! A new case: add it to cases.toml (or to [`generated`]), run
//! `INSTA_UPDATE=always cargo test --test catalogue`, and read the new snapshot.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};

/// How long one case may run (a debug build on a loaded 2-core machine): far more than
/// any refusal needs, far less than a hang.
const WALL_LIMIT: Duration = Duration::from_secs(20);
/// The address space one case may map (`ulimit -v`, KiB). It counts reservations as
/// well as what is used (the compiler's stack thread reserves 256 MiB), so it sits
/// above the 1 GB of memory the limits keep every command under.
const ADDRESS_SPACE_KIB: u64 = 2 << 20;
/// The stdout kept in a snapshot.
const STDOUT_SHOWN: usize = 1200;

#[derive(Debug, Deserialize)]
struct Cases {
    case: Vec<Case>,
}

/// One command line and the files of the folder it runs in.
#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    args: Vec<String>,
    /// Written as `schema.json`.
    schema: Option<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    exit: i32,
}

/// A file's text; `BYTES:` and hex stand for bytes that are not text.
fn contents(text: &str) -> Vec<u8> {
    match text.strip_prefix("BYTES:") {
        Some(hex) => (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex in cases.toml"))
            .collect(),
        None => text.as_bytes().to_vec(),
    }
}

fn case(name: &str, args: &[&str], schema: String, exit: i32) -> Case {
    Case {
        name: name.to_owned(),
        args: args.iter().map(|a| a.to_string()).collect(),
        schema: Some(schema),
        files: BTreeMap::new(),
        exit,
    }
}

/// Schemas `n` deep through `$ref`s, each level made by `level(i)`.
fn chain(n: usize, level: impl Fn(usize) -> Value) -> String {
    let mut defs = serde_json::Map::new();
    for i in 0..n {
        defs.insert(format!("d{i}"), level(i));
    }
    defs.insert(format!("d{n}"), json!({"type": "integer"}));
    json!({"$defs": defs, "$ref": "#/$defs/d0"}).to_string()
}

/// The cases whose inputs are too big for cases.toml.
fn generated() -> Vec<Case> {
    let check = ["check", "schema.json"];
    let sample = ["sample", "schema.json", "-n", "1"];
    let properties = |n: usize| {
        let props: serde_json::Map<String, Value> = (0..n)
            .map(|i| (format!("p{i}"), json!({"type": "integer"})))
            .collect();
        json!({"type": "object", "properties": props}).to_string()
    };
    let mut cases = vec![
        case(
            "gen_enum_million_values",
            &check,
            json!({"enum": (0..1_000_000).collect::<Vec<u32>>()}).to_string(),
            2,
        ),
        case(
            "gen_json_nesting_10000_levels",
            &check,
            format!(
                "{}{{\"type\": \"integer\"}}{}",
                "{\"items\": ".repeat(10_000),
                "}".repeat(10_000)
            ),
            2,
        ),
        case(
            "gen_json_nesting_127_levels",
            &sample,
            format!("{}{}", "[".repeat(127), "]".repeat(127)),
            2,
        ),
        case(
            "gen_ref_chain_5000",
            &check,
            chain(5_000, |i| json!({"$ref": format!("#/$defs/d{}", i + 1)})),
            2,
        ),
        case(
            "gen_property_chain_5000",
            &sample,
            chain(5_000, |i| {
                json!({"type": "object", "properties": {"a": {"$ref": format!("#/$defs/d{}", i + 1)}}, "required": ["a"]})
            }),
            2,
        ),
        case(
            "gen_property_chain_60",
            &sample,
            chain(60, |i| {
                json!({"type": "object", "properties": {"a": {"$ref": format!("#/$defs/d{}", i + 1)}}, "required": ["a"]})
            }),
            0,
        ),
        case(
            "gen_any_of_chain_5000",
            &sample,
            chain(5_000, |i| {
                json!({"anyOf": [{"$ref": format!("#/$defs/d{}", i + 1)}, {"type": "null"}]})
            }),
            2,
        ),
        case(
            "gen_array_chain_5000",
            &sample,
            chain(5_000, |i| {
                json!({"type": "array", "items": {"$ref": format!("#/$defs/d{}", i + 1)}, "minItems": 1})
            }),
            2,
        ),
        case(
            "gen_all_of_chain_5000",
            &sample,
            chain(5_000, |i| {
                json!({"allOf": [{"$ref": format!("#/$defs/d{}", i + 1)}], "minimum": 0})
            }),
            2,
        ),
        case("gen_properties_10000", &sample, properties(10_000), 0),
        case(
            "gen_any_of_3000_branches",
            &sample,
            json!({"anyOf": (0..3000).map(|i| json!({"type": "object", "properties": {format!("k{i}"): {"const": i}}, "required": [format!("k{i}")]})).collect::<Vec<_>>()}).to_string(),
            0,
        ),
        case(
            "gen_one_of_3000_consts",
            &sample,
            json!({"oneOf": (0..3000).map(|i| json!({"const": i})).collect::<Vec<_>>()})
                .to_string(),
            0,
        ),
        case(
            "gen_file_over_16_mib",
            &check,
            json!({"type": "integer", "description": "x".repeat(17 << 20)}).to_string(),
            2,
        ),
        case(
            "gen_property_name_70000_chars",
            &check,
            json!({"type": "object", "properties": {"n".repeat(70_000): {"type": "integer"}}})
                .to_string(),
            0,
        ),
    ];
    // Sixteen anyOfs of two in one allOf: every combination is compiled, 2^16 in all,
    // past the branch budget.
    let alternatives: Vec<Value> = (0..16)
        .map(|i| json!({"anyOf": [{"minimum": i}, {"maximum": 1000 + i}]}))
        .collect();
    cases.push(case(
        "limit_branches_multiplying",
        &check,
        json!({"type": "integer", "allOf": alternatives}).to_string(),
        2,
    ));
    let mut many_values = case(
        "gen_values_from_200000_lines",
        &check,
        json!({"type": "string", "x-synth": {"values_from": "names.txt"}}).to_string(),
        2,
    );
    let lines: Vec<String> = (0..200_000).map(|i| format!("name{i}")).collect();
    many_values
        .files
        .insert("names.txt".into(), lines.join("\n"));
    cases.push(many_values);
    cases
}

/// What one case did.
struct Outcome {
    exit: Option<i32>,
    stderr: String,
    stdout: String,
    took: Duration,
}

/// Runs a case in a fresh folder, bounded in time and address space.
fn run(case: &Case) -> Outcome {
    let dir = tempfile::tempdir().expect("a temporary folder");
    if let Some(schema) = &case.schema {
        std::fs::write(dir.path().join("schema.json"), contents(schema)).expect("write");
    }
    for (name, text) in &case.files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create");
        std::fs::write(&path, contents(text)).expect("write");
    }
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(common::synthtune_bin())
        .args(&case.args)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sh");
    // Read both pipes while waiting: a full pipe would stall the child.
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = out.read_to_end(&mut bytes);
        bytes
    });
    let stderr = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = err.read_to_end(&mut bytes);
        bytes
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > WALL_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    let text = |bytes: Vec<u8>| {
        String::from_utf8_lossy(&bytes).replace(&dir.path().display().to_string(), "<dir>")
    };
    Outcome {
        exit: status.and_then(|s| s.code()),
        stderr: text(stderr.join().expect("reader")),
        stdout: text(stdout.join().expect("reader")),
        took,
    }
}

/// The snapshot of a case: its command line and what it said.
fn snapshot(case: &Case, outcome: &Outcome) -> String {
    let stdout = common::cut(&outcome.stdout, STDOUT_SHOWN);
    format!(
        "$ synthtune {}\nexit: {:?}\n--- stderr ---\n{}--- stdout ---\n{stdout}",
        case.args.join(" "),
        outcome.exit,
        outcome.stderr
    )
}

#[test]
fn every_bad_input_gets_its_exit_status_and_message() {
    let text = std::fs::read_to_string(common::repo_root().join("tests/catalogue/cases.toml"))
        .expect("read tests/catalogue/cases.toml");
    let mut cases = toml::from_str::<Cases>(&text)
        .expect("tests/catalogue/cases.toml parses")
        .case;
    cases.extend(generated());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    assert!(
        cases.len() >= 150,
        "the catalogue holds {} cases",
        cases.len()
    );

    let next = Mutex::new(0usize);
    let outcomes: Mutex<Vec<Option<Outcome>>> =
        Mutex::new((0..cases.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(2, 4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut next = next.lock().unwrap();
                        *next += 1;
                        *next - 1
                    };
                    let Some(case) = cases.get(i) else { break };
                    let outcome = run(case);
                    outcomes.lock().unwrap()[i] = Some(outcome);
                }
            });
        }
    });
    let outcomes: Vec<Outcome> = outcomes
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|o| o.expect("every case ran"))
        .collect();

    let mut slowest: Vec<(Duration, &str)> = cases
        .iter()
        .zip(&outcomes)
        .map(|(c, o)| (o.took, c.name.as_str()))
        .collect();
    slowest.sort_unstable_by(|a, b| b.cmp(a));
    eprintln!("slowest cases: {:?}", &slowest[..5]);
    let mut wrong = Vec::new();
    for (case, outcome) in cases.iter().zip(&outcomes) {
        if outcome.exit != Some(case.exit) {
            wrong.push(format!(
                "{}: exit {:?} after {:.1?}, expected {}\n{}",
                case.name,
                outcome.exit,
                outcome.took,
                case.exit,
                common::cut(&outcome.stderr, 500)
            ));
        }
        if outcome.stderr.contains("panicked") || outcome.stderr.contains("overflowed its stack") {
            wrong.push(format!("{}: crashed\n{}", case.name, outcome.stderr));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cases went wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    for (case, outcome) in cases.iter().zip(&outcomes) {
        insta::assert_snapshot!(case.name.as_str(), snapshot(case, outcome));
    }
}

/// `check ... | head -1`: the reader leaves early; the command ends quietly, without a
/// panic about the closed pipe.
#[test]
fn a_closed_pipe_ends_check_quietly() {
    let schema = common::schema_file(
        "wide",
        &json!({"type": "object", "properties": (0..2000).map(|i| (format!("p{i}"), json!({"type": "integer"}))).collect::<serde_json::Map<_, _>>()}).to_string(),
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" check \"$1\" | head -c 10 > /dev/null")
        .arg(common::synthtune_bin())
        .arg(&schema.path)
        .output()
        .expect("run sh");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "stderr: {stderr}");
    assert!(Path::new(&schema.path).exists());
}

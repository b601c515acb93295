//! `multipleOf` as every validator reads it: values on the exact decimal grid (the
//! `jsonschema` crate, pydantic's `Decimal`) that also pass float division (Python
//! `jsonschema`, ajv: `x / m` is a whole number in IEEE doubles), without skewing the
//! distribution; `multipleOf`s whose multiples cannot be written exactly are refused.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use synthtune::Table;

const SEED: u64 = common::SEED;

/// `(multipleOf, minimum, maximum)`: the steps the issue measured, a step of which only
/// 40 % of grid points pass (0.07), one with runs of 1,300 failing points (0.00061),
/// negative ranges, and a fractional step on integers.
const GRIDS: [(f64, f64, f64, &str); 8] = [
    (0.1, 0.0, 1000.0, "number"),
    (0.05, 0.0, 1000.0, "number"),
    (0.01, 0.0, 1000.0, "number"),
    (0.0001, 0.0, 10.0, "number"),
    (0.07, -50.0, 50.0, "number"),
    (0.00061, 0.0, 100.0, "number"),
    (0.3, -1e6, 1e6, "number"),
    (0.1, 0.0, 1e6, "integer"),
];

fn schema(m: f64, lo: f64, hi: f64, ty: &str) -> Value {
    json!({"type": ty, "minimum": lo, "maximum": hi, "multipleOf": m})
}

fn values(table: &Table, rows: u64) -> Vec<f64> {
    (0..rows)
        .map(|row| table.row_value(SEED, row).as_f64().expect("a number"))
        .collect()
}

/// Whether `x / m` is a whole number in doubles, as Python `jsonschema` and ajv test it.
fn passes_float_division(x: f64, m: f64) -> bool {
    (x / m).fract() == 0.0
}

#[test]
fn grid_values_pass_float_division_and_the_exact_test() {
    for (m, lo, hi, ty) in GRIDS {
        let schema = schema(m, lo, hi, ty);
        let table = Table::from_value(schema.clone(), None).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        for (row, x) in values(&table, 10_000).into_iter().enumerate() {
            assert!(
                passes_float_division(x, m),
                "{schema}: row {row}: {x} / {m} = {} in doubles",
                x / m
            );
            let value = table.row_value(SEED, row as u64);
            assert!(validator.is_valid(&value), "{schema}: row {row}: {value}");
        }
    }
}

/// The second validator itself: Python `jsonschema` checks every value.
#[test]
fn python_jsonschema_accepts_every_value() {
    let mut lines = String::new();
    for (m, lo, hi, ty) in GRIDS {
        let schema = schema(m, lo, hi, ty);
        let table = Table::from_value(schema.clone(), None).unwrap();
        let values: Vec<Value> = (0..2_000).map(|row| table.row_value(SEED, row)).collect();
        lines.push_str(&json!({"schema": schema, "values": values}).to_string());
        lines.push('\n');
    }
    let script = r#"
import json, sys
from jsonschema import Draft202012Validator
bad = 0
for line in sys.stdin:
    case = json.loads(line)
    v = Draft202012Validator(case["schema"])
    for x in case["values"]:
        if not v.is_valid(x):
            bad += 1
            if bad <= 5:
                print(json.dumps(case["schema"]), x)
print("rejected", bad)
sys.exit(1 if bad else 0)
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 (with the jsonschema package: scripts/setup-python.sh) must run");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "Python jsonschema rejects values:\n{}",
        common::describe_output(&output)
    );
}

/// Chi-square of `values` over `bins` equal bins of `[lo, hi]` against a uniform draw
/// from the exact grid (equal mass per bin, as the bins hold equal numbers of points).
fn chi_square_uniform(values: &[f64], lo: f64, hi: f64, bins: usize) -> f64 {
    let mut counts = vec![0u64; bins];
    for &x in values {
        let bin = (((x - lo) / (hi - lo)) * bins as f64) as usize;
        counts[bin.min(bins - 1)] += 1;
    }
    let expected = values.len() as f64 / bins as f64;
    counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum()
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Dropping the grid points that fail float division does not skew the draw: over 20
/// bins the chi-square against the exact grid's uniform draw stays below the 0.1 %
/// critical value (43.8 for 19 degrees of freedom), and mean and quartiles stay
/// within 0.5 % of the range of the exact values.
#[test]
fn the_distribution_is_not_skewed() {
    const ROWS: u64 = 100_000;
    for m in [0.1, 0.05, 0.01] {
        let table = Table::from_value(schema(m, 0.0, 1000.0, "number"), None).unwrap();
        let mut xs = values(&table, ROWS);
        let chi = chi_square_uniform(&xs, 0.0, 1000.0, 20);
        assert!(
            chi < 43.8,
            "multipleOf {m}: chi-square {chi:.1} over 20 bins"
        );
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 500.0).abs() < 5.0, "multipleOf {m}: mean {mean}");
        xs.sort_by(f64::total_cmp);
        for (q, want) in [(0.25, 250.0), (0.5, 500.0), (0.75, 750.0)] {
            let got = quantile(&xs, q);
            assert!((got - want).abs() < 5.0, "multipleOf {m}: q{q} = {got}");
        }
    }
    // Under a distribution the same holds: a normal draw keeps its mean and spread.
    let normal = json!({
        "type": "number", "minimum": 0, "maximum": 1000, "multipleOf": 0.05,
        "x-synth": {"distribution": {"normal": {"mean": 400, "stddev": 100}}}
    });
    let table = Table::from_value(normal, None).unwrap();
    let xs = values(&table, ROWS);
    assert!(xs.iter().all(|&x| passes_float_division(x, 0.05)));
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
    assert!((mean - 400.0).abs() < 1.5, "normal mean {mean}");
    assert!((sd - 100.0).abs() < 1.5, "normal stddev {sd}");
}

/// A range whose only grid points fail float division keeps the exact multiples, and
/// `check` says so at the `multipleOf`.
#[test]
fn a_range_without_float_safe_points_is_noted() {
    let table = Table::from_value(
        json!({"type": "number", "minimum": 0.3, "maximum": 0.3, "multipleOf": 0.1}),
        None,
    )
    .unwrap();
    assert_eq!(table.row_value(SEED, 0), json!(0.3));
    assert!(
        table
            .diagnostics
            .iter()
            .any(|d| d.pointer == "/multipleOf" && d.message.contains("float division")),
        "{:?}",
        table.diagnostics
    );
}

/// `multipleOf`s whose multiples cannot be written exactly are refused at the keyword,
/// by `sample` and by `check` alike (exit status 2).
#[test]
fn inexact_multiple_of_is_refused() {
    for (name, schema) in [
        ("huge", r#"{"type": "number", "multipleOf": 1e300}"#),
        (
            "huge_integer",
            r#"{"type": "integer", "multipleOf": 1e300}"#,
        ),
        ("tiny", r#"{"type": "number", "multipleOf": 1e-20}"#),
        (
            "nested",
            r#"{"type": "object", "properties": {"p": {"type": "number", "multipleOf": 1e300}}, "required": ["p"]}"#,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, schema).unwrap();
        let pointer = if name == "nested" {
            "/properties/p/multipleOf"
        } else {
            "/multipleOf"
        };
        for command in [&["sample", "-n", "1"][..], &["check"][..]] {
            let output = common::synthtune()
                .args(command)
                .arg(&path)
                .output()
                .unwrap();
            // Both report on stderr (stdout too, to be sure no message is lost).
            let stderr = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(&output.stdout)
            );
            let context = format!("{name}: {schema}\n{}", common::describe_output(&output));
            assert_eq!(output.status.code(), Some(2), "{context}");
            assert!(stderr.contains(&format!("at {pointer}")), "{context}");
            assert!(stderr.contains("written exactly"), "{context}");
            assert!(stderr.contains("(fix: "), "{context}");
        }
    }
}

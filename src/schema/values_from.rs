//! The `values_from` knob: values read from a file beside the schema, one a line, or one
//! column of a CSV file.

use std::path::PathBuf;

use serde_json::Value;

use super::document::Documents;
use super::facts::{Facts, Types};
use crate::error::Problem;

/// Reads the values `source` names (`"file.txt"` or `{"file": "x.csv", "column": "name"}`).
pub fn read(docs: &Documents, f: &Facts, source: &Value, at: &str) -> Result<Vec<Value>, Problem> {
    let (file, column) = match source {
        Value::String(s) => (s.as_str(), None),
        Value::Object(m) => {
            let file = m
                .get("file")
                .and_then(Value::as_str)
                .ok_or_else(|| Problem::invalid(at, "values_from needs \"file\""))?;
            (file, m.get("column").and_then(Value::as_str))
        }
        _ => {
            return Err(Problem::invalid(
                at,
                "values_from must be a file name or {\"file\", \"column\"}",
            ));
        }
    };
    let dir = f
        .locs
        .first()
        .and_then(|l| docs.path_of(l))
        .and_then(|p| p.parent().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."));
    let path = dir.join(file);
    let text = super::limits::read_text(&path).map_err(|e| {
        Problem::invalid(at, format!("cannot read {}: {e}", path.display()))
            .hint("the path is relative to the schema file")
    })?;
    let raw: Vec<String> = match column {
        None => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(col) => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let headers = reader
                .headers()
                .map_err(|e| Problem::invalid(at, format!("{}: {e}", path.display())))?
                .clone();
            let i = headers.iter().position(|h| h == col).ok_or_else(|| {
                Problem::invalid(
                    at,
                    format!(
                        "{} has no column {col:?} (columns: {})",
                        path.display(),
                        headers.iter().collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
            let mut out = Vec::new();
            for record in reader.records() {
                let record =
                    record.map_err(|e| Problem::invalid(at, format!("{}: {e}", path.display())))?;
                if let Some(v) = record.get(i).filter(|v| !v.is_empty()) {
                    out.push(v.to_owned());
                }
            }
            out
        }
    };
    if raw.len() > super::limits::MAX_ENUM_VALUES {
        return Err(Problem::invalid(
            at,
            format!(
                "{} holds {} values, above synthtune's limit of {}",
                path.display(),
                raw.len(),
                super::limits::MAX_ENUM_VALUES
            ),
        )
        .hint("keep a representative sample of the values (weights can make some commoner)"));
    }
    if raw.is_empty() {
        return Err(Problem::invalid(
            at,
            format!("{} holds no values", path.display()),
        ));
    }
    // Numbers stay numbers where the field is numeric.
    let numeric = f.types.as_ref().is_some_and(|t| {
        !t.value.has(Types::STRING) && t.value.has(Types::INTEGER | Types::FRACTION)
    });
    Ok(raw
        .into_iter()
        .map(|s| {
            if numeric && let Ok(v) = serde_json::from_str::<serde_json::Number>(&s) {
                return Value::Number(v);
            }
            Value::String(s)
        })
        .collect())
}

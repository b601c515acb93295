//! What must hold of any schema, however odd: synthtune refuses it with a proper
//! `Problem` (a JSON Pointer, a message), or every record it writes as a success is
//! valid by the `jsonschema` crate (formats asserted), unless the row says it carries
//! noise; a row without a valid value fails with the documented `GenerationError`. No
//! panic anywhere (the callers turn one into a failure), and a row repeats exactly.

use std::path::Path;

use serde_json::Value;
use synthtune::sink::ValueSink;
use synthtune::{Error, Table};

/// The seed every row is generated under (any fixed value: a finding must repeat).
pub const SEED: u64 = 2024;
/// Rows generated per schema: enough to meet most branches and rates, few enough that
/// compiling dominates.
pub const ROWS: u64 = 8;

/// What a schema gave, when all held.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Not a schema synthtune takes (bad JSON, unreadable, refused at a pointer).
    Refused(String),
    /// Rows were generated until the first that reported it has no valid value
    /// (`failed`: 1 when one did, as it ends the rows of every command),
    /// `noisy` carried deliberate noise; `validated` tells whether the `jsonschema`
    /// crate could check them (it compiles fewer schemas than synthtune reads: a
    /// reference to a document it cannot fetch).
    Generated {
        failed: u64,
        noisy: u64,
        validated: bool,
    },
}

/// A broken invariant, with what it takes to see it again.
pub type Violation = String;

/// Checks the schema file at `path`, loaded as the commands load it.
pub fn check_file(path: &Path) -> Result<Outcome, Violation> {
    let table = match Table::load(path) {
        Ok(table) => table,
        Err(error) => return refusal(error, None),
    };
    let schema = table.document().clone();
    check_table(&table, &schema, false)
}

/// Checks an in-memory schema that is valid JSON Schema (the grammar's): the
/// `jsonschema` crate must compile it, and a refusal's pointer must lead to a place in
/// it.
pub fn check_value(schema: &Value) -> Result<Outcome, Violation> {
    let table = match Table::from_value(schema.clone(), None) {
        Ok(table) => table,
        Err(error) => return refusal(error, Some(schema)),
    };
    check_table(&table, schema, true)
}

/// A refusal must be a proper one: a pointer that is one ("" for the root, else
/// "/..."), and, when the schema is a single document, one that leads somewhere in it.
fn refusal(error: Error, document: Option<&Value>) -> Result<Outcome, Violation> {
    if let Error::Schema { problem, .. } = &error {
        let pointer = &problem.pointer;
        if !(pointer.is_empty() || pointer.starts_with('/')) {
            return Err(format!(
                "refused at {pointer:?}, not a JSON Pointer: {error}"
            ));
        }
        if problem.message.trim().is_empty() {
            return Err(format!("refused at {pointer:?} with no message"));
        }
        if let Some(document) = document
            && document.pointer(pointer).is_none()
        {
            return Err(format!(
                "refused at {pointer:?}, which is nowhere in the schema: {error}"
            ));
        }
    }
    Ok(Outcome::Refused(error.to_string()))
}

fn check_table(table: &Table, schema: &Value, strict: bool) -> Result<Outcome, Violation> {
    // What `check` computes besides compiling.
    let _ = table.fields();
    if let Some(rows) = table.default_rows
        && let Err(error) = table.check_row_count(rows)
    {
        return refusal(error, strict.then_some(schema));
    }
    let validator = match jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
    {
        Ok(validator) => Some(validator),
        Err(e) if strict => {
            return Err(format!(
                "synthtune takes the schema, the jsonschema crate cannot compile it: {e}"
            ));
        }
        Err(_) => None,
    };
    let (mut first_failure, mut noisy) = (None, 0);
    for row in 0..ROWS {
        let mut sink = ValueSink::new();
        match table.write_row(SEED, row, &mut sink) {
            Ok(noise) => {
                let record = sink.finish();
                if noise > 0 {
                    noisy += 1;
                } else if let Some(validator) = &validator {
                    let errors: Vec<String> = validator
                        .iter_errors(&record)
                        .take(3)
                        .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
                        .collect();
                    if !errors.is_empty() {
                        return Err(format!(
                            "row {row} is invalid: {record}\n  {}",
                            errors.join("\n  ")
                        ));
                    }
                }
            }
            // A failed row ends every command (export, stats, the tuner's sample), so it
            // ends the run here too: what a command can be kept waiting for is the rows
            // up to the first failure, and a schema whose rows all fail after their whole
            // retry budget would otherwise cost eight of them.
            Err(error) if error.row == row => {
                first_failure = Some(row);
                break;
            }
            Err(error) => return Err(format!("row {row} failed as row {}: {error}", error.row)),
        }
    }
    // Row 0 again, when it is not the failure (whose retries are the cost above).
    let again = if first_failure == Some(0) {
        (None, None)
    } else {
        (
            table.try_row_value(SEED, 0).ok(),
            table.try_row_value(SEED, 0).ok(),
        )
    };
    if again.0 != again.1 {
        return Err(format!(
            "row 0 differs between two runs: {:?} then {:?}",
            again.0, again.1
        ));
    }
    Ok(Outcome::Generated {
        failed: u64::from(first_failure.is_some()),
        noisy,
        validated: validator.is_some(),
    })
}

//! One schema file compiled into a table: the library's front door.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Diagnostic, Error, GenerationError};
use crate::generate::Plan;
use crate::rng::{hash_str, table_key};
use crate::schema::Options;
use crate::schema::document::Documents;
use crate::sink::{Sink, ValueSink};

/// A compiled schema: generate any row of it, as often as you like.
#[derive(Debug)]
pub struct Table {
    /// The schema's `title` (or the file stem): the table's name.
    pub name: String,
    /// Where the schema came from, if a file.
    pub source: Option<PathBuf>,
    /// The `x-synth.rows` of the root, the default row count for export.
    pub default_rows: Option<u64>,
    /// What `check` reports: ignored keywords, fallbacks taken.
    pub diagnostics: Vec<Diagnostic>,
    /// The schema document and every document it refers to (sibling files).
    documents: Documents,
    name_hash: u64,
    plan: Plan,
}

/// One field of a table, as the statistics and the tuner show it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldInfo {
    /// Dotted path with `[]` for array elements, e.g. `items[].unit_price`; the root is `""`.
    pub path: String,
    /// JSON type(s) it produces, e.g. `integer`, `string|null`.
    pub type_name: String,
    /// Short description of the generator, e.g. `normal(41, 12) [18, 99]`.
    pub generator: String,
    /// The configured share of nulls, where the field is nullable.
    pub null_rate: Option<f64>,
    /// The configured share of records without the key, where the field is optional.
    pub absent_rate: Option<f64>,
    /// The JSON Pointer of the field's schema.
    pub pointer: String,
    /// For a linked foreign key: the parent's table, field and row count.
    pub references: Option<ParentRows>,
    /// What the generator was asked to produce, where that can be set beside what a
    /// sample shows.
    pub configured: Option<Configured>,
}

/// A field's configured law, as the compiled generator holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Configured {
    /// Each value's share among the non-null values: an enum's weights, a boolean's
    /// chance of `true`.
    Values(Vec<(Value, f64)>),
    /// Each JSON type's share among the non-null values: a union whose branches have one
    /// type each.
    Types(Vec<(&'static str, f64)>),
    /// A numeric distribution over the field's bounds.
    Numbers(crate::generate::number::NumberLaw),
}

/// The rows a foreign key draws from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParentRows {
    pub table: String,
    pub field: String,
    pub rows: u64,
}

impl Table {
    /// Loads and compiles a schema file (refs to sibling files resolve beside it).
    pub fn load(path: &Path) -> Result<Table, Error> {
        crate::schema::compile_file(path, &Options::default())
    }

    /// Loads and compiles a schema file with rate defaults and custom synthesizers.
    pub fn load_with(path: &Path, options: &Options) -> Result<Table, Error> {
        crate::schema::compile_file(path, options)
    }

    /// Compiles an in-memory schema; `base_dir` is where sibling refs and `values_from`
    /// files are looked for.
    pub fn from_value(document: Value, base_dir: Option<&Path>) -> Result<Table, Error> {
        crate::schema::compile_value(document, base_dir, &Options::default())
    }

    pub(crate) fn new(
        name: String,
        source: Option<PathBuf>,
        documents: Documents,
        plan: Plan,
        default_rows: Option<u64>,
        diagnostics: Vec<Diagnostic>,
    ) -> Table {
        Table {
            name_hash: hash_str(&name),
            name,
            source,
            default_rows,
            diagnostics,
            documents,
            plan,
        }
    }

    /// Writes row `row` under `seed` into `out`; returns how many deliberately invalid
    /// values (`noise`) it holds, so that a validator can tell them from real failures.
    /// When a value found by trial could not be found, the error names the row and the
    /// place, and what `out` received is not a valid record: drop it.
    #[inline(always)]
    pub fn write_row<S: Sink>(
        &self,
        seed: u64,
        row: u64,
        out: &mut S,
    ) -> Result<u32, GenerationError> {
        self.plan
            .generate(seed, table_key(seed, self.name_hash), row, out)
            .map_err(|cause| GenerationError {
                table: self.name.clone(),
                row,
                cause: *cause,
            })
    }

    /// Row `row` under `seed`, as a `Value`, or why it has no valid value.
    pub fn try_row_value(&self, seed: u64, row: u64) -> Result<Value, GenerationError> {
        let mut sink = ValueSink::new();
        self.write_row(seed, row, &mut sink)?;
        Ok(sink.finish())
    }

    /// Row `row` under `seed`, as a `Value`: for tests and quick looks, where a row
    /// whose trial failed may as well show as it came out (invalid). The commands use
    /// [`Table::try_row_value`] and [`Table::write_row`], which report it.
    pub fn row_value(&self, seed: u64, row: u64) -> Value {
        let mut sink = ValueSink::new();
        let _ = self.write_row(seed, row, &mut sink);
        sink.finish()
    }

    /// Every field path the table produces, in schema order.
    pub fn fields(&self) -> Vec<FieldInfo> {
        self.plan.fields()
    }

    /// Generation cost per field, in nanoseconds per value, index-aligned with
    /// [`Table::fields`]: each field's generator is timed on `rows` rows of its own (its
    /// fastest round of several).
    pub fn field_costs(&self, seed: u64, rows: u64) -> Vec<f64> {
        self.plan
            .field_costs(seed, table_key(seed, self.name_hash), rows)
    }

    /// The most rows this table can have with every unique field still unique, and the
    /// pointer of the field that sets the limit.
    pub fn unique_capacity(&self) -> Option<(u64, String)> {
        self.plan.unique_capacity()
    }

    /// Refuses a row count that a unique field cannot serve, with the field's pointer
    /// and the arithmetic.
    pub fn check_row_count(&self, rows: u64) -> Result<(), Error> {
        match self.unique_capacity() {
            Some((capacity, pointer)) if rows > capacity => Err(Error::Schema {
                path: self.source.clone().unwrap_or_else(|| "<schema>".into()),
                problem: crate::error::Problem::new(
                    pointer,
                    format!("a unique field has {capacity} distinct values but {rows} rows were asked for"),
                )
                .hint("ask for fewer rows, or widen the field's range"),
            }),
            _ => Ok(()),
        }
    }

    /// The schema document as loaded.
    pub fn document(&self) -> &Value {
        &self.documents.docs[0].value
    }

    /// The compiled generator tree.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The generator tree, for linking foreign keys (`crate::dataset`).
    pub(crate) fn plan_mut(&mut self) -> &mut Plan {
        &mut self.plan
    }

    /// The hash of the table's name: its rows' keys derive from `table_key(seed, hash)`.
    pub(crate) fn name_hash(&self) -> u64 {
        self.name_hash
    }

    /// A validator for this table's records: the root schema with formats asserted, its
    /// references into sibling files resolved from the documents compilation loaded.
    pub fn validator(&self) -> Result<jsonschema::Validator, Error> {
        crate::schema::validator::root_validator(&self.documents).map_err(|problem| Error::Schema {
            path: self
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from("<schema>")),
            problem,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The validator resolves references into sibling files from the documents
    /// compilation loaded, for a table compiled from memory with a base directory too.
    #[test]
    fn validator_resolves_sibling_files() {
        let dir = tempfile::tempdir().unwrap();
        let address = json!({
            "type": "object",
            "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
            "required": ["zip"]
        });
        std::fs::write(dir.path().join("address.json"), address.to_string()).unwrap();
        let table = Table::from_value(
            json!({
                "type": "object",
                "properties": {"address": {"$ref": "address.json"}},
                "required": ["address"]
            }),
            Some(dir.path()),
        )
        .unwrap();
        let validator = table.validator().unwrap();
        for row in 0..100 {
            let record = table.row_value(1, row);
            assert!(validator.is_valid(&record), "{record}");
        }
        assert!(!validator.is_valid(&json!({"address": {"zip": "ABCDE"}})));
    }

    /// One cost per field, for any row count, fewer rows than rounds and none included.
    #[test]
    fn every_field_gets_a_cost() {
        let table = Table::from_value(
            json!({
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "where": {"type": "object", "properties": {"city": {"type": "string"}}}
                }
            }),
            None,
        )
        .unwrap();
        for rows in [0, 1, 3, 2_000] {
            let costs = table.field_costs(7, rows);
            assert_eq!(costs.len(), table.fields().len(), "{rows} rows");
            assert!(
                costs.iter().all(|c| c.is_finite() && *c >= 0.0),
                "{rows} rows: {costs:?}"
            );
        }
    }
}

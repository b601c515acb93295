//! Where rows come from: a compiled [`Table`], or anything else that can write row `i`
//! of a table on demand (tests write hand-made records of a compiled schema).
//! Validation wraps a source.

use serde_json::Value;

use super::ExportError;
use crate::Table;
use crate::sink::{Sink, ValueSink};

/// Produces row `i` of one table on demand, from any thread, always the same row for
/// the same `i`: the exporter relies on it for identical output at any thread count.
pub trait RowSource: Sync {
    /// The table's name: output file names and the SQL table name.
    fn name(&self) -> &str;
    /// The compiled table the rows follow: its generators give csv, sql and parquet
    /// their columns, its schema validates records.
    fn table(&self) -> &Table;
    /// The row count when the caller gives none.
    fn default_rows(&self) -> Option<u64> {
        None
    }
    /// Writes row `row` into `out`; returns how many values in it are deliberately
    /// invalid (`noise`), which validation then expects rather than refuses.
    fn write_row<S: Sink>(&self, row: u64, out: &mut S) -> Result<u32, RowError>;
}

/// A row that could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RowError(pub String);

/// A compiled table under one seed.
pub struct TableRows<'a> {
    pub table: &'a Table,
    pub seed: u64,
}

impl RowSource for TableRows<'_> {
    fn name(&self) -> &str {
        &self.table.name
    }
    fn table(&self) -> &Table {
        self.table
    }
    fn default_rows(&self) -> Option<u64> {
        self.table.default_rows
    }
    fn write_row<S: Sink>(&self, row: u64, out: &mut S) -> Result<u32, RowError> {
        self.table
            .write_row(self.seed, row, out)
            .map_err(|e| RowError(e.cause.to_string()))
    }
}

/// A source plus, optionally, a validator every record must pass.
pub(crate) struct Rows<'a, R> {
    pub source: &'a R,
    validator: Option<jsonschema::Validator>,
}

impl<'a, R: RowSource> Rows<'a, R> {
    pub fn new(source: &'a R, validate: bool) -> Result<Self, ExportError> {
        let validator = if validate {
            let built = source
                .table()
                .validator()
                .map_err(|e| ExportError::Validator {
                    table: source.name().to_owned(),
                    message: e.to_string(),
                })?;
            Some(built)
        } else {
            None
        };
        Ok(Rows { source, validator })
    }

    pub fn table(&self) -> &str {
        self.source.name()
    }

    /// Writes row `row` into `out`, validating it first when asked.
    pub fn write<S: Sink>(&self, row: u64, out: &mut S) -> Result<(), ExportError> {
        if self.validator.is_none() {
            return self
                .source
                .write_row(row, out)
                .map(drop)
                .map_err(|e| self.row_error(row, e));
        }
        let value = self.value(row)?;
        out.value(&value);
        Ok(())
    }

    /// Row `row` as a `Value`, validated when asked (a row with deliberate noise is
    /// invalid on purpose and passes).
    pub fn value(&self, row: u64) -> Result<Value, ExportError> {
        let mut sink = ValueSink::new();
        let noisy = self
            .source
            .write_row(row, &mut sink)
            .map_err(|e| self.row_error(row, e))?;
        let value = sink.finish();
        if let Some(validator) = &self.validator
            && noisy == 0
            && let Err(error) = validator.validate(&value)
        {
            return Err(ExportError::Invalid {
                table: self.table().to_owned(),
                row,
                instance_path: pointer_or_root(error.instance_path().to_string()),
                schema_path: pointer_or_root(error.schema_path().to_string()),
                message: error.to_string(),
            });
        }
        Ok(value)
    }

    fn row_error(&self, row: u64, error: RowError) -> ExportError {
        ExportError::Row {
            table: self.table().to_owned(),
            row,
            message: error.0,
        }
    }
}

fn pointer_or_root(pointer: String) -> String {
    if pointer.is_empty() {
        "(root)".to_owned()
    } else {
        pointer
    }
}

//! SQL for PostgreSQL and SQLite (one script for both): one `CREATE TABLE`, then
//! multi-row `INSERT`s of [`BATCH_ROWS`] rows. Columns are flattened like csv
//! (`"address.city"`; snake_case with `--column-names snake`: [`super::names`]);
//! identifiers are double-quoted, strings single-quoted with `''`.
//!
//! Types: integer `INTEGER` where its range fits 32 bits, else `BIGINT`; number `DOUBLE
//! PRECISION`; a decimal (a money field, pydantic's `Decimal`; a number on its own
//! `multipleOf` grid) `NUMERIC(p,s)` with the grid's digits (`NUMERIC` where it has no
//! grid); boolean `BOOLEAN`, string `TEXT`, `format: date-time` `TIMESTAMP WITH TIME
//! ZONE`, `format: date` `DATE`, `format: uuid` `UUID`, JSON text (arrays, maps, mixed
//! unions) `JSONB`. SQLite accepts every one of these names (they give INTEGER, REAL and
//! NUMERIC affinity; a timestamp, a date, a uuid or a JSON text is not a number, so it
//! stays TEXT there) and PostgreSQL stores them as real types you can index and query. `NOT NULL` where a column is required and not nullable all the way
//! from the root; `PRIMARY KEY` on the columns marked `x-synth.key = "primary"`, `UNIQUE`
//! on `unique` ones; `FOREIGN KEY ... REFERENCES` for each linked `references` to a table
//! created before (tables are written parents first), and for a cycle's remaining keys
//! `ALTER TABLE ... ADD CONSTRAINT` after the parent's rows.

use std::borrow::Cow;

use super::flat::{CellFormat, ColumnKind, FlatLayout, FlatSink, push_doubling};
use super::names::ColumnNames;
use super::shape::{KeyRole, TextFormat};
use crate::Table;
use crate::dataset::{ForeignKey, foreign_keys};

/// Rows per `INSERT` statement. Batches are counted from row 0 of the table, so shards
/// (aligned to batches) hold whole statements and concatenate to the unsharded file.
pub(crate) const BATCH_ROWS: u64 = 500;

pub(crate) struct Sql;

impl CellFormat for Sql {
    fn text(out: &mut Vec<u8>, s: &str) {
        write_literal(out, s);
    }
    fn json(out: &mut Vec<u8>, json: &str) {
        write_literal(out, json);
    }
    fn bool(out: &mut Vec<u8>, v: bool) {
        out.extend_from_slice(if v { b"TRUE" } else { b"FALSE" });
    }
}

/// `'...'` with quotes doubled (standard SQL; PostgreSQL's default
/// `standard_conforming_strings` keeps backslashes literal).
fn write_literal(out: &mut Vec<u8>, s: &str) {
    out.push(b'\'');
    push_doubling(out, s, b'\'');
    out.push(b'\'');
}

/// The column type of `kind`: integers that 32 bits hold `INTEGER` (by their range),
/// decimals `NUMERIC(p,s)` where their grid is known.
fn column_type(kind: ColumnKind) -> Cow<'static, str> {
    Cow::Borrowed(match kind {
        ColumnKind::Integer(range) if range.fits_32_bits() => "INTEGER",
        ColumnKind::Integer(_) => "BIGINT",
        ColumnKind::Number => "DOUBLE PRECISION",
        ColumnKind::Decimal(Some(digits)) => {
            return format!("NUMERIC({},{})", digits.precision, digits.scale).into();
        }
        // Any double of an interval: exact decimals, bounded by the schema.
        ColumnKind::Decimal(None) => "NUMERIC",
        ColumnKind::Boolean => "BOOLEAN",
        ColumnKind::Text(TextFormat::Plain) => "TEXT",
        ColumnKind::Text(TextFormat::DateTime) => "TIMESTAMP WITH TIME ZONE",
        ColumnKind::Text(TextFormat::Date) => "DATE",
        ColumnKind::Text(TextFormat::Uuid) => "UUID",
        ColumnKind::Json => "JSONB",
    })
}

/// The foreign keys of one table, as its script declares them.
#[derive(Debug, Default)]
pub(crate) struct Constraints {
    /// To parents created before it (or itself): in `CREATE TABLE`.
    pub inline: Vec<ForeignKey>,
    /// Of tables created before it that reference it (a cycle): `ALTER TABLE ... ADD
    /// CONSTRAINT` once its rows are in, with the child table's name.
    pub after: Vec<(String, ForeignKey)>,
}

/// The constraints of each of `tables`, created and loaded in this order. A foreign key
/// to a table not among them is left out (it would not load).
pub(crate) fn constraints(tables: &[&Table]) -> Vec<Constraints> {
    let position = |name: &str| tables.iter().position(|t| t.name == name);
    let mut out: Vec<Constraints> = tables.iter().map(|_| Constraints::default()).collect();
    for (child, table) in tables.iter().enumerate() {
        for key in foreign_keys(table) {
            match position(&key.parent) {
                Some(parent) if parent <= child => out[child].inline.push(key),
                Some(parent) => out[parent].after.push((table.name.clone(), key)),
                None => {}
            }
        }
    }
    out
}

fn references_clause(key: &ForeignKey, names: ColumnNames) -> String {
    let list = |columns: &[String]| {
        columns
            .iter()
            .map(|n| names.sql_identifier(n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        list(&key.columns),
        names.sql_identifier(&key.parent),
        list(&key.parent_columns)
    )
}

/// `ALTER TABLE ... ADD CONSTRAINT` for the foreign keys that wait for this table's rows
/// (PostgreSQL and most databases; SQLite cannot add a constraint to a table).
pub(crate) fn add_constraints(after: &[(String, ForeignKey)], names: ColumnNames) -> Vec<u8> {
    let mut out = String::new();
    for (child, key) in after {
        let name = format!("{child}_{}_fkey", key.columns.join("_"));
        out.push_str(&format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {};\n",
            names.sql_identifier(child),
            names.sql_identifier(&name),
            references_clause(key, names)
        ));
    }
    out.into_bytes()
}

/// The `CREATE TABLE` statement, with the foreign keys to tables created before it.
pub(crate) fn create_table(
    table: &str,
    layout: &FlatLayout,
    foreign: &[ForeignKey],
    names: ColumnNames,
) -> Vec<u8> {
    let mut lines: Vec<String> = layout
        .columns
        .iter()
        .map(|c| {
            let not_null = if c.not_null || c.key == Some(KeyRole::Primary) {
                " NOT NULL"
            } else {
                ""
            };
            format!(
                "  {} {}{not_null}",
                names.sql_identifier(&c.name),
                column_type(c.kind)
            )
        })
        .collect();
    let keys: Vec<String> = layout
        .columns
        .iter()
        .filter(|c| c.key == Some(KeyRole::Primary))
        .map(|c| names.sql_identifier(&c.name))
        .collect();
    if !keys.is_empty() {
        lines.push(format!("  PRIMARY KEY ({})", keys.join(", ")));
    }
    for column in layout
        .columns
        .iter()
        .filter(|c| c.key == Some(KeyRole::Unique))
    {
        lines.push(format!("  UNIQUE ({})", names.sql_identifier(&column.name)));
    }
    let has_column = |name: &String| layout.columns.iter().any(|c| c.name == *name);
    for key in foreign.iter().filter(|k| k.columns.iter().all(has_column)) {
        lines.push(format!("  {}", references_clause(key, names)));
    }
    format!(
        "CREATE TABLE {} (\n{}\n);\n",
        names.sql_identifier(table),
        lines.join(",\n")
    )
    .into_bytes()
}

/// `INSERT INTO "table" ("a", "b") VALUES` and a newline: the start of every batch.
pub(crate) fn insert_prefix(table: &str, layout: &FlatLayout, names: ColumnNames) -> Vec<u8> {
    let columns: Vec<String> = layout
        .columns
        .iter()
        .map(|c| names.sql_identifier(&c.name))
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES\n",
        names.sql_identifier(table),
        columns.join(", ")
    )
    .into_bytes()
}

/// Appends `(v1, v2, ...)` for the record held by `sink`.
pub(crate) fn write_record(sink: &FlatSink<'_, Sql>, columns: usize, out: &mut Vec<u8>) {
    out.push(b'(');
    for column in 0..columns {
        if column > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(sink.cell(column).unwrap_or(b"NULL"));
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_identifiers_are_quoted() {
        let mut out = Vec::new();
        write_literal(&mut out, "it's a \\ \"test\"");
        assert_eq!(String::from_utf8(out).unwrap(), "'it''s a \\ \"test\"'");
    }
}

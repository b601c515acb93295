//! Why an export failed: what, where, and how to fix it where there is a fix.

use std::path::PathBuf;

use super::Format;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{} already exists; use --force to overwrite it", path.display())]
    Exists { path: PathBuf },

    #[error("{} is a directory; name a file, or give several tables to write one file per table into it", path.display())]
    IsDirectory { path: PathBuf },

    #[error("cannot create {}: {source}", path.display())]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The reader of standard output went away (`| head`): usually not worth an error message.
    #[error("standard output was closed")]
    StdoutClosed,

    #[error(
        "{tables} tables cannot share one {format} stream; use -o DIR to write one file per table (only sql combines several tables in one file)"
    )]
    NeedsDirectory { tables: usize, format: Format },

    #[error("two tables are named `{name}`; give each schema a distinct title")]
    DuplicateTable { name: String },

    #[error(
        "{table}: the fields `{first}` and `{second}` would both be the column `{name}` with --column-names snake; rename one of them, or keep the dotted names (--column-names dotted)"
    )]
    ColumnNameClash {
        table: String,
        name: String,
        first: String,
        second: String,
    },

    #[error(
        "the tables `{first}` and `{second}` would both be the table `{name}` with --column-names snake; give one schema another title, or keep the names (--column-names dotted)"
    )]
    TableNameClash {
        name: String,
        first: String,
        second: String,
    },

    #[error("{table}, row {row}: {message}")]
    Row {
        table: String,
        row: u64,
        message: String,
    },

    #[error(
        "{table}, row {row} is invalid at {instance_path}: {message} (schema rule {schema_path})"
    )]
    Invalid {
        table: String,
        row: u64,
        /// JSON Pointer of the failing value inside the record.
        instance_path: String,
        /// JSON Pointer of the failing rule inside the schema.
        schema_path: String,
        message: String,
    },

    #[error("{table}: the schema cannot be used for validation: {message}")]
    Validator { table: String, message: String },

    /// A value does not fit the column layout derived from the schema.
    #[error("{table}, row {row}, field `{path}`: {message}")]
    Shape {
        table: String,
        row: u64,
        path: String,
        message: String,
    },

    #[error("{table}: parquet: {message}")]
    Parquet { table: String, message: String },

    #[error("this synthtune was built without parquet support; rebuild with `--features parquet`")]
    ParquetUnavailable,

    #[error("export cancelled")]
    Cancelled,
}

//! The export dialog (`e`): how many rows, which format, where; the export itself runs
//! in the background through an [`Exporter`], reporting progress.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// Output formats, in the order the dialog cycles through them.
pub const FORMATS: [&str; 5] = ["ndjson", "json", "csv", "sql", "parquet"];

/// An export the user asked for: every table of the tuner, under its seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportJob {
    /// The schema files, loaded afresh by the exporter.
    pub schemas: Vec<PathBuf>,
    pub seed: u64,
    /// Rows per table; `None`: each table's `x-synth.rows`, else the export default.
    pub rows: Option<u64>,
    /// One of [`FORMATS`].
    pub format: &'static str,
    /// A file for one table, a directory for several.
    pub output: PathBuf,
}

/// Shared between the export thread and the screen. The counters are `Arc`s of their
/// own so that an exporter can hand them on as they are (`ExportOptions::cancel` is an
/// `Arc<AtomicBool>`).
#[derive(Debug, Default)]
pub struct ExportProgress {
    pub rows_done: Arc<AtomicU64>,
    /// 0 while unknown.
    pub rows_total: Arc<AtomicU64>,
    /// Set by the screen (Esc, or quitting) to ask the export to stop.
    pub cancel: Arc<AtomicBool>,
}

/// Runs exports for the tuner.
pub trait Exporter: Send + Sync {
    /// Runs `job` to the end (or until `progress.cancel`), updating `progress`; returns a
    /// one-line summary, or the error as the user should read it.
    fn export(&self, job: &ExportJob, progress: &ExportProgress) -> Result<String, String>;
}

/// Runs the dialog's exports with [`crate::export::export`], compiling the schemas as
/// the tuner does.
#[derive(Debug, Default)]
pub struct LibraryExporter {
    pub load: crate::Options,
}

impl Exporter for LibraryExporter {
    fn export(&self, job: &ExportJob, progress: &ExportProgress) -> Result<String, String> {
        use crate::export::{self, DEFAULT_ROWS, ExportOptions, Output};
        let tables = job
            .schemas
            .iter()
            .map(|p| crate::Table::load_with(p, &self.load))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        let mut total = 0;
        for table in &tables {
            let rows = job.rows.or(table.default_rows).unwrap_or(DEFAULT_ROWS);
            table.check_row_count(rows).map_err(|e| e.to_string())?;
            total += rows;
        }
        progress.rows_total.store(total, Ordering::Relaxed);
        let options = ExportOptions {
            rows: job.rows,
            format: job.format.parse().map_err(|e: export::FormatError| e.0)?,
            output: Output::Path(job.output.clone()),
            quiet: true,
            seed: job.seed,
            cancel: Some(Arc::clone(&progress.cancel)),
            rows_done: Some(Arc::clone(&progress.rows_done)),
            ..ExportOptions::default()
        };
        let summary = export::export(&tables, &options).map_err(|e| e.to_string())?;
        Ok(summary.to_string())
    }
}

/// The dialog's input fields, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogField {
    Rows,
    Format,
    Output,
}

/// Where the dialog is at.
#[derive(Debug)]
pub enum ExportPhase {
    Editing,
    Running {
        progress: Arc<ExportProgress>,
        started: Instant,
    },
    Finished(Result<String, String>),
}

#[derive(Debug)]
pub struct ExportDialog {
    /// Typed row count; empty means each schema's `x-synth.rows`.
    pub rows: String,
    /// Index into [`FORMATS`].
    pub format: usize,
    pub output: String,
    /// Once the user types a path, changing the format leaves it alone.
    pub output_edited: bool,
    /// The base of the default output name (table name, or a folder for several).
    pub output_stem: String,
    pub field: DialogField,
    /// Why Enter was refused.
    pub problem: Option<String>,
    pub phase: ExportPhase,
}

impl ExportDialog {
    /// A dialog for tables named `names`: one table exports to `name.format`,
    /// several to a folder `export-<format>/`.
    pub fn new(names: &[String]) -> ExportDialog {
        let output_stem = match names {
            [one] => file_stem(one),
            _ => "export".to_owned(),
        };
        let single = names.len() == 1;
        let mut dialog = ExportDialog {
            rows: String::new(),
            format: 0,
            output: String::new(),
            output_edited: false,
            output_stem,
            field: DialogField::Rows,
            problem: None,
            phase: ExportPhase::Editing,
        };
        dialog.output = dialog.default_output(single);
        dialog
    }

    fn default_output(&self, single: bool) -> String {
        if single {
            format!("{}.{}", self.output_stem, FORMATS[self.format])
        } else {
            format!("{}-{}/", self.output_stem, FORMATS[self.format])
        }
    }

    /// Moves to the next (or previous) format, updating an untouched output name.
    pub fn cycle_format(&mut self, forward: bool, single_table: bool) {
        let n = FORMATS.len();
        self.format = if forward {
            (self.format + 1) % n
        } else {
            (self.format + n - 1) % n
        };
        if !self.output_edited {
            self.output = self.default_output(single_table);
        }
    }

    /// The row count typed, `None` for the schema's own; `Err` for anything else than
    /// a positive whole number (`_` and `,` separators allowed).
    pub fn parsed_rows(&self) -> Result<Option<u64>, String> {
        let digits: String = self
            .rows
            .chars()
            .filter(|c| !matches!(c, '_' | ','))
            .collect();
        if digits.trim().is_empty() {
            return Ok(None);
        }
        match digits.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(format!(
                "rows: `{}` is not a positive whole number",
                self.rows
            )),
        }
    }
}

/// A table name as a file name: lower case, runs of other characters as `_`.
fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '-' {
            stem.extend(c.to_lowercase());
        } else if !stem.ends_with('_') {
            stem.push('_');
        }
    }
    let stem = stem.trim_matches('_');
    if stem.is_empty() {
        "table".into()
    } else {
        stem.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_outputs_follow_the_format_until_edited() {
        let mut d = ExportDialog::new(&["Order Line".to_owned()]);
        assert_eq!(d.output, "order_line.ndjson");
        d.cycle_format(true, true);
        assert_eq!(
            (FORMATS[d.format], d.output.as_str()),
            ("json", "order_line.json")
        );
        d.cycle_format(false, true);
        d.cycle_format(false, true);
        assert_eq!(d.output, "order_line.parquet");
        d.output_edited = true;
        d.output = "x.out".into();
        d.cycle_format(true, true);
        assert_eq!(d.output, "x.out");
        let several = ExportDialog::new(&["A".to_owned(), "B".to_owned()]);
        assert_eq!(several.output, "export-ndjson/");
    }

    #[test]
    fn row_counts() {
        let mut d = ExportDialog::new(&["T".to_owned()]);
        assert_eq!(d.parsed_rows(), Ok(None));
        d.rows = "1,000_000".into();
        assert_eq!(d.parsed_rows(), Ok(Some(1_000_000)));
        d.rows = "0".into();
        assert!(d.parsed_rows().is_err());
        d.rows = "ten".into();
        assert!(d.parsed_rows().is_err());
    }
}

//! The export dialog (`e`): how many rows, which format, where; the export itself runs
//! in the background through an [`Exporter`], reporting progress.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use crate::export::Format;

/// Output formats, in the order the dialog cycles through them: export's own list.
pub const FORMATS: [Format; 5] = Format::ALL;

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
    /// Replace files that exist.
    pub force: bool,
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
            force: job.force,
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
    Seed,
    Overwrite,
}

impl DialogField {
    pub const ALL: [DialogField; 5] = [
        DialogField::Rows,
        DialogField::Format,
        DialogField::Output,
        DialogField::Seed,
        DialogField::Overwrite,
    ];
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
    /// What the user set; the dialog opens with the last values of the session.
    pub choices: ExportChoices,
    /// The base of the default output name (table name, or a folder for several).
    pub output_stem: String,
    pub single_table: bool,
    pub field: DialogField,
    /// Why Enter was refused.
    pub problem: Option<String>,
    pub phase: ExportPhase,
}

/// The values of the dialog's inputs, remembered from one opening to the next (for the
/// session: the tuner keeps no settings file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportChoices {
    /// Typed row count; empty means each schema's `x-synth.rows`.
    pub rows: String,
    /// Index into [`FORMATS`].
    pub format: usize,
    /// The user picked the format (← →): the output's extension no longer decides it.
    pub format_chosen: bool,
    pub output: String,
    /// Once the user types a path, changing the format leaves it alone.
    pub output_edited: bool,
    /// Typed seed; follows the tuner's seed until edited.
    pub seed: String,
    pub seed_edited: bool,
    /// Replace files that exist.
    pub overwrite: bool,
}

impl ExportDialog {
    /// A dialog for tables named `names` under `seed`: one table exports to
    /// `name.format`, several to a folder `export-<format>/`. `last` is what the dialog
    /// held when it last closed, if it was open before.
    pub fn new(names: &[String], seed: u64, last: Option<&ExportChoices>) -> ExportDialog {
        let output_stem = match names {
            [one] => file_stem(one),
            _ => "export".to_owned(),
        };
        let choices = last.cloned().unwrap_or_else(|| ExportChoices {
            rows: String::new(),
            format: 0,
            format_chosen: false,
            output: String::new(),
            output_edited: false,
            seed: String::new(),
            seed_edited: false,
            overwrite: false,
        });
        let mut dialog = ExportDialog {
            choices,
            output_stem,
            single_table: names.len() == 1,
            field: DialogField::Rows,
            problem: None,
            phase: ExportPhase::Editing,
        };
        if !dialog.choices.output_edited {
            dialog.choices.output = dialog.default_output();
        }
        if !dialog.choices.seed_edited {
            dialog.choices.seed = seed.to_string();
        }
        dialog
    }

    fn default_output(&self) -> String {
        let format = FORMATS[self.choices.format].name();
        if self.single_table {
            format!("{}.{format}", self.output_stem)
        } else {
            format!("{}-{format}/", self.output_stem)
        }
    }

    /// Moves to the next (or previous) format, updating an untouched output name. The
    /// format is then the user's choice, whatever the output's extension says.
    pub fn cycle_format(&mut self, forward: bool) {
        let n = FORMATS.len();
        let c = &mut self.choices;
        c.format = if forward {
            (c.format + 1) % n
        } else {
            (c.format + n - 1) % n
        };
        c.format_chosen = true;
        if !c.output_edited {
            self.choices.output = self.default_output();
        }
    }

    /// The output after the user edited it: its extension picks the format, unless the
    /// user picked one.
    pub fn output_edited(&mut self) {
        let c = &mut self.choices;
        c.output_edited = true;
        if !c.format_chosen
            && let Some(format) = format_for_path(&c.output)
        {
            c.format = format;
        }
    }

    /// The format named by the output's extension, when it differs from the format
    /// chosen (shown as a note: the choice wins).
    pub fn extension_disagrees(&self) -> Option<&'static str> {
        let named = format_for_path(&self.choices.output)?;
        (named != self.choices.format).then_some(FORMATS[named].name())
    }

    /// The row count typed, `None` for the schema's own; `Err` for anything else than
    /// a positive whole number (`_` and `,` separators allowed).
    pub fn parsed_rows(&self) -> Result<Option<u64>, String> {
        let typed = &self.choices.rows;
        let digits: String = typed.chars().filter(|c| !matches!(c, '_' | ',')).collect();
        if digits.trim().is_empty() {
            return Ok(None);
        }
        match digits.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(format!("rows: `{typed}` is not a positive whole number")),
        }
    }

    /// The seed typed.
    pub fn parsed_seed(&self) -> Result<u64, String> {
        let typed = self.choices.seed.trim();
        typed.parse::<u64>().map_err(|_| {
            format!(
                "seed: `{typed}` is not a whole number from 0 to {}",
                u64::MAX
            )
        })
    }
}

/// The index in [`FORMATS`] of the format a file name's extension names, as export's
/// `-o` reads it ([`crate::export::Format::from_extension`]).
pub fn format_for_path(path: &str) -> Option<usize> {
    let extension = std::path::Path::new(path.trim()).extension()?.to_str()?;
    let format = Format::from_extension(extension)?;
    FORMATS.iter().position(|f| *f == format)
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

    fn dialog(names: &[&str]) -> ExportDialog {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        ExportDialog::new(&names, 42, None)
    }

    #[test]
    fn default_outputs_follow_the_format_until_edited() {
        let mut d = dialog(&["Order Line"]);
        assert_eq!(d.choices.output, "order_line.ndjson");
        assert_eq!(d.choices.seed, "42");
        d.cycle_format(true);
        assert_eq!(
            (FORMATS[d.choices.format].name(), d.choices.output.as_str()),
            ("json", "order_line.json")
        );
        d.cycle_format(false);
        d.cycle_format(false);
        assert_eq!(d.choices.output, "order_line.parquet");
        d.choices.output = "x.out".into();
        d.output_edited();
        d.cycle_format(true);
        assert_eq!(d.choices.output, "x.out");
        assert_eq!(dialog(&["A", "B"]).choices.output, "export-ndjson/");
    }

    #[test]
    fn the_extension_picks_the_format_unless_one_was_chosen() {
        let mut d = dialog(&["Order"]);
        for (output, format) in [
            ("orders.parquet", "parquet"),
            ("orders.CSV", "csv"),
            ("dump.sql", "sql"),
            ("all.json", "json"),
            ("lines.jsonl", "ndjson"),
            ("lines.ndjson", "ndjson"),
            ("notes.txt", "ndjson"),
            ("no-extension", "ndjson"),
        ] {
            d.choices.output = output.into();
            d.output_edited();
            assert_eq!(FORMATS[d.choices.format].name(), format, "{output}");
            // An unknown extension leaves the format where it was: reset for the next.
            d.choices.format = 0;
        }
        d.choices.output = "orders.csv".into();
        d.output_edited();
        d.cycle_format(true);
        assert_eq!(FORMATS[d.choices.format].name(), "sql", "the user's choice");
        assert_eq!(d.extension_disagrees(), Some("csv"));
        d.choices.output = "orders.parquet".into();
        d.output_edited();
        assert_eq!(
            FORMATS[d.choices.format].name(),
            "sql",
            "a chosen format stays"
        );
    }

    #[test]
    fn choices_are_remembered_and_the_seed_follows_the_tuner_until_edited() {
        let mut d = dialog(&["Order"]);
        d.choices.rows = "500".into();
        d.choices.overwrite = true;
        let last = d.choices.clone();
        let again = ExportDialog::new(&["Order".to_owned()], 43, Some(&last));
        assert_eq!(again.choices.rows, "500");
        assert!(again.choices.overwrite);
        assert_eq!(
            again.choices.seed, "43",
            "an untouched seed follows the tuner's"
        );
        d.choices.seed = "7".into();
        d.choices.seed_edited = true;
        let last = d.choices.clone();
        let again = ExportDialog::new(&["Renamed".to_owned()], 43, Some(&last));
        assert_eq!(again.choices.seed, "7");
        assert_eq!(
            again.choices.output, "renamed.ndjson",
            "an untouched output follows the table's name"
        );
        assert_eq!(again.parsed_seed(), Ok(7));
    }

    #[test]
    fn row_counts_and_seeds() {
        let mut d = dialog(&["T"]);
        assert_eq!(d.parsed_rows(), Ok(None));
        d.choices.rows = "1,000_000".into();
        assert_eq!(d.parsed_rows(), Ok(Some(1_000_000)));
        d.choices.rows = "0".into();
        assert!(d.parsed_rows().is_err());
        d.choices.rows = "ten".into();
        assert!(d.parsed_rows().is_err());
        d.choices.seed = "18446744073709551615".into();
        assert_eq!(d.parsed_seed(), Ok(u64::MAX));
        d.choices.seed = "18446744073709551616".into();
        assert!(d.parsed_seed().unwrap_err().contains("whole number"));
        d.choices.seed = String::new();
        assert!(d.parsed_seed().is_err());
    }
}

//! A progress bar on stderr while exporting (only when stderr is a terminal and not
//! quiet), and the one-line summary at the end.

use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{
    DecimalBytes, HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle,
};

/// One table's progress bar (hidden when quiet or not on a terminal), and the caller's
/// row counter, if it gave one (the tuner's export dialog reads it).
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    counter: Option<Arc<AtomicU64>>,
}

impl Progress {
    pub fn new(table: &str, rows: u64, quiet: bool, counter: Option<Arc<AtomicU64>>) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar: None, counter };
        }
        let bar = ProgressBar::with_draw_target(Some(rows), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix:.bold} [{bar:30}] {human_pos}/{human_len} rows  {rate} rows/s  ETA {eta}",
        ) {
            let rate = |state: &ProgressState, out: &mut dyn fmt::Write| {
                let _ = write!(out, "{}", HumanCount(state.per_sec() as u64));
            };
            bar.set_style(style.with_key("rate", rate).progress_chars("=> "));
        }
        bar.set_prefix(table.to_owned());
        Progress {
            bar: Some(bar),
            counter,
        }
    }

    pub fn advance(&self, rows: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(rows);
        }
        if let Some(counter) = &self.counter {
            counter.fetch_add(rows, Ordering::Relaxed);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// What was exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSummary {
    pub tables: Vec<TableSummary>,
    pub elapsed: Duration,
}

/// One table's part of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSummary {
    pub table: String,
    /// Rows written (this shard's, when sharded).
    pub rows: u64,
    /// Bytes written, header and framing included.
    pub bytes: u64,
    /// The file written; `None` for standard output.
    pub path: Option<PathBuf>,
}

impl ExportSummary {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.tables.iter().map(|t| t.bytes).sum()
    }

    pub fn rows_per_second(&self) -> f64 {
        self.rows() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// `exported 100,000 rows of 1 table (12.35 MB) in 0.41 s: 243,902 rows/s`
impl fmt::Display for ExportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tables = self.tables.len();
        write!(
            f,
            "exported {} rows of {tables} table{} ({}) in {:.2} s: {} rows/s",
            HumanCount(self.rows()),
            if tables == 1 { "" } else { "s" },
            DecimalBytes(self.bytes()),
            self.elapsed.as_secs_f64(),
            HumanCount(self.rows_per_second().round() as u64),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_well() {
        let summary = ExportSummary {
            tables: vec![TableSummary {
                table: "Customer".into(),
                rows: 100_000,
                bytes: 12_345_678,
                path: None,
            }],
            elapsed: Duration::from_millis(500),
        };
        assert_eq!(
            summary.to_string(),
            "exported 100,000 rows of 1 table (12.35 MB) in 0.50 s: 200,000 rows/s"
        );
    }
}

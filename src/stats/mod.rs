//! Per-field statistics of a generated sample: what the tuner shows and
//! `synthtune stats` prints.
//!
//! [`summarize`] generates `rows` rows of a table straight into a [`Collector`] (a
//! [`Sink`](crate::sink::Sink) that tracks the path of every value) and returns an
//! immutable [`Summary`]. For every field path (arrays flattened as
//! `items[].unit_price`): counts, observed null and absent shares next to the configured
//! ones, exact distinct counts, moments, quantiles and a histogram of numbers,
//! dates/date-times/times (as seconds) and lengths, the top values, and the generation
//! cost measured by [`Table::field_costs`](crate::Table::field_costs).
//! [`render_text`] and [`to_json`] turn a summary into the `stats` report.

mod collect;
mod counter;
pub mod display;
mod distribution;
mod fit;
mod report;
pub mod rules;
mod summary;
mod tape;
pub mod temporal;

pub use collect::{Collector, MAX_UNLISTED_KEYS, TOP_K};
pub use distribution::{Distribution, Histogram, Quantiles};
pub use fit::{ChiSquare, Density, Expected, MIN_EXPECTED, Share};
pub use report::{render_text, to_json};
pub use summary::{
    ChildrenPerParent, Cost, FieldSummary, Measure, Rate, Summary, TopValue, TypeCounts, ValueKind,
};

use crate::{Dataset, GenerationError, Table};
use tape::Tape;

/// The default sample size of the tuner and of `synthtune stats`.
pub const DEFAULT_SAMPLE_ROWS: u64 = 10_000;

/// What to sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleOptions {
    pub seed: u64,
    /// Rows `0..rows` are generated.
    pub rows: u64,
    /// Rows each field's generator is timed on; 0 measures no costs.
    pub cost_rows: u64,
}

impl SampleOptions {
    pub fn new(seed: u64, rows: u64) -> SampleOptions {
        SampleOptions {
            seed,
            rows,
            cost_rows: 0,
        }
    }
}

/// Generates the sample and summarises it; stops at the first row (in row order) that
/// has no valid value where one is found by trial.
///
/// Large samples are generated on a second thread while this one summarises (rows
/// travel in chunks, in order), so the two costs overlap instead of adding up; the
/// result is the same either way.
pub fn summarize(table: &Table, options: &SampleOptions) -> Result<Summary, GenerationError> {
    summarize_linked(table, None, options)
}

/// [`summarize`] for table `at` of `dataset`: its rules across tables are checked
/// against the parent rows too.
pub fn summarize_in(
    dataset: &Dataset,
    at: usize,
    options: &SampleOptions,
) -> Result<Summary, GenerationError> {
    summarize_linked(&dataset.tables[at], Some((dataset, at)), options)
}

fn summarize_linked(
    table: &Table,
    linked: Option<(&Dataset, usize)>,
    options: &SampleOptions,
) -> Result<Summary, GenerationError> {
    let fields = table.fields();
    let mut collector = Collector::new(&fields);
    let two_cores = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let noisy_rows = if two_cores && options.rows >= PIPELINE_MIN_ROWS {
        generate_beside(table, options, &mut collector)?
    } else {
        let mut noisy = 0;
        for row in 0..options.rows {
            noisy += u64::from(table.write_row(options.seed, row, &mut collector)? > 0);
        }
        noisy
    };
    let costs = if options.cost_rows > 0 {
        table.field_costs(options.seed, options.cost_rows)
    } else {
        Vec::new()
    };
    Ok(Summary {
        table: table.name.clone(),
        source: table.source.as_ref().map(|p| p.display().to_string()),
        seed: options.seed,
        rows: options.rows,
        noisy_rows,
        warnings: (table.diagnostics.iter())
            .filter(|d| d.severity.is_warning())
            .map(ToString::to_string)
            .collect(),
        inferred: (table.diagnostics.iter())
            .filter(|d| !d.severity.is_warning())
            .map(ToString::to_string)
            .collect(),
        fields: collector.finish(&fields),
        rules: rules::tally(table, linked, options.seed, options.rows)?,
    }
    .with_costs(&costs))
}

/// Below this many rows a second thread costs more than it saves.
const PIPELINE_MIN_ROWS: u64 = 2_000;
/// Rows per chunk handed from the generating thread to the summarising one.
const CHUNK_ROWS: u64 = 256;

/// Generates `options.rows` rows on a scoped thread, recording them on tapes that are
/// replayed into `collector` here, in row order; tapes go back to be reused. Returns
/// how many rows hold deliberate noise, or the first row that failed.
fn generate_beside(
    table: &Table,
    options: &SampleOptions,
    collector: &mut Collector,
) -> Result<u64, GenerationError> {
    let (full_tx, full_rx) = crossbeam_channel::bounded::<Tape>(4);
    let (empty_tx, empty_rx) = crossbeam_channel::unbounded::<Tape>();
    std::thread::scope(|scope| {
        let generator = scope.spawn(move || {
            let mut noisy = 0;
            let mut start = 0;
            while start < options.rows {
                let end = (start + CHUNK_ROWS).min(options.rows);
                let mut tape = empty_rx.try_recv().unwrap_or_default();
                for row in start..end {
                    // Dropping the sender ends the replay loop below.
                    noisy += u64::from(table.write_row(options.seed, row, &mut tape)? > 0);
                }
                if full_tx.send(tape).is_err() {
                    break;
                }
                start = end;
            }
            Ok(noisy)
        });
        for mut tape in full_rx {
            tape.replay(collector);
            tape.clear();
            let _ = empty_tx.send(tape);
        }
        // A panic in generation is re-raised here, as it would be without the thread.
        generator
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

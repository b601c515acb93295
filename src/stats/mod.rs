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
mod report;
mod summary;
mod temporal;

pub use collect::{Collector, MAX_UNLISTED_KEYS, TOP_K};
pub use distribution::{Distribution, Histogram, Quantiles};
pub use report::{render_text, to_json};
pub use summary::{Cost, FieldSummary, Measure, Rate, Summary, TopValue, TypeCounts, ValueKind};
pub use temporal::TemporalKind;

use crate::Table;

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

/// Generates the sample and summarises it.
pub fn summarize(table: &Table, options: &SampleOptions) -> Summary {
    let fields = table.fields();
    let mut collector = Collector::new(&fields);
    for row in 0..options.rows {
        table.write_row(options.seed, row, &mut collector);
    }
    let costs = if options.cost_rows > 0 {
        table.field_costs(options.seed, options.cost_rows)
    } else {
        Vec::new()
    };
    Summary {
        table: table.name.clone(),
        source: table.source.as_ref().map(|p| p.display().to_string()),
        seed: options.seed,
        rows: options.rows,
        warnings: table.diagnostics.iter().map(ToString::to_string).collect(),
        fields: collector.finish(&fields, &costs),
    }
}

//! synthtune: realistic synthetic data from JSON Schema.
//!
//! A schema file is loaded and compiled once into a [`Table`]: a tree of small typed
//! generators ([`generate::Node`]). Row `i` of a table is a pure function of
//! `(seed, table, i)`, so rows can be produced in any order, on any thread.

pub mod dataset;
pub mod error;
pub mod export;
pub mod generate;
pub mod rng;
pub mod schema;
pub mod sink;
pub mod stats;
pub mod synthesizer;
pub mod table;
pub mod tui;

pub use dataset::{Dataset, RowCounts};
pub use error::{
    Diagnostic, Error, Exhausted, GenerationError, Problem, ProblemKind, Severity, Trial,
};
pub use schema::{Options, RateDefaults};
pub use table::{FieldInfo, Table};

/// The seed used when the user gives none, so that runs repeat.
pub const DEFAULT_SEED: u64 = 42;

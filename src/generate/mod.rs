//! The generators: a compiled plan is a tree of these nodes.
//! SKELETON: being written.

pub mod distribution;
pub mod domain;
pub mod format;
pub mod pattern;
pub mod temporal;

use crate::sink::Sink;
use crate::table::FieldInfo;

/// A compiled schema: the root generator plus the targets of recursive references.
#[derive(Debug, Default)]
pub struct Plan {}

impl Plan {
    pub fn generate<S: Sink>(&self, row: u64, key: u64, out: &mut S) {
        let _ = (row, key);
        out.null();
    }

    pub fn field_costs(&self, key: u64, rows: u64) -> Vec<f64> {
        let _ = (key, rows);
        Vec::new()
    }

    pub fn fields(&self) -> Vec<FieldInfo> {
        Vec::new()
    }
}

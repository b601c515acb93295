//! date, date-time and time values within a range, under a distribution.
//! STUB: being replaced by the full implementation.

use crate::generate::distribution::DistributionSpec;
use crate::rng::SynthRng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporalKind {
    Date,
    DateTime,
    Time,
}

#[derive(Debug, Clone)]
pub struct TemporalGen {
    kind: TemporalKind,
}

impl TemporalGen {
    pub fn new(
        kind: TemporalKind,
        _min: Option<&str>,
        _max: Option<&str>,
        _dist: &DistributionSpec,
    ) -> Result<Self, String> {
        Ok(Self { kind })
    }
    pub fn generate(&self, _rng: &mut SynthRng, out: &mut String) {
        out.push_str(match self.kind {
            TemporalKind::Date => "2024-01-01",
            TemporalKind::DateTime => "2024-01-01T00:00:00Z",
            TemporalKind::Time => "00:00:00Z",
        });
    }
    pub fn describe(&self) -> String {
        format!("{:?}", self.kind)
    }
}

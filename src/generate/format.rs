//! Values for the `format` keyword (2020-12 formats and those pydantic emits).
//! STUB: being replaced by the full implementation.

use crate::rng::SynthRng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Uuid,
}

impl Format {
    /// The format for a `format` keyword's value, or `None` when unknown.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "uuid" => Some(Self::Uuid),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        "uuid"
    }

    pub fn length_range(&self) -> (usize, Option<usize>) {
        (36, Some(36))
    }

    pub fn is_temporal(&self) -> bool {
        false
    }

    /// Appends one value to `out`.
    pub fn generate(&self, rng: &mut SynthRng, out: &mut String) {
        use rand::RngExt;
        let v: u128 = rng.random();
        let v = (v & !(0xF000u128 << 64) | (0x4000u128 << 64)) & !(0xC000u128 << 48)
            | (0x8000u128 << 48);
        let h = format!("{v:032x}");
        out.push_str(&format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        ));
    }
}

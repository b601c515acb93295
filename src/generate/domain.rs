//! Realistic values for the `domain` knob (names, emails, addresses, ...).
//! STUB: being replaced by the full implementation.

use crate::rng::SynthRng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    Word,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
}

impl Domain {
    pub fn parse(name: &str) -> Option<Domain> {
        (name == "word").then_some(Domain::Word)
    }
    pub fn name(&self) -> &'static str {
        "word"
    }
    pub fn generate(&self, _rng: &mut SynthRng, _locale: Locale, out: &mut String) {
        out.push_str("word");
    }
    pub fn length_range(&self, _locale: Locale) -> (usize, usize) {
        (4, 4)
    }
}

impl Locale {
    pub fn parse(name: &str) -> Option<Locale> {
        (name == "en").then_some(Locale::En)
    }
    pub fn name(&self) -> &'static str {
        "en"
    }
}

//! Strings matching an ECMA-262 `pattern` (search semantics) within length bounds.
//! STUB: being replaced by the full implementation.

use crate::rng::SynthRng;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatternError {
    #[error("invalid regular expression: {0}")]
    Syntax(String),
    #[error("unsupported regular expression feature: {0}")]
    Unsupported(String),
    #[error("{0}")]
    Unsatisfiable(String),
}

/// A compiled pattern sampler.
#[derive(Debug, Clone)]
pub struct PatternGen {}

impl PatternGen {
    /// Compiles `pattern`; every string it generates has between `min_len` and `max_len`
    /// code points and contains a match of `pattern`.
    pub fn new(
        pattern: &str,
        min_len: usize,
        max_len: Option<usize>,
    ) -> Result<Self, PatternError> {
        let _ = (pattern, min_len, max_len);
        Err(PatternError::Unsupported(
            "patterns are not implemented yet".into(),
        ))
    }

    pub fn generate(&self, rng: &mut SynthRng, out: &mut String) {
        let _ = (rng, out);
    }
}

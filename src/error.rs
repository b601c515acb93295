//! The library's error type: what went wrong, where (file, line/column or JSON Pointer),
//! and how to fix it.

use std::fmt;
use std::path::PathBuf;

/// Why a schema could not be loaded or compiled. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: invalid JSON: {message}", path.display())]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {problem}", path.display())]
    Schema { path: PathBuf, problem: Problem },
}

impl Error {
    /// The JSON Pointer of the culprit, for schema errors.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Error::Schema { problem, .. } => Some(&problem.pointer),
            _ => None,
        }
    }
}

/// A refusal found while compiling: the JSON Pointer of the culprit, what is wrong and,
/// where there is one, the fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
    pub hint: Option<String>,
    pub kind: ProblemKind,
}

/// Whether a refusal is about the values (none exists) or about the schema itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// No value satisfies the schema here. Inside an `anyOf` branch or an optional
    /// property that is legal JSON Schema: the branch or key is simply never generated.
    Unsatisfiable,
    /// The schema or a knob is malformed (a bad `$ref`, an unknown distribution, a
    /// probability above 1): always refused, wherever it stands.
    Invalid,
    /// A `$ref` names a document synthtune cannot have (not in the schema, beside it, or
    /// bundled). Like [`ProblemKind::Unsatisfiable`], only what needs it is left out.
    Unavailable,
}

impl Problem {
    /// No value can satisfy the schema at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
            hint: None,
            kind: ProblemKind::Unsatisfiable,
        }
    }

    /// The schema or knob at `pointer` is malformed.
    pub fn invalid(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ProblemKind::Invalid,
            ..Self::new(pointer, message)
        }
    }

    /// A `$ref` at `pointer` names a document that cannot be found.
    pub fn unavailable(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind: ProblemKind::Unavailable,
            ..Self::new(pointer, message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "at {pointer}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (fix: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problem {}

/// A value found by trial that could not be found: a checked generator (validated and
/// regenerated) ran out of attempts, or a `uniqueItems` array ran out of distinct
/// elements before `minItems`. The row has no valid value there, so it is not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exhausted {
    /// The JSON Pointer of the schema the value had to satisfy.
    pub pointer: String,
    pub trial: Trial,
}

/// What was tried, and why it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trial {
    /// `attempts` generated values all failed validation; `limit` is what one value may
    /// take. `budget_spent`: it stopped before `limit` because the row's retry budget,
    /// shared by every checked value in the row, ran out.
    Validation {
        attempts: u32,
        limit: u32,
        budget_spent: bool,
    },
    /// Only `found` distinct elements turned up, `tries` draws each, below `min`.
    Distinct {
        found: usize,
        min: usize,
        tries: u32,
    },
    /// Only `found` distinct names turned up for the keys an object needs, below `min`
    /// (`minProperties`).
    DistinctKeys { found: usize, min: usize },
    /// Recursion nested `levels` deep without reaching a base case (a backstop:
    /// compilation refuses recursion it can prove endless).
    Recursion { levels: u32 },
}

impl fmt::Display for Exhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        match self.trial {
            Trial::Validation {
                attempts,
                limit,
                budget_spent,
            } => {
                write!(f, "at {pointer}: no valid value found by trial: ")?;
                if budget_spent {
                    write!(
                        f,
                        "{attempts} attempt{} failed validation, then the row's budget of {} retries (shared by its checked values) ran out",
                        if attempts == 1 { "" } else { "s" },
                        crate::generate::CHECK_BUDGET
                    )?;
                } else {
                    write!(
                        f,
                        "{limit} attempts, the most one value may take, all failed validation"
                    )?;
                }
                write!(
                    f,
                    " (fix: the schema is unsatisfiable or nearly so there; loosen it. `synthtune check` lists the values found by trial)"
                )
            }
            Trial::Distinct { found, min, tries } => write!(
                f,
                "at {pointer}: uniqueItems: only {found} distinct items found ({tries} draws each) but minItems is {min} (fix: lower minItems, or widen the items' schema)"
            ),
            Trial::DistinctKeys { found, min } => write!(
                f,
                "at {pointer}: only {found} distinct key names found but the object needs {min} keys (fix: lower minProperties, or widen the names patternProperties and propertyNames allow)"
            ),
            Trial::Recursion { levels } => write!(
                f,
                "at {pointer}: recursion nested {levels} levels deep without an end (fix: make the recursive property optional, or lower the minProperties/minItems that keep it)"
            ),
        }
    }
}

/// A row that could not be generated validly: the table, the row and why. Every command
/// stops on it (exit status 1) rather than write an invalid record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("table {table:?}, row {row}: {cause}")]
pub struct GenerationError {
    pub table: String,
    pub row: u64,
    pub cause: Exhausted,
}

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Supported, but worth knowing (a fallback was taken, a knob has no effect yet).
    Note,
    /// A keyword or knob that synthtune does not act on.
    Ignored,
    /// A domain or date range guessed from a field's name (`x-synth.infer`): information,
    /// not a warning.
    Inferred,
    /// A guess from a field's name that was not made, its values not meeting the
    /// field's constraints: a `note` of `check`'s, but information, as [`Inferred`] is.
    ///
    /// [`Inferred`]: Severity::Inferred
    NotInferred,
}

impl Severity {
    /// Whether the tuner and `stats` count this as a warning; what inference from field
    /// names did or did not do is shown apart, as information.
    pub fn is_warning(self) -> bool {
        matches!(self, Severity::Note | Severity::Ignored)
    }
}

/// A finding of `check` that does not stop generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = match self.severity {
            Severity::Note | Severity::NotInferred => "note",
            Severity::Ignored => "ignored",
            Severity::Inferred => "inferred",
        };
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{tag}: {pointer}: {}", self.message)
    }
}

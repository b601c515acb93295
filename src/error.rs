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

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Supported, but worth knowing (a fallback was taken, a knob has no effect yet).
    Note,
    /// A keyword or knob that synthtune does not act on.
    Ignored,
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
            Severity::Note => "note",
            Severity::Ignored => "ignored",
        };
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{tag}: {pointer}: {}", self.message)
    }
}

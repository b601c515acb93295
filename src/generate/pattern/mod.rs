//! Strings that satisfy a JSON Schema `pattern` together with `minLength`/`maxLength`.
//!
//! A JSON Schema `pattern` is an ECMA-262 regular expression with *search* semantics: the string
//! must contain a match somewhere, unless `^`/`$` pin the match to the ends. Everything is
//! prepared once, in [`PatternGen::new`]:
//!
//! 1. [`ecma::translate`] rewrites the ECMA-262 dialect into regex-syntax's (ASCII `\d` and `\w`,
//!    ECMA's `\s` and `.`, `\cX`, surrogate pairs, Annex B class ranges, named groups) and
//!    refuses look-arounds and backreferences, which regex-syntax cannot express.
//! 2. The HIR becomes a tree of [`Node`](node::Node)s ([`parse`], [`node`], classes in
//!    [`class`]): captures dropped, never-matching parts pruned, every node knowing its
//!    shortest, longest and "readable" longest length.
//! 3. Anchors and word boundaries are resolved statically into [`Branch`]es ([`branch`]):
//!    `^`/`$` at the ends forbid padding on that side, and `\b` next to known characters
//!    constrains the padding.
//! 4. Every node learns the exact set of lengths it can produce (a bitset up to a cap, [`plan`]),
//!    so a value is generated top-down ([`emit`]): pick a body length that fits the bounds, then
//!    split it among the parts so that each part can produce its share exactly. There is no
//!    rejection sampling, and a refusal ([`PatternError::Unsatisfiable`]) comes with the
//!    arithmetic behind it.
//! 5. A pattern of one fixed shape (`^SKU-[A-Z0-9]{6}$`, the common case) is flattened into
//!    a list of pieces ([`fixed`]) that writes the same strings without walking the tree.

mod branch;
mod class;
mod ecma;
mod emit;
mod fixed;
mod node;
mod parse;
mod plan;
#[cfg(test)]
mod tests;

use rand::RngExt;

use crate::rng::SynthRng;
use branch::{
    Branch, PadSide, Padding, gap_message, length_conflict, split_into_branches, write_padding,
};
use node::Kind;
use parse::Converter;
use plan::Planner;

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatternError {
    /// Not a valid ECMA-262 regular expression.
    #[error("invalid regular expression: {0}")]
    Syntax(String),
    /// Valid, but uses a feature this generator cannot honour (look-arounds, backreferences...).
    #[error("unsupported regular expression feature: {0}")]
    Unsupported(String),
    /// No string both contains a match and has an allowed length.
    #[error("{0}")]
    Unsatisfiable(String),
}

impl PatternError {
    /// Names the pattern in the message, so a refusal can be traced back to its schema.
    fn in_pattern(self, pattern: &str) -> Self {
        match self {
            Self::Syntax(m) => Self::Syntax(format!("{m} in pattern {pattern}")),
            Self::Unsupported(m) => Self::Unsupported(format!("{m} in pattern {pattern}")),
            Self::Unsatisfiable(m) => Self::Unsatisfiable(format!("pattern {pattern} {m}")),
        }
    }
}

fn unsupported(message: impl Into<String>) -> PatternError {
    PatternError::Unsupported(message.into())
}

/// The longest string this generator plans for; longer requirements are refused as Unsupported.
const MAX_PLANNED_LEN: usize = 1 << 16;
/// Copies an unbounded repetition (`*`, `+`, `{n,}`) gets beyond its minimum in readable output.
const UNBOUNDED_EXTRA: usize = 8;
/// At most this many copies beyond the minimum of a bounded repetition `{n,m}` in readable output.
const BOUNDED_EXTRA: usize = 64;
/// Extra room above the readable lengths when planning, so the first achievable length above
/// `minLength` is always found (gaps between achievable lengths are shorter than this plus the
/// readable length).
const PLAN_SLACK: usize = 64;
/// Memory budget for length sets, in 64-bit words (16 MiB).
const PLAN_MEMORY_WORDS: usize = 1 << 21;
/// Work budget for length-set arithmetic, in word operations (well under a second).
const PLAN_WORK: usize = 1 << 27;

/// A compiled sampler for one `pattern` and length bounds.
#[derive(Debug, Clone)]
pub struct PatternGen {
    /// The alternatives that can produce an allowed length; never empty.
    branches: Vec<Branch>,
    min_len: usize,
    length_range: (usize, Option<usize>),
    /// The one branch flattened, when the pattern has a single fixed shape.
    fixed: Option<Vec<fixed::Piece>>,
    /// No string holds a character JSON must escape (padding never adds one).
    never_escapes: bool,
}

impl PatternGen {
    /// Compiles `pattern`; every string it generates has between `min_len` and `max_len` code
    /// points (`None`: no upper bound) and contains a match of `pattern` (is entirely a match
    /// when the pattern is anchored with `^...$`).
    pub fn new(
        pattern: &str,
        min_len: usize,
        max_len: Option<usize>,
    ) -> Result<Self, PatternError> {
        if let Some(max) = max_len
            && min_len > max
        {
            return Err(PatternError::Unsatisfiable(format!(
                "minLength {min_len} is greater than maxLength {max}"
            )));
        }
        if min_len > MAX_PLANNED_LEN {
            return Err(unsupported(format!(
                "minLength {min_len} is above the {MAX_PLANNED_LEN} characters patterns are generated up to"
            )));
        }
        let translated = ecma::translate(pattern).map_err(|e| e.in_pattern(pattern))?;
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&translated)
            .map_err(|e| syntax_error(&e).in_pattern(pattern))?;
        let root = Converter::new(&hir)
            .convert(&hir)
            .map_err(|e| e.in_pattern(pattern))?;
        if matches!(root.kind, Kind::Never) {
            return Err(PatternError::Unsatisfiable(format!(
                "pattern {pattern} can never match: it needs a character from an empty class"
            )));
        }
        let mut branches = split_into_branches(root).map_err(|e| e.in_pattern(pattern))?;

        if let Some(message) = length_conflict(pattern, &branches, min_len, max_len) {
            return Err(PatternError::Unsatisfiable(message));
        }
        let shortest_body = branches.iter().map(|b| b.body.min).min().unwrap_or(0);
        if shortest_body > MAX_PLANNED_LEN {
            return Err(unsupported(format!(
                "pattern {pattern} needs at least {shortest_body} characters; \
                 patterns are generated up to {MAX_PLANNED_LEN}"
            )));
        }
        let longest_min = branches.iter().map(|b| b.body.min).max().unwrap_or(0);
        let readable = branches
            .iter()
            .map(|b| b.body.readable_max)
            .max()
            .unwrap_or(0);
        let cap = min_len
            .max(longest_min)
            .saturating_add(readable)
            .saturating_add(PLAN_SLACK)
            .min(max_len.unwrap_or(usize::MAX))
            .min(MAX_PLANNED_LEN);

        let mut planner = Planner::new(cap);
        for branch in &mut branches {
            branch
                .body
                .plan(&mut planner)
                .map_err(|e| e.in_pattern(pattern))?;
            branch.body_lengths = branch.length_choices(min_len, max_len, cap);
        }
        let (viable, refused): (Vec<Branch>, Vec<Branch>) = branches
            .into_iter()
            .partition(|b| !b.body_lengths.is_empty());
        if viable.is_empty() {
            return Err(PatternError::Unsatisfiable(gap_message(
                pattern, refused, min_len, max_len,
            )));
        }
        let totals = || {
            viable
                .iter()
                .flat_map(|b| b.body_lengths.iter().map(move |&n| b.total_len(n, min_len)))
        };
        let length_range = (totals().min().unwrap_or(min_len), totals().max());
        let fixed = match viable.as_slice() {
            // Anchored at both ends, one length: the walk would draw nothing but the
            // characters.
            [only] if !only.padded() && only.body_lengths == [only.body.min] => {
                fixed::flatten(&only.body)
            }
            _ => None,
        };
        let never_escapes = !viable.iter().any(|b| b.body.may_need_escape());
        Ok(Self {
            branches: viable,
            min_len,
            length_range,
            fixed,
            never_escapes,
        })
    }

    /// Appends one string to `out`.
    pub fn generate(&self, rng: &mut SynthRng, out: &mut String) {
        if let Some(pieces) = &self.fixed {
            return fixed::write(pieces, rng, out);
        }
        let branch = pick(&self.branches, rng);
        let body_len = *pick(&branch.body_lengths, rng);
        let padding = branch.total_len(body_len, self.min_len) - body_len;
        let before_len = match (branch.before, branch.after) {
            (Padding::Anchored, _) => 0,
            (_, Padding::Anchored) => padding,
            (before, after) => {
                let spare = padding - before.min_len() - after.min_len();
                before.min_len() + rng.random_range(0..=spare)
            }
        };
        if before_len > 0 {
            write_padding(before_len, branch.before, PadSide::Before, rng, out);
        }
        branch.body.emit(body_len, rng, out);
        if padding > before_len {
            write_padding(padding - before_len, branch.after, PadSide::After, rng, out);
        }
    }

    /// Whether no string it writes holds `"`, `\` or a control character.
    pub fn never_escapes(&self) -> bool {
        self.never_escapes
    }

    /// Shortest and longest length, in code points, of the strings [`generate`](Self::generate)
    /// produces. Unbounded repetitions are capped for readability, so the upper end is
    /// currently always `Some`.
    pub fn length_range(&self) -> (usize, Option<usize>) {
        self.length_range
    }
}

/// One element, chosen uniformly (without drawing from `rng` when there is only one).
fn pick<'a, T>(items: &'a [T], rng: &mut SynthRng) -> &'a T {
    if items.len() == 1 {
        &items[0]
    } else {
        &items[rng.random_range(0..items.len())]
    }
}

/// The message of a regex-syntax error, without its multi-line rendering of the translated
/// pattern (whose offsets would not match what the user wrote).
fn syntax_error(error: &regex_syntax::Error) -> PatternError {
    let detail = match error {
        regex_syntax::Error::Parse(e) => e.kind().to_string(),
        regex_syntax::Error::Translate(e) => e.kind().to_string(),
        other => other.to_string(),
    };
    PatternError::Syntax(detail)
}

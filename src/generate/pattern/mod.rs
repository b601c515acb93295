//! Strings that satisfy a JSON Schema `pattern` together with `minLength`/`maxLength`.
//!
//! A JSON Schema `pattern` is an ECMA-262 regular expression with *search* semantics: the string
//! must contain a match somewhere, unless `^`/`$` pin the match to the ends. Everything is
//! prepared once, in [`PatternGen::new`]:
//!
//! 1. [`ecma::translate`] rewrites the ECMA-262 dialect into regex-syntax's (`\cX`, surrogate
//!    pairs, Annex B class ranges, named groups, `\A`/`\z`/`\Z` as `^`/`$`), reading class
//!    escapes as every validator agrees (ASCII `\d` and `\w`, `\s` without U+FEFF). Look-arounds
//!    are left out and back-references become copies of their group; such a pattern is also
//!    translated for fancy-regex, and its candidates are checked ([`Trial`]).
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
//! 5. With look-arounds or back-references, a value is drawn as above, then checked against
//!    fancy-regex and the length bounds; a few candidates are tried per value, deterministically
//!    (they come from the value's own random stream). A pattern none of whose probe candidates
//!    passes is refused as Unsatisfiable.
//! 6. A pattern of one fixed shape (`^SKU-[A-Z0-9]{6}$`, the common case) is flattened into
//!    a list of pieces ([`fixed`]) that writes the same strings without walking the tree.

mod branch;
mod class;
mod ecma;
mod emit;
mod fixed;
mod intersect;
mod node;
mod parse;
mod plan;
#[cfg(test)]
mod tests;

use rand::RngExt;

use crate::rng::{SynthRng, mix, rng_for};
use branch::{
    Branch, PadSide, Padding, gap_message, length_conflict, split_into_branches, write_padding,
};
use emit::{CaptureLog, Spans};
use intersect::Walk;
pub use intersect::provably_disjoint;
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

/// Candidates drawn per value for a pattern checked by trial; the last is written if none
/// passes (a checked generator around it then tries again).
const TRIAL_ATTEMPTS: usize = 32;
/// Candidates drawn when compiling a pattern checked by trial; none passing is a refusal.
const PROBE_ATTEMPTS: u64 = 256;
/// fancy-regex's backtracking budget per check: a pathological look-around fails the
/// candidate instead of stalling generation.
const BACKTRACK_LIMIT: usize = 100_000;

/// The check of a pattern with look-arounds or back-references: what generation cannot
/// guarantee by construction.
#[derive(Debug, Clone)]
struct Trial {
    regex: fancy_regex::Regex,
    min_len: usize,
    max_len: Option<usize>,
}

impl Trial {
    fn accepts(&self, value: &str) -> bool {
        let len = value.chars().count();
        len >= self.min_len
            && self.max_len.is_none_or(|m| len <= m)
            && self.regex.is_match(value).unwrap_or(false)
    }
}

/// Generation beyond the walk of one pattern's tree.
#[derive(Debug, Clone)]
enum Special {
    /// Look-arounds or back-references: candidates from the tree, checked.
    Trial(Trial),
    /// Several patterns at once: a walk over their product automaton.
    Intersection(Walk),
}

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
    /// Present when the pattern has look-arounds or back-references, or for several
    /// patterns at once.
    special: Option<Box<Special>>,
    /// The anchors of other dialects the pattern uses (`\A`, `\z`, `\Z`).
    foreign_anchors: Box<[&'static str]>,
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
        let translation = ecma::translate(pattern).map_err(|e| e.in_pattern(pattern))?;
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&translation.generate)
            .map_err(|e| syntax_error(&e).in_pattern(pattern))?;
        let root = Converter::new(&hir, &translation)
            .convert(&hir)
            .map_err(|e| e.in_pattern(pattern))?;
        let trial = match &translation.verify {
            Some(text) => Some(Box::new(Special::Trial(Trial {
                regex: fancy_regex::RegexBuilder::new(text)
                    .backtrack_limit(BACKTRACK_LIMIT)
                    .build()
                    .map_err(|e| {
                        unsupported(format!(
                            "a look-around or back-reference fancy-regex cannot read ({e})"
                        ))
                        .in_pattern(pattern)
                    })?,
                min_len,
                max_len,
            }))),
            None => None,
        };
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
            [only] if trial.is_none() && !only.padded() && only.body_lengths == [only.body.min] => {
                fixed::flatten(&only.body)
            }
            _ => None,
        };
        // The padding is only ever readable ASCII: no escapes from there.
        let never_escapes = !viable.iter().any(|b| b.body.may_need_escape());
        let generator = Self {
            branches: viable,
            min_len,
            length_range,
            fixed,
            never_escapes,
            special: trial,
            foreign_anchors: translation.foreign_anchors.into(),
        };
        if let Some(Special::Trial(trial)) = generator.special.as_deref() {
            generator.probe(pattern, trial)?;
        }
        Ok(generator)
    }

    /// Strings that match every one of `patterns` (an `allOf` of patterns) and none of
    /// `avoided` (`not: {"pattern": ...}`) within the length bounds, drawn from the product
    /// of their automata over printable ASCII; `None` when the automata cannot be built or
    /// explored within their budget, or hold no such string of printable ASCII (the caller
    /// then generates from one pattern and checks the rest).
    pub fn intersection(
        patterns: &[&str],
        avoided: &[&str],
        min_len: usize,
        max_len: Option<usize>,
    ) -> Option<PatternGen> {
        let walk = Walk::new(patterns, avoided, min_len, max_len)?;
        let length_range = (
            walk.lengths.first().copied().unwrap_or(min_len),
            walk.lengths.last().copied(),
        );
        let foreign_anchors: Vec<&'static str> = patterns
            .iter()
            .filter_map(|p| ecma::translate(p).ok())
            .flat_map(|t| t.foreign_anchors)
            .collect();
        Some(PatternGen {
            branches: Vec::new(),
            min_len,
            length_range,
            fixed: None,
            never_escapes: !walk.may_need_escape,
            special: Some(Box::new(Special::Intersection(walk))),
            foreign_anchors: foreign_anchors.into(),
        })
    }

    /// Refuses a pattern checked by trial when no candidate passes in [`PROBE_ATTEMPTS`].
    fn probe(&self, pattern: &str, trial: &Trial) -> Result<(), PatternError> {
        let mut spans = Spans::default();
        let mut value = String::new();
        for i in 0..PROBE_ATTEMPTS {
            value.clear();
            spans.clear();
            self.generate_once(&mut rng_for(mix(0x7A1A_1000, i)), &mut value, &mut spans);
            if trial.accepts(&value) {
                return Ok(());
            }
        }
        let bounds = match trial.max_len {
            Some(max) => format!(" with {} to {max} characters", trial.min_len),
            None if trial.min_len > 0 => format!(" with at least {} characters", trial.min_len),
            None => String::new(),
        };
        Err(PatternError::Unsatisfiable(format!(
            "pattern {pattern}: none of {PROBE_ATTEMPTS} candidates{bounds} met its look-arounds \
             or back-references (they are checked, not built in)"
        )))
    }

    /// How many distinct strings [`PatternGen::write_nth`] can write: for a pattern of one
    /// fixed shape (`^C-[0-9]{6}$`) without look-arounds, the product of its classes'
    /// sizes (printable ASCII members where a class has some), if that fits 64 bits.
    pub fn distinct(&self) -> Option<u64> {
        match (&self.fixed, &self.special) {
            (Some(pieces), None) => fixed::count(pieces),
            _ => None,
        }
    }

    /// At most how many distinct strings generation can write: exact for a pattern of
    /// one fixed shape (`^[ab]$`: 2), an upper bound for alternatives anchored at both
    /// ends (`^(foo|bar)$`: 2; a look-around only removes strings). `None` when padding
    /// or an unbounded repetition makes them endless, or the count passes 64 bits.
    pub fn reachable(&self) -> Option<u64> {
        if let Some(Special::Intersection(_)) = self.special.as_deref() {
            return None;
        }
        if let Some(pieces) = &self.fixed {
            return fixed::reachable(pieces);
        }
        self.branches.iter().try_fold(0u64, |total, branch| {
            if branch.padded() {
                return None;
            }
            total.checked_add(branch.body.reachable()?)
        })
    }

    /// Appends the `index`-th of the [`PatternGen::distinct`] strings (`index` below it):
    /// different indices, different strings.
    pub fn write_nth(&self, index: u64, out: &mut String) {
        if let Some(pieces) = &self.fixed {
            fixed::write_nth(pieces, index, out);
        }
    }

    /// Appends one string to `out`.
    pub fn generate(&self, rng: &mut SynthRng, out: &mut String) {
        if let Some(pieces) = &self.fixed {
            return fixed::write(pieces, rng, out);
        }
        if let Some(special) = &self.special {
            match &**special {
                Special::Trial(trial) => {
                    self.generate_by_trial(trial, rng, out);
                }
                Special::Intersection(walk) => walk.generate(rng, out),
            }
            return;
        }
        self.generate_once(rng, out, &mut ());
    }

    /// Candidates until one passes the check, at most [`TRIAL_ATTEMPTS`]; the last stays
    /// in `out` when none does. Whether one passed.
    #[inline(never)]
    fn generate_by_trial(&self, trial: &Trial, rng: &mut SynthRng, out: &mut String) -> bool {
        let start = out.len();
        let mut spans = Spans::default();
        for attempt in 0..TRIAL_ATTEMPTS {
            if attempt > 0 {
                out.truncate(start);
                spans.clear();
            }
            self.generate_once(rng, out, &mut spans);
            if trial.accepts(&out[start..]) {
                return true;
            }
        }
        false
    }

    /// One string, drawn by walking the tree; the groups back-references copy are logged.
    #[inline]
    fn generate_once<C: CaptureLog>(&self, rng: &mut SynthRng, out: &mut String, log: &mut C) {
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
        branch.body.emit(body_len, rng, out, log);
        if padding > before_len {
            write_padding(padding - before_len, branch.after, PadSide::After, rng, out);
        }
    }

    /// Whether values are checked against the pattern's look-arounds or back-references
    /// (a few candidates per value), rather than exact by construction.
    pub fn by_trial(&self) -> bool {
        matches!(self.special.as_deref(), Some(Special::Trial(_)))
    }

    /// The anchors of other dialects in the pattern (`\A`, `\z`, `\Z`), read as `^` and `$`.
    pub fn foreign_anchors(&self) -> &[&'static str] {
        &self.foreign_anchors
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

/// A `patternProperties` key, to tell which property names it governs: the ECMA-262
/// pattern read as for generation (ASCII `\d` and `\w`), look-arounds and back-references
/// included.
#[derive(Debug, Clone)]
pub struct KeyPattern(fancy_regex::Regex);

impl KeyPattern {
    pub fn new(pattern: &str) -> Result<KeyPattern, PatternError> {
        let translation = ecma::translate(pattern).map_err(|e| e.in_pattern(pattern))?;
        let text = translation.verify.as_ref().unwrap_or(&translation.generate);
        fancy_regex::RegexBuilder::new(text)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map(KeyPattern)
            .map_err(|e| unsupported(format!("{e}")).in_pattern(pattern))
    }

    /// Whether `name` holds a match (a name the engine gives up on counts as none).
    pub fn is_match(&self, name: &str) -> bool {
        self.0.is_match(name).unwrap_or(false)
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

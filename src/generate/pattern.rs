//! Strings that satisfy a JSON Schema `pattern` together with `minLength`/`maxLength`.
//!
//! A JSON Schema `pattern` is an ECMA-262 regular expression with *search* semantics: the string
//! must contain a match somewhere, unless `^`/`$` pin the match to the ends. Everything is
//! prepared once, in [`PatternGen::new`]:
//!
//! 1. [`ecma::translate`] rewrites the ECMA-262 dialect into regex-syntax's (ASCII `\d` and `\w`,
//!    ECMA's `\s` and `.`, `\cX`, surrogate pairs, Annex B class ranges, named groups) and
//!    refuses look-arounds and backreferences, which regex-syntax cannot express.
//! 2. The HIR becomes a tree of [`Node`]s: captures dropped, never-matching parts pruned, every
//!    node knowing its shortest, longest and "readable" longest length.
//! 3. Anchors and word boundaries are resolved statically into [`Branch`]es: `^`/`$` at the ends
//!    forbid padding on that side, and `\b` next to known characters constrains the padding.
//! 4. Every node learns the exact set of lengths it can produce (a bitset up to a cap), so a
//!    value is generated top-down: pick a body length that fits the bounds, then split it among
//!    the parts so that each part can produce its share exactly. There is no rejection sampling,
//!    and a refusal ([`PatternError::Unsatisfiable`]) comes with the arithmetic behind it.

use rand::RngExt;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

use crate::rng::SynthRng;

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
        Ok(Self {
            branches: viable,
            min_len,
            length_range,
        })
    }

    /// Appends one string to `out`.
    pub fn generate(&self, rng: &mut SynthRng, out: &mut String) {
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

// ---------------------------------------------------------------------------------------------
// Branches: what surrounds the match.
// ---------------------------------------------------------------------------------------------

/// What may be written on one side of the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Padding {
    /// The pattern is anchored on this side (`^` or `$`): nothing may be added.
    Anchored,
    /// Any readable characters may be added.
    Free,
    /// A `\b`/`\B` needs the padding character touching the match, if any, to be a non-word
    /// character (the string's edge counts as one).
    NonWordNext,
    /// A `\b`/`\B` needs a word character touching the match: at least one padding character.
    WordNext,
}

impl Padding {
    fn min_len(self) -> usize {
        usize::from(self == Padding::WordNext)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PadSide {
    Before,
    After,
}

/// Padding characters: readable, and all word characters, so a `\b` constraint only ever
/// concerns the one character touching the match.
const PAD_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn write_padding(len: usize, rule: Padding, side: PadSide, rng: &mut SynthRng, out: &mut String) {
    for i in 0..len {
        let touches_match = match side {
            PadSide::Before => i + 1 == len,
            PadSide::After => i == 0,
        };
        if touches_match && rule == Padding::NonWordNext {
            out.push(' ');
        } else {
            out.push(char::from(PAD_CHARS[rng.random_range(0..PAD_CHARS.len())]));
        }
    }
}

/// One top-level alternative of the pattern, with its anchoring.
#[derive(Debug, Clone)]
struct Branch {
    body: Node,
    before: Padding,
    after: Padding,
    /// Body lengths to draw from: chosen in `new` so that the total lands within the bounds
    /// and stays readable. Empty when the branch cannot meet the bounds.
    body_lengths: Vec<usize>,
}

impl Branch {
    fn padded(&self) -> bool {
        self.before != Padding::Anchored || self.after != Padding::Anchored
    }

    fn min_padding(&self) -> usize {
        self.before.min_len() + self.after.min_len()
    }

    fn shortest(&self) -> usize {
        self.body.min.saturating_add(self.min_padding())
    }

    fn longest(&self) -> Option<usize> {
        if self.padded() { None } else { self.body.max }
    }

    /// The length of the whole string when the body has `body_len` characters: padding is
    /// added only as far as `min_len` (or a `\b`) requires.
    fn total_len(&self, body_len: usize, min_len: usize) -> usize {
        if self.padded() {
            min_len.max(body_len + self.min_padding())
        } else {
            body_len
        }
    }

    /// Achievable body lengths, preferring (1) readable ones that reach `min_len` unaided, then
    /// (2) the shortest that reaches `min_len`, then, when padding may fill the rest, (3) the
    /// longest below it.
    fn length_choices(&self, min_len: usize, max_len: Option<usize>, cap: usize) -> Vec<usize> {
        let padding = self.min_padding();
        let Some(hard_hi) = max_len.map_or(Some(cap), |m| m.checked_sub(padding)) else {
            return Vec::new();
        };
        let hard_hi = hard_hi.min(cap);
        let lens = &self.body.lens;
        let lo = if self.padded() {
            min_len.saturating_sub(padding)
        } else {
            min_len
        };
        let preferred_hi = self
            .body
            .readable_max
            .max(lo + UNBOUNDED_EXTRA)
            .min(hard_hi);
        let preferred: Vec<usize> = (lo..=preferred_hi).filter(|&n| lens.contains(n)).collect();
        if !preferred.is_empty() {
            return preferred;
        }
        if let Some(n) = (lo..=hard_hi).find(|&n| lens.contains(n)) {
            return vec![n];
        }
        if self.padded()
            && let Some(n) = (0..lo.min(hard_hi + 1)).rev().find(|&n| lens.contains(n))
        {
            return vec![n];
        }
        Vec::new()
    }
}

/// Splits the pattern into top-level alternatives and resolves each one's anchors and word
/// boundaries. Searching for `A|B` is searching for `A` or for `B`, so each alternative can
/// carry its own anchoring (`^a|b$`).
fn split_into_branches(root: Node) -> Result<Vec<Branch>, PatternError> {
    let options = match root.kind {
        Kind::Alt(options) => options,
        _ => vec![root],
    };
    let mut branches = Vec::with_capacity(options.len());
    for mut body in options {
        let mut before = Padding::Free;
        let mut after = Padding::Free;
        while body.is_anchored(Edge::Front) {
            body.remove_anchor(Edge::Front);
            before = Padding::Anchored;
        }
        while body.is_anchored(Edge::Back) {
            body.remove_anchor(Edge::Back);
            after = Padding::Anchored;
        }
        resolve_word_boundaries(&mut body, &mut before, &mut after)?;
        // Rebuilt without the `Empty`s the removed anchors left behind.
        if let Kind::Concat { items, .. } = body.kind {
            body = Node::concat(items);
        }
        if let Some(assertion) = body.find_assertion() {
            return Err(unsupported(assertion.placement_rule()));
        }
        branches.push(Branch {
            body,
            before,
            after,
            body_lengths: Vec::new(),
        });
    }
    Ok(branches)
}

/// Turns the `\b`/`\B` items of a branch's top-level sequence into padding rules, or refuses.
/// Handled: a boundary whose two sides are each a known word/non-word character or the
/// branch's edge (`\bfoo\b`, `\d+\b`, `a\b-`). Anywhere else it is Unsupported.
fn resolve_word_boundaries(
    body: &mut Node,
    before: &mut Padding,
    after: &mut Padding,
) -> Result<(), PatternError> {
    let items = match &mut body.kind {
        Kind::Concat { items, .. } => items,
        _ => return Ok(()),
    };
    let is_boundary = |n: &Node| {
        matches!(
            n.kind,
            Kind::Assertion(Assertion::WordBoundary | Assertion::NotWordBoundary)
        )
    };
    if !items.iter().any(is_boundary) {
        return Ok(());
    }
    for i in 0..items.len() {
        let Kind::Assertion(assertion) = items[i].kind else {
            continue;
        };
        let want_boundary = match assertion {
            Assertion::WordBoundary => true,
            Assertion::NotWordBoundary => false,
            Assertion::Start | Assertion::End => continue,
        };
        let left = neighbour(items[..i].iter().rev(), Edge::Back);
        let right = neighbour(items[i + 1..].iter(), Edge::Front);
        match (left, right) {
            (Neighbour::Known(l), Neighbour::Known(r)) => {
                if (l != r) != want_boundary {
                    return Err(PatternError::Unsatisfiable(
                        "can never match: a `\\b`/`\\B` sits between characters that contradict it"
                            .into(),
                    ));
                }
            }
            // The outside must be a word character exactly when (inside is word) != boundary.
            (Neighbour::Edge, Neighbour::Known(inside)) => {
                constrain(before, inside != want_boundary)?;
            }
            (Neighbour::Known(inside), Neighbour::Edge) => {
                constrain(after, inside != want_boundary)?;
            }
            _ => return Err(unsupported(Assertion::WordBoundary.placement_rule())),
        }
    }
    let parts = std::mem::take(items)
        .into_iter()
        .filter(|n| !is_boundary(n))
        .collect();
    *body = Node::concat(parts);
    Ok(())
}

/// Records that the character outside the match on one side must (`outside_word`) or must not
/// be a word character.
fn constrain(side: &mut Padding, outside_word: bool) -> Result<(), PatternError> {
    let wanted = if outside_word {
        Padding::WordNext
    } else {
        Padding::NonWordNext
    };
    match *side {
        // The string's edge counts as a non-word character.
        Padding::Anchored if outside_word => Err(PatternError::Unsatisfiable(
            "can never match: a `\\b`/`\\B` at an anchored end needs a word character outside the string"
                .into(),
        )),
        Padding::Anchored => Ok(()),
        Padding::Free => {
            *side = wanted;
            Ok(())
        }
        current if current == wanted => Ok(()),
        _ => Err(PatternError::Unsatisfiable(
            "can never match: its `\\b` and `\\B` assertions contradict each other".into(),
        )),
    }
}

/// What touches a position in a sequence, looking one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Neighbour {
    /// Nothing: the edge of the branch.
    Edge,
    /// Always a word character (`true`) or always a non-word character (`false`).
    Known(bool),
    /// Depends on choices (an optional part, a class mixing both kinds).
    Unknown,
}

/// The first character met walking `items` (already ordered in the walking direction), whose
/// edge on the `edge` side faces the starting position.
fn neighbour<'a>(items: impl Iterator<Item = &'a Node>, edge: Edge) -> Neighbour {
    for item in items {
        if item.max == Some(0) {
            continue;
        }
        if item.min == 0 {
            return Neighbour::Unknown;
        }
        return match item.edge_wordness(edge) {
            Wordness::Word => Neighbour::Known(true),
            Wordness::NonWord => Neighbour::Known(false),
            Wordness::Mixed => Neighbour::Unknown,
        };
    }
    Neighbour::Edge
}

/// The first message that explains why no length fits, from the shortest and longest lengths.
fn length_conflict(
    pattern: &str,
    branches: &[Branch],
    min_len: usize,
    max_len: Option<usize>,
) -> Option<String> {
    let shortest = branches.iter().map(Branch::shortest).min()?;
    let longest = branches
        .iter()
        .map(Branch::longest)
        .try_fold(0, |acc, l| l.map(|l| acc.max(l)));
    let fixed = longest == Some(shortest);
    if let Some(max) = max_len
        && shortest > max
    {
        return Some(if fixed {
            format!("pattern {pattern} always has {shortest} characters but maxLength is {max}")
        } else {
            format!("pattern {pattern} needs at least {shortest} characters but maxLength is {max}")
        });
    }
    if let Some(longest) = longest
        && longest < min_len
    {
        return Some(if fixed {
            format!("pattern {pattern} always has {longest} characters but minLength is {min_len}")
        } else {
            format!("pattern {pattern} has at most {longest} characters but minLength is {min_len}")
        });
    }
    None
}

/// Explains a refusal caused by gaps between achievable lengths (`^(ab)+$` with length 3),
/// naming the closest achievable lengths on either side.
fn gap_message(
    pattern: &str,
    mut branches: Vec<Branch>,
    min_len: usize,
    max_len: Option<usize>,
) -> String {
    let wanted = match max_len {
        Some(max) if max == min_len => format!("exactly {max}"),
        Some(max) => format!("between {min_len} and {max}"),
        None => format!("at least {min_len}"),
    };
    // Planned again without the maxLength cap, to see the lengths beyond it.
    let readable = branches
        .iter()
        .map(|b| b.body.readable_max)
        .max()
        .unwrap_or(0);
    let cap = max_len
        .unwrap_or(min_len)
        .saturating_add(readable)
        .saturating_add(PLAN_SLACK)
        .min(MAX_PLANNED_LEN);
    let mut planner = Planner::new(cap);
    let mut lengths = Vec::new();
    for branch in &mut branches {
        if branch.body.plan(&mut planner).is_ok() {
            lengths.extend(branch.body.lens.iter().map(|n| n + branch.min_padding()));
        }
    }
    let below = lengths.iter().filter(|&&n| n < min_len).max();
    let above = lengths
        .iter()
        .filter(|&&n| max_len.is_some_and(|max| n > max))
        .min();
    let closest = match (below, above) {
        (Some(below), Some(above)) => format!("; the closest lengths are {below} and {above}"),
        (Some(n), None) | (None, Some(n)) => format!("; the closest length is {n}"),
        (None, None) => String::new(),
    };
    format!("pattern {pattern} has no string of {wanted} characters{closest}")
}

// ---------------------------------------------------------------------------------------------
// The expression tree.
// ---------------------------------------------------------------------------------------------

/// A regular expression reduced to what generation needs.
#[derive(Debug, Clone)]
struct Node {
    kind: Kind,
    /// Shortest match, in code points.
    min: usize,
    /// Longest match; `None` when unbounded.
    max: Option<usize>,
    /// Longest match when unbounded repetitions stop at a readable count.
    readable_max: usize,
    /// Every achievable length up to the planning cap; filled by [`Node::plan`].
    lens: LenSet,
}

#[derive(Debug, Clone)]
enum Kind {
    Empty,
    /// Matches nothing (an empty class); pruned away unless it is the whole pattern.
    Never,
    Literal(Box<str>),
    Class(CharClass),
    /// Zero-width; none survive into generation.
    Assertion(Assertion),
    Concat {
        items: Vec<Node>,
        /// `rest[i]`: the lengths `items[i + 1..]` can produce together.
        rest: Vec<LenSet>,
    },
    Alt(Vec<Node>),
    Repeat {
        sub: Box<Node>,
        min: usize,
        max: Option<usize>,
        /// For variable-length copies: `counts[j]` holds the lengths of exactly `j` copies.
        counts: Vec<LenSet>,
        /// The fewest copies worth emitting: `min`, or less when a copy may be empty (the
        /// missing copies then match the empty string).
        first_count: usize,
        /// The most copies readable output has when the length allows (`*` stops at 8).
        readable_count: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Assertion {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

impl Assertion {
    fn placement_rule(self) -> &'static str {
        match self {
            Assertion::Start => {
                "`^` is supported only at the start of the pattern or of a top-level alternative"
            }
            Assertion::End => {
                "`$` is supported only at the end of the pattern or of a top-level alternative"
            }
            Assertion::WordBoundary | Assertion::NotWordBoundary => {
                "`\\b` and `\\B` are supported only in the pattern's top-level sequence, between \
                 characters that are always word or always non-word characters (as in `\\bfoo\\b`)"
            }
        }
    }
}

/// Which end of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Front,
    Back,
}

/// Whether a node's characters at one edge are word characters (ASCII `[A-Za-z0-9_]`, as in
/// ECMA's `\b`). `NonWord` also excludes Unicode word characters, so the answer holds for
/// Unicode-aware engines too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wordness {
    Word,
    NonWord,
    Mixed,
}

fn char_wordness(c: char) -> Wordness {
    if c.is_ascii_alphanumeric() || c == '_' {
        Wordness::Word
    } else if regex_syntax::is_word_character(c) {
        Wordness::Mixed
    } else {
        Wordness::NonWord
    }
}

impl Node {
    fn leaf(kind: Kind, len: usize) -> Node {
        Node {
            kind,
            min: len,
            max: Some(len),
            readable_max: len,
            lens: LenSet::default(),
        }
    }

    fn empty() -> Node {
        Node::leaf(Kind::Empty, 0)
    }

    fn never() -> Node {
        Node::leaf(Kind::Never, 0)
    }

    fn literal(text: &str) -> Node {
        if text.is_empty() {
            Node::empty()
        } else {
            Node::leaf(Kind::Literal(text.into()), text.chars().count())
        }
    }

    fn class(class: CharClass) -> Node {
        if class.is_empty() {
            Node::never()
        } else {
            Node::leaf(Kind::Class(class), 1)
        }
    }

    fn concat(parts: Vec<Node>) -> Node {
        let mut items: Vec<Node> = Vec::with_capacity(parts.len());
        // Adjacent literals become one: fewer steps when generating.
        let push = |items: &mut Vec<Node>, node: Node| match (items.last_mut(), &node.kind) {
            (
                Some(
                    prev @ Node {
                        kind: Kind::Literal(_),
                        ..
                    },
                ),
                Kind::Literal(next),
            ) => {
                if let Kind::Literal(text) = &mut prev.kind {
                    *text = format!("{text}{next}").into();
                }
                prev.min += node.min;
                prev.max = Some(prev.min);
                prev.readable_max = prev.min;
            }
            _ => items.push(node),
        };
        for part in parts {
            match part.kind {
                Kind::Never => return Node::never(),
                Kind::Empty => {}
                Kind::Concat { items: inner, .. } => {
                    for node in inner {
                        push(&mut items, node);
                    }
                }
                _ => push(&mut items, part),
            }
        }
        if items.len() <= 1 {
            return items.pop().unwrap_or_else(Node::empty);
        }
        let min = items
            .iter()
            .fold(0usize, |acc, n| acc.saturating_add(n.min));
        let max = items
            .iter()
            .try_fold(0usize, |acc, n| n.max.and_then(|m| acc.checked_add(m)));
        let readable_max = items
            .iter()
            .fold(0usize, |acc, n| acc.saturating_add(n.readable_max));
        Node {
            kind: Kind::Concat {
                items,
                rest: Vec::new(),
            },
            min,
            max,
            readable_max,
            lens: LenSet::default(),
        }
    }

    fn alt(parts: Vec<Node>) -> Node {
        let mut options = Vec::with_capacity(parts.len());
        for part in parts {
            match part.kind {
                Kind::Never => {}
                Kind::Alt(inner) => options.extend(inner),
                _ => options.push(part),
            }
        }
        if options.len() <= 1 {
            return options.pop().unwrap_or_else(Node::never);
        }
        let min = options.iter().map(|n| n.min).min().unwrap_or(0);
        let max = options
            .iter()
            .try_fold(0usize, |acc, n| n.max.map(|m| acc.max(m)));
        let readable_max = options.iter().map(|n| n.readable_max).max().unwrap_or(0);
        Node {
            kind: Kind::Alt(options),
            min,
            max,
            readable_max,
            lens: LenSet::default(),
        }
    }

    fn repeat(sub: Node, min: usize, max: Option<usize>) -> Node {
        if max == Some(0) || matches!(sub.kind, Kind::Empty) {
            return Node::empty();
        }
        if matches!(sub.kind, Kind::Never) {
            return if min == 0 {
                Node::empty()
            } else {
                Node::never()
            };
        }
        if min == 1 && max == Some(1) {
            return sub;
        }
        let total_min = sub.min.saturating_mul(min);
        let total_max = match (sub.max, max) {
            (Some(0), _) => Some(0),
            (Some(a), Some(b)) => a.checked_mul(b),
            _ => None,
        };
        let readable_count = max.map_or(min.saturating_add(UNBOUNDED_EXTRA), |m| {
            m.min(min.saturating_add(BOUNDED_EXTRA))
        });
        let readable_max = sub.readable_max.saturating_mul(readable_count);
        Node {
            kind: Kind::Repeat {
                sub: Box::new(sub),
                min,
                max,
                counts: Vec::new(),
                first_count: min,
                readable_count,
            },
            min: total_min,
            max: total_max,
            readable_max,
            lens: LenSet::default(),
        }
    }

    fn is_fixed(&self) -> bool {
        self.max == Some(self.min)
    }

    /// The first (Front) or last (Back) item of a sequence that is not `Empty`.
    fn edge_item(items: &[Node], edge: Edge) -> Option<usize> {
        let non_empty = |i: &usize| !matches!(items[*i].kind, Kind::Empty);
        match edge {
            Edge::Front => (0..items.len()).find(non_empty),
            Edge::Back => (0..items.len()).rev().find(non_empty),
        }
    }

    /// Whether every match of this node starts with `^` (Front) or ends with `$` (Back).
    fn is_anchored(&self, edge: Edge) -> bool {
        let anchor = match edge {
            Edge::Front => Assertion::Start,
            Edge::Back => Assertion::End,
        };
        match &self.kind {
            Kind::Assertion(a) => *a == anchor,
            Kind::Concat { items, .. } => {
                Node::edge_item(items, edge).is_some_and(|i| items[i].is_anchored(edge))
            }
            Kind::Alt(options) => options.iter().all(|o| o.is_anchored(edge)),
            _ => false,
        }
    }

    /// Removes the anchor [`is_anchored`](Self::is_anchored) found (it is zero-width, so the
    /// lengths are unchanged).
    fn remove_anchor(&mut self, edge: Edge) {
        match &mut self.kind {
            Kind::Assertion(_) => self.kind = Kind::Empty,
            Kind::Concat { items, .. } => {
                if let Some(i) = Node::edge_item(items, edge) {
                    items[i].remove_anchor(edge);
                }
            }
            Kind::Alt(options) => options.iter_mut().for_each(|o| o.remove_anchor(edge)),
            _ => {}
        }
    }

    fn find_assertion(&self) -> Option<Assertion> {
        match &self.kind {
            Kind::Assertion(a) => Some(*a),
            Kind::Concat { items, .. } => items.iter().find_map(Node::find_assertion),
            Kind::Alt(options) => options.iter().find_map(Node::find_assertion),
            Kind::Repeat { sub, .. } => sub.find_assertion(),
            _ => None,
        }
    }

    /// Whether the characters this node can put at `edge` are word characters.
    fn edge_wordness(&self, edge: Edge) -> Wordness {
        let from_known = |n: Neighbour| match n {
            Neighbour::Known(true) => Wordness::Word,
            Neighbour::Known(false) => Wordness::NonWord,
            Neighbour::Edge | Neighbour::Unknown => Wordness::Mixed,
        };
        match &self.kind {
            Kind::Literal(text) => {
                let c = match edge {
                    Edge::Front => text.chars().next(),
                    Edge::Back => text.chars().next_back(),
                };
                c.map_or(Wordness::Mixed, char_wordness)
            }
            Kind::Class(class) => class.wordness,
            Kind::Concat { items, .. } => from_known(match edge {
                Edge::Front => neighbour(items.iter(), Edge::Front),
                Edge::Back => neighbour(items.iter().rev(), Edge::Back),
            }),
            Kind::Alt(options) => {
                let first = options
                    .first()
                    .map_or(Wordness::Mixed, |o| o.edge_wordness(edge));
                if options.iter().all(|o| o.edge_wordness(edge) == first) {
                    first
                } else {
                    Wordness::Mixed
                }
            }
            Kind::Repeat { sub, min, .. } if *min >= 1 => sub.edge_wordness(edge),
            _ => Wordness::Mixed,
        }
    }

    /// Computes `lens` (and the per-part sets generation splits lengths with), bottom-up.
    fn plan(&mut self, planner: &mut Planner) -> Result<(), PatternError> {
        let lens = match &mut self.kind {
            Kind::Empty | Kind::Assertion(_) => planner.single(0)?,
            Kind::Never => planner.empty()?,
            Kind::Literal(_) | Kind::Class(_) => planner.single(self.min)?,
            Kind::Concat { items, rest } => {
                for item in items.iter_mut() {
                    item.plan(planner)?;
                }
                let mut suffix = planner.single(0)?;
                let mut rests = Vec::with_capacity(items.len());
                for item in items.iter().rev() {
                    let longer = planner.sum(&item.lens, &suffix)?;
                    rests.push(std::mem::replace(&mut suffix, longer));
                }
                rests.reverse();
                *rest = rests;
                suffix
            }
            Kind::Alt(options) => {
                let mut all = planner.empty()?;
                for option in options.iter_mut() {
                    option.plan(planner)?;
                    all.union_with(&option.lens);
                }
                all
            }
            Kind::Repeat {
                sub,
                min,
                max,
                counts,
                first_count,
                ..
            } => {
                sub.plan(planner)?;
                let mut lens = planner.empty()?;
                if sub.is_fixed() {
                    // Every copy has the same length: the count follows from the total.
                    let copy_len = sub.min;
                    if copy_len == 0 || sub.lens.is_empty() {
                        if *min == 0 || copy_len == 0 {
                            lens.insert(0);
                        }
                    } else {
                        let most = max.unwrap_or(usize::MAX).min(planner.cap / copy_len);
                        for copies in *min..=most {
                            lens.insert(copies * copy_len);
                        }
                    }
                } else {
                    let empty_copy = sub.lens.contains(0);
                    // With empty copies allowed, `min` copies can make any length `cap` copies
                    // can: the rest match the empty string.
                    *first_count = if empty_copy {
                        (*min).min(planner.cap)
                    } else {
                        *min
                    };
                    let limit = max.unwrap_or(usize::MAX);
                    let mut powers = vec![planner.single(0)?];
                    while powers.len() <= limit {
                        let previous = &powers[powers.len() - 1];
                        let next = planner.sum(previous, &sub.lens)?;
                        let stable = empty_copy && powers.len() > *first_count && next == *previous;
                        if next.is_empty() || stable {
                            break;
                        }
                        powers.push(next);
                    }
                    for power in powers.iter().skip(*first_count) {
                        lens.union_with(power);
                    }
                    *counts = powers;
                }
                lens
            }
        };
        self.lens = lens;
        Ok(())
    }

    /// Appends a match of exactly `len` code points; `len` must be in `self.lens`.
    #[inline]
    fn emit(&self, len: usize, rng: &mut SynthRng, out: &mut String) {
        // Leaves are handled inline: most calls are for single characters, and the composite
        // case's larger stack frame would dominate their cost.
        match &self.kind {
            Kind::Literal(text) => out.push_str(text),
            Kind::Class(class) => out.push(class.sample(rng)),
            _ => self.emit_composite(len, rng, out),
        }
    }

    #[inline(never)]
    fn emit_composite(&self, len: usize, rng: &mut SynthRng, out: &mut String) {
        match &self.kind {
            Kind::Empty | Kind::Never | Kind::Assertion(_) => {}
            Kind::Literal(_) | Kind::Class(_) => self.emit(len, rng, out),
            Kind::Concat { items, rest } => {
                let mut left = len;
                for (i, item) in items.iter().enumerate() {
                    let part = if i + 1 == items.len() {
                        left
                    } else if item.is_fixed() {
                        item.min
                    } else {
                        let after = &rest[i];
                        let most = item.max.map_or(left, |m| m.min(left));
                        pick_length(item.min, most, rng, |x| {
                            item.lens.contains(x) && after.contains(left - x)
                        })
                    };
                    item.emit(part, rng, out);
                    left -= part;
                }
            }
            Kind::Alt(options) => {
                let i = pick_length(0, options.len() - 1, rng, |i| options[i].lens.contains(len));
                options[i].emit(len, rng, out);
            }
            Kind::Repeat {
                sub,
                counts,
                first_count,
                readable_count,
                ..
            } => {
                if let Kind::Class(class) = &sub.kind {
                    // The most common repetition (`[A-Z0-9]{6}`): a tight loop.
                    class.sample_run(len, rng, out);
                    return;
                }
                if sub.is_fixed() {
                    // Zero-length copies write nothing, however many there are.
                    for _ in 0..len.checked_div(sub.min).unwrap_or(0) {
                        sub.emit(sub.min, rng, out);
                    }
                    return;
                }
                // Few long copies read better than many short ones: stay within the readable
                // count when the length allows it.
                let fits = |j: usize| counts[j].contains(len);
                let most = counts.len().saturating_sub(1).min(first_count + len);
                let readable_most = most.min(*readable_count);
                let copies = if (*first_count..=readable_most).any(fits) {
                    pick_length(*first_count, readable_most, rng, fits)
                } else {
                    pick_length(*first_count, most, rng, fits)
                };
                let mut left = len;
                for done in 0..copies {
                    let after = &counts[copies - done - 1];
                    let most = sub.max.map_or(left, |m| m.min(left));
                    let part = pick_length(sub.min, most, rng, |x| {
                        sub.lens.contains(x) && after.contains(left - x)
                    });
                    sub.emit(part, rng, out);
                    left -= part;
                }
            }
        }
    }
}

/// A uniformly chosen `x` in `lo..=hi` with `ok(x)`. Planning guarantees one exists; should it
/// not, `lo` keeps generation going rather than panicking.
fn pick_length(lo: usize, hi: usize, rng: &mut SynthRng, ok: impl Fn(usize) -> bool) -> usize {
    if lo >= hi {
        return lo;
    }
    let count = (lo..=hi).filter(|&x| ok(x)).count();
    debug_assert!(count > 0, "length planning left no choice in {lo}..={hi}");
    let k = if count > 1 {
        rng.random_range(0..count)
    } else {
        0
    };
    (lo..=hi).filter(|&x| ok(x)).nth(k).unwrap_or(lo)
}

/// Builds [`Node`]s from regex-syntax's HIR.
struct Converter {
    /// Unicode `\w`, needed only to classify classes next to a `\b`/`\B`.
    unicode_word: Option<Vec<(u32, u32)>>,
}

impl Converter {
    fn new(hir: &Hir) -> Converter {
        let unicode_word = hir.properties().look_set().contains_word().then(|| {
            match regex_syntax::parse(r"\w").map(Hir::into_kind) {
                Ok(HirKind::Class(Class::Unicode(class))) => class
                    .ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect(),
                _ => Vec::new(),
            }
        });
        Converter { unicode_word }
    }

    fn convert(&self, hir: &Hir) -> Result<Node, PatternError> {
        Ok(match hir.kind() {
            HirKind::Empty => Node::empty(),
            HirKind::Literal(literal) => Node::literal(
                std::str::from_utf8(&literal.0)
                    .map_err(|_| unsupported("a literal that is not valid UTF-8"))?,
            ),
            HirKind::Class(Class::Unicode(class)) => {
                let ranges: Vec<(u32, u32)> = class
                    .ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect();
                Node::class(CharClass::new(&ranges, self.unicode_word.as_deref()))
            }
            HirKind::Class(Class::Bytes(class)) => {
                if class.ranges().iter().any(|r| !r.end().is_ascii()) {
                    return Err(unsupported("non-ASCII byte classes"));
                }
                let ranges: Vec<(u32, u32)> = class
                    .ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end())))
                    .collect();
                Node::class(CharClass::new(&ranges, self.unicode_word.as_deref()))
            }
            HirKind::Look(look) => Node::leaf(
                Kind::Assertion(match look {
                    Look::Start => Assertion::Start,
                    Look::End => Assertion::End,
                    Look::WordAscii | Look::WordUnicode => Assertion::WordBoundary,
                    Look::WordAsciiNegate | Look::WordUnicodeNegate => Assertion::NotWordBoundary,
                    other => return Err(unsupported(format!("the assertion {other:?}"))),
                }),
                0,
            ),
            HirKind::Repetition(repetition) => Node::repeat(
                self.convert(&repetition.sub)?,
                repetition.min as usize,
                repetition.max.map(|m| m as usize),
            ),
            HirKind::Capture(capture) => self.convert(&capture.sub)?,
            HirKind::Concat(parts) => Node::concat(
                parts
                    .iter()
                    .map(|h| self.convert(h))
                    .collect::<Result<_, _>>()?,
            ),
            HirKind::Alternation(parts) => Node::alt(
                parts
                    .iter()
                    .map(|h| self.convert(h))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Character classes.
// ---------------------------------------------------------------------------------------------

/// Inclusive code point ranges, sorted and disjoint.
type Ranges = [(u32, u32)];

/// Every Unicode scalar value (code points minus surrogates).
const SCALAR_VALUES: &Ranges = &[(0, 0xD7FF), (0xE000, 0x10FFFF)];
const PRINTABLE_ASCII: &Ranges = &[(0x20, 0x7E)];
const NOT_PRINTABLE_ASCII: &Ranges = &[(0, 0x1F), (0x7F, 0x10FFFF)];
const ASCII_WORD: &Ranges = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
/// Readable non-ASCII letters (accented Latin, Greek, Cyrillic) that stand in for a huge class
/// such as `.` or `\p{L}` when it is not drawing from printable ASCII.
const READABLE_EXTRA: &Ranges = &[
    (0xC0, 0x17F),
    (0x391, 0x3A1),
    (0x3A3, 0x3C9),
    (0x410, 0x44F),
];
/// Above this many non-ASCII members a class draws only from `READABLE_EXTRA` (when it meets it).
const HUGE_CLASS: u64 = 256;

fn intersect(a: &Ranges, b: &Ranges) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if lo <= hi {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
    }
    out
}

fn size(ranges: &Ranges) -> u64 {
    ranges.iter().map(|&(lo, hi)| u64::from(hi - lo) + 1).sum()
}

/// A set of characters to draw from, split so that printable ASCII is preferred.
#[derive(Debug, Clone)]
struct CharClass {
    /// The class's printable ASCII characters.
    preferred: CharPool,
    /// Its other characters (narrowed to readable ones when there are very many).
    other: CharPool,
    wordness: Wordness,
}

impl CharClass {
    /// `unicode_word`: Unicode `\w`, when word-ness matters for this pattern.
    fn new(ranges: &Ranges, unicode_word: Option<&Ranges>) -> CharClass {
        let ranges = intersect(ranges, SCALAR_VALUES);
        let mut other = intersect(&ranges, NOT_PRINTABLE_ASCII);
        if size(&other) > HUGE_CLASS {
            let readable = intersect(&other, READABLE_EXTRA);
            if !readable.is_empty() {
                other = readable;
            }
        }
        let wordness = match unicode_word {
            _ if size(&intersect(&ranges, ASCII_WORD)) == size(&ranges) => Wordness::Word,
            Some(word) if intersect(&ranges, word).is_empty() => Wordness::NonWord,
            _ => Wordness::Mixed,
        };
        CharClass {
            preferred: CharPool::new(&intersect(&ranges, PRINTABLE_ASCII)),
            other: CharPool::new(&other),
            wordness,
        }
    }

    fn is_empty(&self) -> bool {
        self.preferred.size == 0 && self.other.size == 0
    }

    /// Printable ASCII members get 7 draws in 8 when the class has both kinds, whatever their
    /// share: `\s` gives mostly spaces, `.` mostly ASCII, `\p{L}` mostly `a-zA-Z`.
    fn sample(&self, rng: &mut SynthRng) -> char {
        let pool = if self.other.size == 0 {
            &self.preferred
        } else if self.preferred.size == 0 || rng.random_ratio(1, 8) {
            &self.other
        } else {
            &self.preferred
        };
        pool.sample(rng)
    }

    /// `len` characters drawn one by one, as [`CharClass::sample`] would; for a class of
    /// printable ASCII alone, several characters come from each 64-bit draw.
    fn sample_run(&self, len: usize, rng: &mut SynthRng, out: &mut String) {
        if self.other.size != 0 || self.preferred.ascii.is_empty() {
            for _ in 0..len {
                out.push(self.sample(rng));
            }
            return;
        }
        let pool = &self.preferred;
        // Each character takes log2(size) bits off the word's top; stopping while 32 bits
        // remain keeps every draw's bias below size / 2^32.
        let bits = (u32::BITS - (pool.size - 1).leading_zeros()).max(1);
        let per_word = (32 / bits).max(1) as usize;
        let mut left = len;
        while left > 0 {
            let mut word = rng.random::<u64>();
            for _ in 0..left.min(per_word) {
                let wide = u128::from(word) * u128::from(pool.size);
                out.push(char::from(pool.ascii[(wide >> 64) as usize]));
                word = wide as u64;
            }
            left = left.saturating_sub(per_word);
        }
    }
}

/// Characters drawn uniformly.
#[derive(Debug, Clone, Default)]
struct CharPool {
    /// Per range: its first code point and how many characters come before it.
    starts: Box<[(u32, u32)]>,
    size: u32,
    /// The same characters as bytes when all are ASCII: one lookup per draw.
    ascii: Box<[u8]>,
}

impl CharPool {
    /// `ranges` must hold no surrogates.
    fn new(ranges: &Ranges) -> CharPool {
        let mut starts = Vec::with_capacity(ranges.len());
        let mut size = 0u32;
        for &(lo, hi) in ranges {
            starts.push((lo, size));
            size += hi - lo + 1;
        }
        let ascii = if ranges.last().is_some_and(|&(_, hi)| hi < 0x80) {
            ranges
                .iter()
                .flat_map(|&(lo, hi)| lo..=hi)
                .filter_map(|c| u8::try_from(c).ok())
                .collect()
        } else {
            Box::default()
        };
        CharPool {
            starts: starts.into(),
            size,
            ascii,
        }
    }

    fn sample(&self, rng: &mut SynthRng) -> char {
        let k = rng.random_range(0..self.size);
        if let Some(&byte) = self.ascii.get(k as usize) {
            return char::from(byte);
        }
        // The first range starts at 0, so the partition point is at least 1.
        let i = self.starts.partition_point(|&(_, before)| before <= k) - 1;
        let (first, before) = self.starts[i];
        // Always a scalar value: the ranges hold no surrogates.
        char::from_u32(first + (k - before)).unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}

// ---------------------------------------------------------------------------------------------
// Length sets.
// ---------------------------------------------------------------------------------------------

/// A set of lengths `0..=cap` as a bitset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct LenSet {
    bits: Vec<u64>,
}

impl LenSet {
    fn contains(&self, n: usize) -> bool {
        self.bits
            .get(n / 64)
            .is_some_and(|word| (word >> (n % 64)) & 1 == 1)
    }

    /// Lengths beyond the allocated cap are ignored.
    fn insert(&mut self, n: usize) {
        if let Some(word) = self.bits.get_mut(n / 64) {
            *word |= 1 << (n % 64);
        }
    }

    fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    fn count(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn union_with(&mut self, other: &LenSet) {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    i * 64 + bit
                })
            })
        })
    }

    /// Adds `src + shift` for every length in `src`, dropping what falls past the last word.
    fn or_shifted(&mut self, src: &LenSet, shift: usize) {
        let (words, bits) = (shift / 64, shift % 64);
        let n = self.bits.len();
        for (i, &word) in src.bits.iter().enumerate() {
            let j = i + words;
            if j >= n {
                break;
            }
            if word == 0 {
                continue;
            }
            self.bits[j] |= word << bits;
            if bits > 0 && j + 1 < n {
                self.bits[j + 1] |= word >> (64 - bits);
            }
        }
    }
}

/// Allocates and combines [`LenSet`]s within a memory and work budget, so that a pathological
/// pattern is refused instead of stalling `new`.
struct Planner {
    cap: usize,
    words: usize,
    memory_left: usize,
    work_left: usize,
}

impl Planner {
    fn new(cap: usize) -> Planner {
        Planner {
            cap,
            words: cap / 64 + 1,
            memory_left: PLAN_MEMORY_WORDS,
            work_left: PLAN_WORK,
        }
    }

    fn charge(&mut self, memory: usize, work: usize) -> Result<(), PatternError> {
        match (
            self.memory_left.checked_sub(memory),
            self.work_left.checked_sub(work),
        ) {
            (Some(memory_left), Some(work_left)) => {
                self.memory_left = memory_left;
                self.work_left = work_left;
                Ok(())
            }
            _ => Err(unsupported(format!(
                "patterns this complex with strings up to {} characters (too many length \
                 combinations to plan)",
                self.cap
            ))),
        }
    }

    fn empty(&mut self) -> Result<LenSet, PatternError> {
        self.charge(self.words, self.words)?;
        Ok(LenSet {
            bits: vec![0; self.words],
        })
    }

    fn single(&mut self, n: usize) -> Result<LenSet, PatternError> {
        let mut set = self.empty()?;
        if n <= self.cap {
            set.insert(n);
        }
        Ok(set)
    }

    /// `{x + y : x in a, y in b}`, up to the cap.
    fn sum(&mut self, a: &LenSet, b: &LenSet) -> Result<LenSet, PatternError> {
        let (small, big) = if a.count() <= b.count() {
            (a, b)
        } else {
            (b, a)
        };
        self.charge(0, small.count().saturating_mul(self.words))?;
        let mut out = self.empty()?;
        for shift in small.iter() {
            out.or_shifted(big, shift);
        }
        // Clear the bits above `cap` in the last word.
        let keep = self.cap % 64;
        if keep < 63
            && let Some(last) = out.bits.last_mut()
        {
            *last &= (1u64 << (keep + 1)) - 1;
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// ECMA-262 to regex-syntax.
// ---------------------------------------------------------------------------------------------

/// Rewrites an ECMA-262 pattern into regex-syntax's dialect with the same meaning.
///
/// The scanner accepts what the jsonschema crate accepts: ECMA-262 with the `u` flag's
/// strictness (a lone `{`, `}` or `]` is an error, `[\w-z]` too), widened with identity escapes
/// of any non-alphanumeric character (`\/`, `\-`).
/// Every class escape and `.` is spelled out as an explicit class, since regex-syntax's are
/// Unicode-aware where ECMA's are ASCII.
mod ecma {
    use super::{PatternError, unsupported};

    const DIGIT: &str = "[0-9]";
    const NOT_DIGIT: &str = "[^0-9]";
    const WORD: &str = "[0-9A-Za-z_]";
    const NOT_WORD: &str = "[^0-9A-Za-z_]";
    /// ECMA `\s`: WhiteSpace and LineTerminator.
    const SPACE: &str = r"[\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";
    const NOT_SPACE: &str = r"[^\x{9}-\x{D}\x{20}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";
    /// ECMA `.` without the `s` flag: anything but a LineTerminator.
    const DOT: &str = r"[^\n\r\x{2028}\x{2029}]";
    /// `[^]`: any character.
    const ANY: &str = r"[\x{0}-\x{10FFFF}]";
    /// `[]`: no character.
    const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";

    fn syntax(message: impl Into<String>) -> PatternError {
        PatternError::Syntax(message.into())
    }

    pub(super) fn translate(pattern: &str) -> Result<String, PatternError> {
        let mut translator = Translator {
            chars: pattern.chars().collect(),
            pos: 0,
            out: String::with_capacity(pattern.len() * 2),
            can_repeat: false,
            open_groups: 0,
        };
        translator.run()?;
        Ok(translator.out)
    }

    /// Appends `c` as a literal, escaped when regex-syntax would read it as syntax.
    fn push_literal(out: &mut String, c: char) {
        if regex_syntax::is_meta_character(c) {
            out.push('\\');
        }
        out.push(c);
    }

    /// One atom of a character class.
    enum ClassAtom {
        Char(char),
        /// A class escape such as `\d`, spelled as a nested class.
        Set(String),
    }

    impl ClassAtom {
        fn write(&self, out: &mut String) {
            match self {
                ClassAtom::Char(c) => push_literal(out, *c),
                ClassAtom::Set(text) => out.push_str(text),
            }
        }
    }

    struct Translator {
        chars: Vec<char>,
        pos: usize,
        out: String,
        /// Whether a quantifier may follow (an atom was just written).
        can_repeat: bool,
        open_groups: usize,
    }

    impl Translator {
        fn peek(&self) -> Option<char> {
            self.chars.get(self.pos).copied()
        }

        fn peek_at(&self, offset: usize) -> Option<char> {
            self.chars.get(self.pos + offset).copied()
        }

        fn next(&mut self) -> Option<char> {
            let c = self.peek()?;
            self.pos += 1;
            Some(c)
        }

        fn eat(&mut self, c: char) -> bool {
            let found = self.peek() == Some(c);
            if found {
                self.pos += 1;
            }
            found
        }

        fn atom(&mut self, text: &str) {
            self.out.push_str(text);
            self.can_repeat = true;
        }

        fn run(&mut self) -> Result<(), PatternError> {
            while let Some(c) = self.next() {
                match c {
                    '\\' => self.escape()?,
                    '[' => {
                        let class = self.class()?;
                        self.atom(&class);
                    }
                    '.' => self.atom(DOT),
                    '(' => self.open_group()?,
                    ')' => {
                        if self.open_groups == 0 {
                            return Err(syntax("unmatched `)`"));
                        }
                        self.open_groups -= 1;
                        self.atom(")");
                    }
                    '|' | '^' | '$' => {
                        self.out.push(c);
                        self.can_repeat = false;
                    }
                    '*' | '+' | '?' => self.quantifier(&c.to_string())?,
                    ']' | '}' => return Err(syntax(format!("lone `{c}` (write `\\{c}`)"))),
                    '{' => {
                        let quantifier = self.braced_quantifier()?;
                        self.quantifier(&quantifier)?;
                    }
                    _ => {
                        push_literal(&mut self.out, c);
                        self.can_repeat = true;
                    }
                }
            }
            if self.open_groups > 0 {
                return Err(syntax("missing `)`"));
            }
            Ok(())
        }

        fn quantifier(&mut self, text: &str) -> Result<(), PatternError> {
            if !self.can_repeat {
                return Err(syntax(format!("nothing to repeat before `{text}`")));
            }
            self.out.push_str(text);
            if self.eat('?') {
                self.out.push('?');
            }
            self.can_repeat = false;
            Ok(())
        }

        /// `{n}`, `{n,}` or `{n,m}`, the `{` consumed.
        fn braced_quantifier(&mut self) -> Result<String, PatternError> {
            let malformed = || {
                syntax("`{` must start a quantifier such as {3} or {2,5} (write `\\{` for a brace)")
            };
            let min = self.number()?.ok_or_else(malformed)?;
            let text = if self.eat(',') {
                match self.number()? {
                    Some(max) if max < min => {
                        return Err(syntax(format!(
                            "quantifier {{{min},{max}}} is out of order"
                        )));
                    }
                    Some(max) => format!("{{{min},{max}}}"),
                    None => format!("{{{min},}}"),
                }
            } else {
                format!("{{{min}}}")
            };
            if !self.eat('}') {
                return Err(malformed());
            }
            Ok(text)
        }

        fn number(&mut self) -> Result<Option<u32>, PatternError> {
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            if start == self.pos {
                return Ok(None);
            }
            let digits: String = self.chars[start..self.pos].iter().collect();
            digits
                .parse()
                .map(Some)
                .map_err(|_| syntax(format!("quantifier bound {digits} is too large")))
        }

        /// After `(`.
        fn open_group(&mut self) -> Result<(), PatternError> {
            if self.eat('?') {
                match self.next() {
                    Some(':') => self.out.push_str("(?:"),
                    Some('=' | '!') => {
                        return Err(unsupported("lookahead assertions `(?=...)` and `(?!...)`"));
                    }
                    Some('<') if matches!(self.peek(), Some('=' | '!')) => {
                        return Err(unsupported(
                            "lookbehind assertions `(?<=...)` and `(?<!...)`",
                        ));
                    }
                    Some('<') => {
                        // Names only matter for backreferences, which are refused anyway.
                        self.group_name()?;
                        self.out.push('(');
                    }
                    Some(_) => {
                        self.pos -= 1;
                        self.modifiers()?;
                    }
                    None => return Err(syntax("missing `)`")),
                }
            } else {
                self.out.push('(');
            }
            self.open_groups += 1;
            self.can_repeat = false;
            Ok(())
        }

        /// `name>` of `(?<name>`.
        fn group_name(&mut self) -> Result<(), PatternError> {
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
            {
                self.pos += 1;
            }
            if self.pos == start || !self.eat('>') {
                return Err(syntax("invalid group name in `(?<name>...)`"));
            }
            Ok(())
        }

        /// ES2025 modifiers `(?i:...)` / `(?-i:...)`, after `(?`. Only `i` is supported: `m`
        /// and `s` change what `^`, `$` and `.` mean.
        fn modifiers(&mut self) -> Result<(), PatternError> {
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '-')
            {
                self.pos += 1;
            }
            let flags: String = self.chars[start..self.pos].iter().collect();
            if !self.eat(':') || flags.is_empty() {
                return Err(syntax(format!("unknown group syntax `(?{flags}`")));
            }
            if let Some(flag) = flags.chars().find(|c| !matches!(c, 'i' | '-')) {
                return Err(if matches!(flag, 'm' | 's') {
                    unsupported(format!("the `{flag}` modifier in `(?{flags}:...)`"))
                } else {
                    syntax(format!("unknown modifier `{flag}` in `(?{flags}:...)`"))
                });
            }
            self.out.push_str("(?");
            self.out.push_str(&flags);
            self.out.push(':');
            Ok(())
        }

        /// After a `\` outside a class.
        fn escape(&mut self) -> Result<(), PatternError> {
            let c = self
                .next()
                .ok_or_else(|| syntax("the pattern ends with a lone `\\`"))?;
            match c {
                'd' => self.atom(DIGIT),
                'D' => self.atom(NOT_DIGIT),
                'w' => self.atom(WORD),
                'W' => self.atom(NOT_WORD),
                's' => self.atom(SPACE),
                'S' => self.atom(NOT_SPACE),
                'b' | 'B' => {
                    self.out.push('\\');
                    self.out.push(c);
                    self.can_repeat = false;
                }
                'p' | 'P' => {
                    let property = self.property(c)?;
                    self.atom(&property);
                }
                '1'..='9' => {
                    return Err(unsupported(format!("backreferences such as `\\{c}`")));
                }
                'k' if self.peek() == Some('<') => {
                    return Err(unsupported("named backreferences `\\k<name>`"));
                }
                _ => {
                    let literal = self.char_escape(c)?;
                    push_literal(&mut self.out, literal);
                    self.can_repeat = true;
                }
            }
            Ok(())
        }

        /// An escape standing for one character, after the `\`.
        fn char_escape(&mut self, c: char) -> Result<char, PatternError> {
            Ok(match c {
                'f' => '\x0C',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'v' => '\x0B',
                '0' if self.peek().is_some_and(|d| d.is_ascii_digit()) => {
                    return Err(syntax("octal escapes such as `\\01` are not allowed"));
                }
                '0' => '\0',
                'c' => match self.next() {
                    Some(letter) if letter.is_ascii_alphabetic() => char::from(letter as u8 % 32),
                    _ => return Err(syntax("`\\c` must be followed by a letter")),
                },
                'x' => {
                    let code = self.hex(2)?;
                    char::from_u32(code).unwrap_or('\0')
                }
                'u' => self.unicode_escape()?,
                c if !c.is_ascii_alphanumeric() => c,
                _ => return Err(syntax(format!("unknown escape `\\{c}`"))),
            })
        }

        /// Exactly `digits` hex digits.
        fn hex(&mut self, digits: usize) -> Result<u32, PatternError> {
            let mut value = 0;
            for _ in 0..digits {
                let digit = self
                    .next()
                    .and_then(|c| c.to_digit(16))
                    .ok_or_else(|| syntax(format!("expected {digits} hexadecimal digits")))?;
                value = value * 16 + digit;
            }
            Ok(value)
        }

        /// `\u{...}` or `\uXXXX` (joining a `\uD83D\uDE00` surrogate pair), after `\u`.
        fn unicode_escape(&mut self) -> Result<char, PatternError> {
            let code = if self.eat('{') {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    self.pos += 1;
                }
                let digits: String = self.chars[start..self.pos].iter().collect();
                if digits.is_empty() || !self.eat('}') {
                    return Err(syntax("`\\u{` must hold hexadecimal digits and a `}`"));
                }
                u32::from_str_radix(&digits, 16)
                    .ok()
                    .filter(|&c| c <= 0x10FFFF)
                    .ok_or_else(|| syntax(format!("`\\u{{{digits}}}` is not a code point")))?
            } else {
                let high = self.hex(4)?;
                if (0xD800..0xDC00).contains(&high)
                    && self.peek() == Some('\\')
                    && self.peek_at(1) == Some('u')
                {
                    let resume = self.pos;
                    self.pos += 2;
                    match self.hex(4) {
                        Ok(low) if (0xDC00..0xE000).contains(&low) => {
                            return Ok(char::from_u32(
                                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00),
                            )
                            .unwrap_or(char::REPLACEMENT_CHARACTER));
                        }
                        _ => self.pos = resume,
                    }
                }
                high
            };
            char::from_u32(code).ok_or_else(|| {
                unsupported(format!(
                    "the lone surrogate `\\u{code:04X}` (Rust strings cannot hold it)"
                ))
            })
        }

        /// `{Name}` or `{Name=Value}` of `\p`/`\P`, passed through to regex-syntax.
        fn property(&mut self, letter: char) -> Result<String, PatternError> {
            if !self.eat('{') {
                return Err(syntax(format!(
                    "`\\{letter}` must be followed by `{{property}}`"
                )));
            }
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '=')
            {
                self.pos += 1;
            }
            let name: String = self.chars[start..self.pos].iter().collect();
            if name.is_empty() || !self.eat('}') {
                return Err(syntax(format!("malformed `\\{letter}{{...}}`")));
            }
            Ok(format!("\\{letter}{{{name}}}"))
        }

        /// A class after `[`, returned as regex-syntax text with every literal escaped.
        fn class(&mut self) -> Result<String, PatternError> {
            let negated = self.eat('^');
            let mut body = String::new();
            loop {
                let c = self.next().ok_or_else(|| syntax("missing `]`"))?;
                if c == ']' {
                    break;
                }
                let first = self.class_atom(c)?;
                let is_range =
                    self.peek() == Some('-') && self.peek_at(1).is_some_and(|n| n != ']');
                if !is_range {
                    first.write(&mut body);
                    continue;
                }
                self.pos += 1;
                let c = self.next().ok_or_else(|| syntax("missing `]`"))?;
                match (first, self.class_atom(c)?) {
                    (ClassAtom::Char(lo), ClassAtom::Char(hi)) => {
                        if lo > hi {
                            return Err(syntax(format!("class range `{lo}-{hi}` is out of order")));
                        }
                        push_literal(&mut body, lo);
                        body.push('-');
                        push_literal(&mut body, hi);
                    }
                    _ => {
                        return Err(syntax(
                            "a class escape such as `\\d` cannot bound a range (write `\\-` for a hyphen)",
                        ));
                    }
                }
            }
            Ok(match (body.is_empty(), negated) {
                (true, false) => NOTHING.into(),
                (true, true) => ANY.into(),
                (false, false) => format!("[{body}]"),
                (false, true) => format!("[^{body}]"),
            })
        }

        fn class_atom(&mut self, c: char) -> Result<ClassAtom, PatternError> {
            if c != '\\' {
                return Ok(ClassAtom::Char(c));
            }
            let escaped = self.next().ok_or_else(|| syntax("missing `]`"))?;
            Ok(match escaped {
                'd' => ClassAtom::Set(DIGIT.into()),
                'D' => ClassAtom::Set(NOT_DIGIT.into()),
                'w' => ClassAtom::Set(WORD.into()),
                'W' => ClassAtom::Set(NOT_WORD.into()),
                's' => ClassAtom::Set(SPACE.into()),
                'S' => ClassAtom::Set(NOT_SPACE.into()),
                'p' | 'P' => ClassAtom::Set(self.property(escaped)?),
                // In a class, `\b` is a backspace.
                'b' => ClassAtom::Char('\x08'),
                'B' | 'k' | '1'..='9' => {
                    return Err(syntax(format!(
                        "`\\{escaped}` is not allowed in a character class"
                    )));
                }
                _ => ClassAtom::Char(self.char_escape(escaped)?),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::test_util::draw_strings;
    use crate::rng::hash_str;
    use proptest::prelude::*;
    use serde_json::json;

    /// ECMA `\s`, for checking with the `regex` crate, whose `\s` is Unicode's White_Space
    /// (which lacks U+FEFF). Everything else in the table means the same in both dialects.
    const ECMA_SPACE: &str =
        r"[\t-\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}]";

    fn rust_regex(pattern: &str) -> regex::Regex {
        let rust = pattern
            .replace(r"\s", ECMA_SPACE)
            .replace(r"\S", &ECMA_SPACE.replacen('[', "[^", 1));
        regex::Regex::new(&rust).unwrap_or_else(|e| panic!("regex crate refuses {pattern}: {e}"))
    }

    fn schema(pattern: &str, min: usize, max: Option<usize>) -> serde_json::Value {
        let mut schema = json!({"type": "string", "pattern": pattern, "minLength": min});
        if let Some(max) = max {
            schema["maxLength"] = json!(max);
        }
        schema
    }

    fn sample(generator: &PatternGen, seed: u64, count: usize) -> Vec<String> {
        draw_strings(seed, count, |rng, out| generator.generate(rng, out))
    }

    /// Runs of a class draw several characters per 64-bit word: each position must
    /// still be uniform, the last of a word (drawn from its lowest bits) as much as the
    /// first. 20,000 strings; every count within 5 standard deviations.
    #[test]
    fn class_runs_are_uniform_at_every_position() {
        for (pattern, alphabet) in [
            ("^[0-9]{12}$", "0123456789"),
            ("^[a-z]{9}$", "abcdefghijklmnopqrstuvwxyz"),
        ] {
            let generator = PatternGen::new(pattern, 0, None).unwrap();
            let values = sample(&generator, 11, 20_000);
            let len = values[0].len();
            let p = 1.0 / alphabet.len() as f64;
            let (mean, sd) = (20_000.0 * p, (20_000.0 * p * (1.0 - p)).sqrt());
            for position in 0..len {
                for symbol in alphabet.bytes() {
                    let count = values
                        .iter()
                        .filter(|v| v.as_bytes()[position] == symbol)
                        .count();
                    assert!(
                        (count as f64 - mean).abs() < 5.0 * sd,
                        "{pattern}: {} at {position} drawn {count} times, expected {mean:.0}",
                        symbol as char
                    );
                }
            }
        }
    }

    /// Generates 500 strings and checks each against the pattern (regex crate, search
    /// semantics), the length bounds, `length_range`, and jsonschema's own verdict.
    fn check(pattern: &str, min: usize, max: Option<usize>, rust: Option<&regex::Regex>) {
        let generator = PatternGen::new(pattern, min, max)
            .unwrap_or_else(|e| panic!("{pattern} [{min}, {max:?}] refused: {e}"));
        let validator = jsonschema::validator_for(&schema(pattern, min, max))
            .unwrap_or_else(|e| panic!("jsonschema refuses {pattern}: {e}"));
        let (shortest, longest) = generator.length_range();
        for value in sample(&generator, hash_str(pattern) ^ min as u64, 500) {
            let len = value.chars().count();
            let context = format!("{value:?} for {pattern} [{min}, {max:?}]");
            assert!(
                len >= min && max.is_none_or(|m| len <= m),
                "length {len}: {context}"
            );
            assert!(
                len >= shortest && longest.is_none_or(|l| len <= l),
                "length_range: {context}"
            );
            if let Some(rust) = rust {
                assert!(rust.is_match(&value), "regex crate: {context}");
            }
            assert!(validator.is_valid(&json!(value)), "jsonschema: {context}");
        }
    }

    /// Length bounds: `minLength` and optional `maxLength`.
    type Bounds = (usize, Option<usize>);

    /// (pattern, length bounds to try); every combination is satisfiable.
    #[rustfmt::skip]
    const TABLE: &[(&str, &[Bounds])] = &[
        (r"^[0-9]{5}$", &[(0, None), (5, Some(5)), (3, Some(10))]),
        (r"^[A-Z]{2}$", &[(0, None), (2, Some(2)), (1, Some(3))]),
        (r"^\+1-[0-9]{3}-[0-9]{3}-[0-9]{4}$", &[(0, None), (15, Some(15))]),
        (r"^SKU-[A-Z0-9]{6}$", &[(0, None), (10, Some(10)), (0, Some(50))]),
        (r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{12,30}$", &[(0, None), (20, Some(25)), (15, Some(16)), (34, Some(40)), (0, Some(17))]),
        (r"^[A-Z]{4}-[0-9]{4}$", &[(0, None), (9, Some(9))]),
        (r"^[a-z][a-z0-9_]{2,15}$", &[(0, None), (10, Some(10)), (1, Some(4)), (16, None)]),
        (r"^[a-z]{2,6}$", &[(0, None), (6, Some(6)), (0, Some(2)), (3, Some(4))]),
        ("abc", &[(0, None), (10, Some(20)), (3, Some(3)), (5, None), (200, Some(200))]),
        ("[0-9]+", &[(0, None), (1, Some(1)), (12, Some(12)), (30, None), (0, Some(3))]),
        ("^a", &[(0, None), (5, Some(8)), (1, Some(1))]),
        ("b$", &[(0, None), (5, Some(8)), (1, Some(1))]),
        ("cat|dog", &[(0, None), (3, Some(3)), (10, Some(12))]),
        ("^(?:cat|dog|bird)$", &[(0, None), (4, Some(4)), (3, Some(3))]),
        (r"[A-Z]{3}|^[0-9]{2}$", &[(0, None), (2, Some(2)), (3, Some(3)), (8, None)]),
        (r"^\d{3}$", &[(0, None), (3, Some(3))]),
        (r"\d+", &[(0, None), (5, Some(10))]),
        (r"^\w+$", &[(0, None), (4, Some(4)), (20, Some(30))]),
        (r"^.{3,10}$", &[(0, None), (10, Some(10)), (0, Some(3))]),
        (".", &[(0, None), (1, Some(1)), (7, Some(9))]),
        ("^[^a-z]+$", &[(0, None), (5, Some(5)), (1, Some(40))]),
        ("^[^0-9]{2,4}$", &[(0, None), (3, Some(3))]),
        (r"^\p{L}+$", &[(0, None), (12, Some(12))]),
        (r"^\p{Lu}\p{Ll}+$", &[(0, None), (2, Some(5))]),
        (r"^\p{Greek}{3}$", &[(0, None)]),
        (r"^[^\x00-\x7F]+$", &[(0, None), (2, Some(3))]),
        ("(?:ab|cd)*x", &[(0, None), (1, Some(1)), (6, Some(6)), (20, None)]),
        (r"^(?:ab|cd)*x$", &[(0, None), (7, Some(8)), (1, Some(1))]),
        (r"^(\([0-9]{3}\))?[0-9]{3}-[0-9]{4}$", &[(0, None), (8, Some(8)), (13, Some(13)), (8, Some(13))]),
        ("^$", &[(0, None), (0, Some(0))]),
        ("^(ab)+$", &[(0, None), (3, Some(5)), (10, Some(10))]),
        ("^(a|bc|def){2,4}$", &[(0, None), (5, Some(7)), (12, Some(12))]),
        ("^(foo|)bar$", &[(0, None), (3, Some(3)), (6, Some(6))]),
        (r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$", &[(0, None)]),
        (r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", &[(0, None), (6, Some(6)), (30, Some(40))]),
        (r"^https?://[a-z0-9.-]+\.[a-z]{2,6}(/[a-z0-9_-]*)*$", &[(0, None), (11, Some(11)), (40, Some(60))]),
        (r"^#[0-9a-fA-F]{6}$", &[(0, None)]),
        (r"^\s*\S+\s*$", &[(0, None), (5, Some(5))]),
        (r"^(?<year>\d{4})-(?<month>0[1-9]|1[0-2])-(?<day>0[1-9]|[12]\d|3[01])$", &[(0, None)]),
        (r"\bfoo\b", &[(0, None), (3, Some(3)), (4, Some(4)), (10, None)]),
        (r"\d+\b", &[(0, None), (6, Some(6))]),
        (r"^[a-z]+\b", &[(0, None), (9, Some(12))]),
        (r"^[+-]?\d+(\.\d+)?$", &[(0, None), (1, Some(1)), (4, Some(4))]),
        ("^(?i:abc)$", &[(0, None)]),
        (r"^[\w.-]+$", &[(0, None), (8, Some(8))]),
        ("^a*$", &[(0, None), (0, Some(0)), (30, Some(30))]),
        ("x*", &[(0, None), (3, Some(5))]),
        (r"^[\u0041-\u005A]{3}$", &[(0, None)]),
        (r"^\x41\x42$", &[(0, None)]),
        ("a{2,}b?", &[(0, None), (2, Some(2)), (15, None)]),
        ("^[a-z]+(-[a-z]+)*$", &[(0, None), (3, Some(3)), (25, Some(25))]),
        (r"^\/api\/v[0-9]+$", &[(0, None)]),
        ("^(a?){3,}$", &[(0, None), (0, Some(0)), (5, Some(5))]),
    ];

    #[test]
    fn table_of_patterns_meets_pattern_and_bounds() {
        assert!(TABLE.len() >= 40);
        for (pattern, bounds) in TABLE {
            let rust = rust_regex(pattern);
            for &(min, max) in *bounds {
                check(pattern, min, max, Some(&rust));
            }
        }
    }

    /// ECMA-only syntax the `regex` crate cannot read: checked with jsonschema only.
    #[test]
    fn ecma_only_syntax() {
        for pattern in [
            r"^\cJ\cj$",
            r"^[\d\-z]+$",
            r"^[\w-]{3}$",
            r"^[\s\S]{2}$",
            r"^a\/b$",
        ] {
            check(pattern, 0, None, None);
        }
        let generator = PatternGen::new(r"^\uD83D\uDE00\u{1F601}$", 0, None).unwrap();
        assert_eq!(sample(&generator, 1, 1), ["\u{1F600}\u{1F601}"]);
        let generator = PatternGen::new(r"^\cJ[\b]\0$", 0, None).unwrap();
        assert_eq!(sample(&generator, 1, 1), ["\n\u{8}\0"]);
        // ASCII `\d`, `\w`: never Unicode digits or letters.
        for value in sample(&PatternGen::new(r"^\d\w$", 0, None).unwrap(), 3, 500) {
            assert!(value.is_ascii(), "{value:?}");
        }
        // ECMA `.` never produces a line terminator, `[^]` may be anything.
        for value in sample(&PatternGen::new("^.{20}$", 0, None).unwrap(), 4, 200) {
            assert!(
                !value.contains(['\n', '\r', '\u{2028}', '\u{2029}']),
                "{value:?}"
            );
        }
        let generator = PatternGen::new("^[^]$", 0, None).unwrap();
        assert_eq!(sample(&generator, 5, 10).len(), 10);
    }

    #[test]
    fn readable_output() {
        // Huge classes draw mostly printable ASCII.
        let values = sample(&PatternGen::new(r"^\p{L}{10}$", 0, None).unwrap(), 6, 200);
        let ascii = values
            .iter()
            .flat_map(|v| v.chars())
            .filter(char::is_ascii)
            .count();
        assert!(ascii > 200 * 10 * 3 / 4, "{ascii}");
        // Unbounded repetitions stay short without a reason to grow.
        let generator = PatternGen::new(r"^[0-9]+$", 0, None).unwrap();
        assert_eq!(generator.length_range(), (1, Some(9)));
        // Every allowed length shows up.
        let values = sample(&PatternGen::new("^[a-z]{2,6}$", 0, None).unwrap(), 7, 300);
        for len in 2..=6 {
            assert!(
                values.iter().any(|v| v.len() == len),
                "no value of length {len}"
            );
        }
        // Unanchored patterns are emitted as they are unless minLength asks for more.
        assert_eq!(
            sample(&PatternGen::new("abc", 0, None).unwrap(), 8, 1),
            ["abc"]
        );
        let padded = sample(&PatternGen::new("^abc", 6, None).unwrap(), 8, 1);
        assert!(
            padded[0].starts_with("abc") && padded[0].len() == 6,
            "{padded:?}"
        );
        let padded = sample(&PatternGen::new("abc$", 6, None).unwrap(), 8, 1);
        assert!(
            padded[0].ends_with("abc") && padded[0].len() == 6,
            "{padded:?}"
        );
    }

    #[test]
    fn same_seed_same_strings() {
        let generator = PatternGen::new(r"^[a-z][a-z0-9_]{2,15}$", 0, None).unwrap();
        assert_eq!(sample(&generator, 42, 50), sample(&generator, 42, 50));
        assert_ne!(sample(&generator, 42, 50), sample(&generator, 43, 50));
        let clone = generator.clone();
        assert_eq!(sample(&generator, 9, 20), sample(&clone, 9, 20));
    }

    fn error(pattern: &str, min: usize, max: Option<usize>) -> PatternError {
        match PatternGen::new(pattern, min, max) {
            Ok(_) => panic!("{pattern} [{min}, {max:?}] was accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn syntax_errors() {
        for pattern in [
            "(abc",
            "abc)",
            "[z-a]",
            "a{",
            "a{2,1}",
            "*a",
            "a**",
            r"\",
            "[abc",
            r"\q",
            r"\u12",
            r"(?P<x>a)",
            "(?x:a)",
            r"\01",
            r"[\d-z]",
            "a]",
            "a}",
        ] {
            assert!(
                matches!(error(pattern, 0, None), PatternError::Syntax(_)),
                "{pattern}: {:?}",
                error(pattern, 0, None)
            );
        }
        let PatternError::Syntax(message) = error("(abc", 0, None) else {
            unreachable!()
        };
        assert!(message.contains("(abc"), "{message}");
    }

    #[test]
    fn unsupported_features() {
        for (pattern, feature) in [
            (r"(a)\1", "backreference"),
            (r"(?<x>a)\k<x>", "backreference"),
            ("a(?=b)", "lookahead"),
            ("a(?!b)", "lookahead"),
            ("(?<=a)b", "lookbehind"),
            ("(?<!a)b", "lookbehind"),
            ("(?s:a.)", "modifier"),
            ("a^b", "`^`"),
            ("(a$)+", "`$`"),
            (r"(\ba)+", r"`\b`"),
            (r"\b\p{L}", r"`\b`"),
            (r"\uD800", "surrogate"),
        ] {
            match error(pattern, 0, None) {
                PatternError::Unsupported(message) => {
                    assert!(message.contains(feature), "{pattern}: {message}")
                }
                other => panic!("{pattern}: {other:?}"),
            }
        }
    }

    #[test]
    fn unsatisfiable_with_arithmetic() {
        let cases: &[(&str, usize, Option<usize>, &str)] = &[
            (
                r"^[0-9]{5}$",
                0,
                Some(3),
                "pattern ^[0-9]{5}$ always has 5 characters but maxLength is 3",
            ),
            (
                r"^[0-9]{5}$",
                6,
                None,
                "pattern ^[0-9]{5}$ always has 5 characters but minLength is 6",
            ),
            (
                r"^[a-z]{2,6}$",
                7,
                Some(9),
                "pattern ^[a-z]{2,6}$ has at most 6 characters but minLength is 7",
            ),
            (
                "abc",
                0,
                Some(2),
                "pattern abc needs at least 3 characters but maxLength is 2",
            ),
            (
                "^(ab)+$",
                3,
                Some(3),
                "pattern ^(ab)+$ has no string of exactly 3 characters; the closest lengths are 2 and 4",
            ),
            (
                "^a$|^bbbb$",
                2,
                Some(3),
                "pattern ^a$|^bbbb$ has no string of between 2 and 3 characters; the closest lengths are 1 and 4",
            ),
            ("a", 5, Some(4), "minLength 5 is greater than maxLength 4"),
            (
                "x[]",
                0,
                None,
                "pattern x[] can never match: it needs a character from an empty class",
            ),
            (r"a\bb", 0, None, "pattern a\\bb can never match"),
            (r"^\b-", 0, None, "pattern ^\\b- can never match"),
        ];
        for &(pattern, min, max, expected) in cases {
            match error(pattern, min, max) {
                PatternError::Unsatisfiable(message) => {
                    assert!(message.starts_with(expected), "{pattern}: {message}")
                }
                other => panic!("{pattern}: {other:?}"),
            }
        }
    }

    #[test]
    fn pathological_patterns_are_refused_quickly() {
        assert!(matches!(
            error("^a{100000}$", 0, None),
            PatternError::Unsupported(_)
        ));
        assert!(matches!(
            error("a", MAX_PLANNED_LEN + 1, None),
            PatternError::Unsupported(_)
        ));
        // Large but fine: planned within the budget.
        check(
            "^(?:a|bc)*$",
            500,
            Some(600),
            Some(&rust_regex("^(?:a|bc)*$")),
        );
        check("[a-z]{0,100000}", 0, None, None);
    }

    /// Atoms that each match one of `a`, `b`, `0`, `-` (see `all_strings`).
    const SIMPLE_ATOMS: &[&str] = &["a", "b", "-", "[ab]", "[^a]", r"\d", r"\w", "."];
    /// Also assertions, placed anywhere, and Unicode.
    const WIDE_ATOMS: &[&str] = &[
        "a", "-", " ", "[ab]", "[^a]", r"\d", r"\w", ".", "^", "$", r"\b", r"\B", r"\s", r"\S",
        "\u{e9}", r"\p{L}", "x{0}",
    ];

    /// A random pattern from a small grammar over `atoms`: groups, quantifiers, sequences and
    /// alternations, optionally anchored.
    fn pattern_from(atoms: &'static [&'static str]) -> impl Strategy<Value = String> {
        let atom = prop::sample::select(atoms).prop_map(String::from);
        let quantifier =
            prop::sample::select(&["", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "*?"][..]);
        let expression = atom.prop_recursive(3, 12, 3, move |inner| {
            prop_oneof![
                (inner.clone(), quantifier.clone()).prop_map(|(e, q)| format!("(?:{e}){q}")),
                prop::collection::vec(inner.clone(), 2..4).prop_map(|parts| parts.concat()),
                prop::collection::vec(inner, 2..4)
                    .prop_map(|parts| format!("(?:{})", parts.join("|"))),
            ]
        });
        (any::<bool>(), expression, any::<bool>()).prop_map(|(start, e, end)| {
            format!(
                "{}{e}{}",
                if start { "^" } else { "" },
                if end { "$" } else { "" }
            )
        })
    }

    /// Every string over {a, b, 0, -} with a length in `lengths`.
    fn all_strings(lengths: std::ops::RangeInclusive<usize>) -> Vec<String> {
        let mut all = Vec::new();
        let mut current = vec![String::new()];
        for len in 0..=*lengths.end() {
            if lengths.contains(&len) {
                all.extend(current.iter().cloned());
            }
            current = current
                .iter()
                .flat_map(|s| ['a', 'b', '0', '-'].map(|c| format!("{s}{c}")))
                .collect();
        }
        all
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn random_patterns_meet_pattern_and_bounds(
            pattern in pattern_from(SIMPLE_ATOMS),
            min in 0usize..8,
            max in prop::option::of(0usize..10),
            seed in any::<u64>(),
        ) {
            let rust = regex::Regex::new(&pattern).unwrap();
            match PatternGen::new(&pattern, min, max) {
                Ok(generator) => {
                    let validator = jsonschema::validator_for(&schema(&pattern, min, max)).unwrap();
                    for value in sample(&generator, seed, 40) {
                        let len = value.chars().count();
                        prop_assert!(len >= min && max.is_none_or(|m| len <= m), "{value:?}");
                        prop_assert!(rust.is_match(&value), "{value:?}");
                        prop_assert!(validator.is_valid(&json!(value)), "{value:?}");
                    }
                }
                Err(PatternError::Unsatisfiable(message)) => {
                    // Each atom matches one of a, b, 0, -, so if any string of an allowed length
                    // matched, one over those four characters would too.
                    let top = max.unwrap_or(6).min(6);
                    if min <= top {
                        let witness = all_strings(min..=top).into_iter().find(|s| rust.is_match(s));
                        prop_assert!(witness.is_none(), "refused ({message}) but {witness:?} fits");
                    }
                }
                Err(other) => prop_assert!(false, "{other}"),
            }
        }

        /// Anchors and word boundaries anywhere: each pattern is honoured or refused, never
        /// mishandled. Checked with jsonschema alone (whose `\b` is Unicode-aware, unlike the
        /// `regex` crate's meaning of the ECMA pattern).
        #[test]
        fn assertions_anywhere_are_honoured_or_refused(
            pattern in pattern_from(WIDE_ATOMS),
            min in 0usize..8,
            max in prop::option::of(0usize..12),
            seed in any::<u64>(),
        ) {
            // jsonschema refuses a few valid patterns; there is nothing to check those against.
            let Ok(validator) = jsonschema::validator_for(&schema(&pattern, min, max)) else {
                return Ok(());
            };
            match PatternGen::new(&pattern, min, max) {
                Ok(generator) => {
                    for value in sample(&generator, seed, 40) {
                        let len = value.chars().count();
                        prop_assert!(len >= min && max.is_none_or(|m| len <= m), "{value:?}");
                        prop_assert!(validator.is_valid(&json!(value)), "{value:?}");
                    }
                }
                Err(PatternError::Unsatisfiable(_) | PatternError::Unsupported(_)) => {}
                Err(other) => prop_assert!(false, "{other}"),
            }
        }
    }
}

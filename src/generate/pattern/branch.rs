//! What surrounds the match: the pattern's top-level alternatives ([`Branch`]es), their
//! anchoring and word boundaries resolved into padding rules, and the messages that explain
//! why no length fits.

use rand::RngExt;

use super::node::{Assertion, Edge, Kind, Neighbour, Node, neighbour};
use super::plan::Planner;
use super::{MAX_PLANNED_LEN, PLAN_SLACK, PatternError, UNBOUNDED_EXTRA, unsupported};
use crate::rng::SynthRng;

/// What may be written on one side of the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Padding {
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
    pub(super) fn min_len(self) -> usize {
        usize::from(self == Padding::WordNext)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PadSide {
    Before,
    After,
}

/// Padding characters: readable, and all word characters, so a `\b` constraint only ever
/// concerns the one character touching the match.
const PAD_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

pub(super) fn write_padding(
    len: usize,
    rule: Padding,
    side: PadSide,
    rng: &mut SynthRng,
    out: &mut String,
) {
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
pub(super) struct Branch {
    pub(super) body: Node,
    pub(super) before: Padding,
    pub(super) after: Padding,
    /// Body lengths to draw from: chosen in `new` so that the total lands within the bounds
    /// and stays readable. Empty when the branch cannot meet the bounds.
    pub(super) body_lengths: Vec<usize>,
}

impl Branch {
    pub(super) fn padded(&self) -> bool {
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
    pub(super) fn total_len(&self, body_len: usize, min_len: usize) -> usize {
        if self.padded() {
            min_len.max(body_len + self.min_padding())
        } else {
            body_len
        }
    }

    /// Achievable body lengths, preferring (1) readable ones that reach `min_len` unaided, then
    /// (2) the shortest that reaches `min_len`, then, when padding may fill the rest, (3) the
    /// longest below it.
    pub(super) fn length_choices(
        &self,
        min_len: usize,
        max_len: Option<usize>,
        cap: usize,
    ) -> Vec<usize> {
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
pub(super) fn split_into_branches(root: Node) -> Result<Vec<Branch>, PatternError> {
    let mut options = Vec::new();
    top_level_alternatives(root, &mut options);
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

/// Most alternatives the anchors inside a sequence are distributed into.
const MAX_DISTRIBUTED: usize = 64;

/// The pattern's top-level alternatives, with a group of alternatives that holds
/// anchors distributed over the sequence around it: regex-syntax factors `^a$|^b` into
/// `^(?:a$|b)`, whose `$` is no longer at the end of anything, and the two
/// alternatives come back as `^a$` and `^b`.
fn top_level_alternatives(mut node: Node, out: &mut Vec<Node>) {
    if let Kind::Alt(options) = &mut node.kind {
        for option in std::mem::take(options) {
            top_level_alternatives(option, out);
        }
        return;
    }
    if out.len() < MAX_DISTRIBUTED
        && let Some((at, options)) = anchored_group(&mut node)
        && let Kind::Concat { items, .. } = node.kind
    {
        for option in options {
            let mut sequence = items.clone();
            sequence[at] = option;
            top_level_alternatives(Node::concat(sequence), out);
        }
        return;
    }
    out.push(node);
}

/// Takes the alternatives out of the first group of a sequence that holds anchors
/// (leaving an empty node in its place), with its index.
fn anchored_group(node: &mut Node) -> Option<(usize, Vec<Node>)> {
    let Kind::Concat { items, .. } = &mut node.kind else {
        return None;
    };
    let at = items.iter().position(|item| {
        matches!(&item.kind, Kind::Alt(options) if options.len() <= MAX_DISTRIBUTED)
            && item.find_assertion().is_some()
    })?;
    match std::mem::replace(&mut items[at], Node::empty()).kind {
        Kind::Alt(options) => Some((at, options)),
        _ => None,
    }
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

/// The first message that explains why no length fits, from the shortest and longest lengths.
pub(super) fn length_conflict(
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
pub(super) fn gap_message(
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

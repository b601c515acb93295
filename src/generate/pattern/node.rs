//! The expression tree: a regular expression reduced to what generation needs ([`Node`]),
//! built bottom-up with each node's shortest, longest and readable longest length, and the
//! static queries (anchors, assertions, word-ness at an edge) that resolve branches.

use super::class::CharClass;
use super::plan::LenSet;
use super::{BOUNDED_EXTRA, UNBOUNDED_EXTRA};

/// A regular expression reduced to what generation needs.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) kind: Kind,
    /// Shortest match, in code points.
    pub(super) min: usize,
    /// Longest match; `None` when unbounded.
    pub(super) max: Option<usize>,
    /// Longest match when unbounded repetitions stop at a readable count.
    pub(super) readable_max: usize,
    /// Every achievable length up to the planning cap; filled by [`Node::plan`].
    pub(super) lens: LenSet,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
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
    /// Group `index`, kept because a back-reference copies what it wrote.
    Capture {
        index: usize,
        sub: Box<Node>,
    },
    /// A copy of what group `index` last wrote (nothing, if it wrote nothing yet).
    Backref(usize),
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
pub(super) enum Assertion {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

impl Assertion {
    pub(super) fn placement_rule(self) -> &'static str {
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
pub(super) enum Edge {
    Front,
    Back,
}

/// Whether a node's characters at one edge are word characters (ASCII `[A-Za-z0-9_]`, as in
/// ECMA's `\b`). `NonWord` also excludes Unicode word characters, so the answer holds for
/// Unicode-aware engines too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wordness {
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
    pub(super) fn leaf(kind: Kind, len: usize) -> Node {
        Node {
            kind,
            min: len,
            max: Some(len),
            readable_max: len,
            lens: LenSet::default(),
        }
    }

    pub(super) fn empty() -> Node {
        Node::leaf(Kind::Empty, 0)
    }

    fn never() -> Node {
        Node::leaf(Kind::Never, 0)
    }

    pub(super) fn literal(text: &str) -> Node {
        if text.is_empty() {
            Node::empty()
        } else {
            Node::leaf(Kind::Literal(text.into()), text.chars().count())
        }
    }

    pub(super) fn class(class: CharClass) -> Node {
        if class.is_empty() {
            Node::never()
        } else {
            Node::leaf(Kind::Class(class), 1)
        }
    }

    pub(super) fn capture(index: usize, sub: Node) -> Node {
        let (min, max, readable_max) = (sub.min, sub.max, sub.readable_max);
        Node {
            kind: Kind::Capture {
                index,
                sub: Box::new(sub),
            },
            min,
            max,
            readable_max,
            lens: LenSet::default(),
        }
    }

    /// A copy of group `index`, whose lengths are `(min, max, readable_max)`.
    pub(super) fn backref(
        index: usize,
        (min, max, readable_max): (usize, Option<usize>, usize),
    ) -> Node {
        Node {
            kind: Kind::Backref(index),
            min,
            max,
            readable_max,
            lens: LenSet::default(),
        }
    }

    pub(super) fn concat(parts: Vec<Node>) -> Node {
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

    pub(super) fn alt(parts: Vec<Node>) -> Node {
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

    pub(super) fn repeat(sub: Node, min: usize, max: Option<usize>) -> Node {
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

    pub(super) fn is_fixed(&self) -> bool {
        self.max == Some(self.min)
    }

    /// At most how many distinct strings generation can write for the node: an upper
    /// bound, as alternatives may overlap and lengths may be cut by the bounds. `None`
    /// when unbounded (`*`, `+`, `{n,}` of a non-empty part) or past 64 bits.
    pub(super) fn reachable(&self) -> Option<u64> {
        match &self.kind {
            Kind::Never => Some(0),
            // A copy repeats what its group wrote: no choice of its own.
            Kind::Empty | Kind::Assertion(_) | Kind::Literal(_) | Kind::Backref(_) => Some(1),
            Kind::Class(class) => Some(class.reachable()),
            Kind::Capture { sub, .. } => sub.reachable(),
            Kind::Concat { items, .. } => items
                .iter()
                .try_fold(1u64, |total, item| total.checked_mul(item.reachable()?)),
            Kind::Alt(options) => options
                .iter()
                .try_fold(0u64, |total, option| total.checked_add(option.reachable()?)),
            Kind::Repeat { sub, min, max, .. } => {
                let per_copy = sub.reachable()?;
                match per_copy {
                    0 => Some(u64::from(*min == 0)),
                    // One string per copy count, or one string when every copy is empty.
                    1 if sub.max == Some(0) => Some(1),
                    1 => u64::try_from((*max)? - min + 1).ok(),
                    _ => {
                        // Sum of per_copy^k for k in min..=max; past 64 bits in at most
                        // 64 steps.
                        let max = (*max)?;
                        let mut power = per_copy.checked_pow(u32::try_from(*min).ok()?)?;
                        let mut total = 0u64;
                        for _ in *min..=max {
                            total = total.checked_add(power)?;
                            power = power.saturating_mul(per_copy);
                        }
                        Some(total)
                    }
                }
            }
        }
    }

    /// Whether a match can hold a character JSON must escape.
    pub(super) fn may_need_escape(&self) -> bool {
        match &self.kind {
            // A copy holds what its group wrote, which is counted there.
            Kind::Empty | Kind::Never | Kind::Assertion(_) | Kind::Backref(_) => false,
            Kind::Capture { sub, .. } => sub.may_need_escape(),
            Kind::Literal(text) => crate::sink::needs_escape(text.as_bytes()),
            Kind::Class(class) => class.may_need_escape(),
            Kind::Concat { items, .. } => items.iter().any(Node::may_need_escape),
            Kind::Alt(options) => options.iter().any(Node::may_need_escape),
            Kind::Repeat { sub, .. } => sub.may_need_escape(),
        }
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
    pub(super) fn is_anchored(&self, edge: Edge) -> bool {
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
            Kind::Capture { sub, .. } => sub.is_anchored(edge),
            _ => false,
        }
    }

    /// Removes the anchor [`is_anchored`](Self::is_anchored) found (it is zero-width, so the
    /// lengths are unchanged).
    pub(super) fn remove_anchor(&mut self, edge: Edge) {
        match &mut self.kind {
            Kind::Assertion(_) => self.kind = Kind::Empty,
            Kind::Concat { items, .. } => {
                if let Some(i) = Node::edge_item(items, edge) {
                    items[i].remove_anchor(edge);
                }
            }
            Kind::Alt(options) => options.iter_mut().for_each(|o| o.remove_anchor(edge)),
            Kind::Capture { sub, .. } => sub.remove_anchor(edge),
            _ => {}
        }
    }

    pub(super) fn find_assertion(&self) -> Option<Assertion> {
        match &self.kind {
            Kind::Assertion(a) => Some(*a),
            Kind::Concat { items, .. } => items.iter().find_map(Node::find_assertion),
            Kind::Alt(options) => options.iter().find_map(Node::find_assertion),
            Kind::Repeat { sub, .. } | Kind::Capture { sub, .. } => sub.find_assertion(),
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
            Kind::Capture { sub, .. } => sub.edge_wordness(edge),
            _ => Wordness::Mixed,
        }
    }
}

/// What touches a position in a sequence, looking one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Neighbour {
    /// Nothing: the edge of the branch.
    Edge,
    /// Always a word character (`true`) or always a non-word character (`false`).
    Known(bool),
    /// Depends on choices (an optional part, a class mixing both kinds).
    Unknown,
}

/// The first character met walking `items` (already ordered in the walking direction), whose
/// edge on the `edge` side faces the starting position.
pub(super) fn neighbour<'a>(items: impl Iterator<Item = &'a Node>, edge: Edge) -> Neighbour {
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

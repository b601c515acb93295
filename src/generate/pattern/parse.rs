//! From regex-syntax's HIR to the expression tree: captures dropped unless a back-reference
//! copies them, classes prepared for drawing, assertions kept as zero-width nodes for the
//! branches to resolve, back-reference placeholders (see [`Translation`]) made copies.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

use super::class::CharClass;
use super::ecma::Translation;
use super::node::{Assertion, Kind, Node};
use super::{PatternError, unsupported};

/// Builds [`Node`]s from regex-syntax's HIR.
pub(super) struct Converter<'a> {
    /// Unicode `\w`, needed only to classify classes next to a `\b`/`\B`.
    unicode_word: Option<Vec<(u32, u32)>>,
    /// The groups a back-reference copies.
    referenced: &'a [usize],
    /// Per group number, its shortest, longest and readable longest length, once converted.
    group_lengths: Vec<Option<(usize, Option<usize>, usize)>>,
}

/// What a capture group's name (given by [`Translation`]) says it is.
enum GroupName {
    /// Group number `n` of the pattern.
    Group(usize),
    /// A back-reference to group `n`.
    Backref(usize),
}

fn group_name(name: &str) -> Option<GroupName> {
    if let Some(n) = name.strip_prefix('g') {
        return n.parse().ok().map(GroupName::Group);
    }
    let (n, _) = name.strip_prefix('r')?.split_once('_')?;
    n.parse().ok().map(GroupName::Backref)
}

impl<'a> Converter<'a> {
    pub(super) fn new(hir: &Hir, translation: &'a Translation) -> Converter<'a> {
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
        Converter {
            unicode_word,
            referenced: &translation.referenced,
            group_lengths: Vec::new(),
        }
    }

    /// A class of the code point ranges `ranges`.
    fn class(&self, ranges: impl Iterator<Item = (u32, u32)>) -> Node {
        let ranges: Vec<(u32, u32)> = ranges.collect();
        Node::class(CharClass::new(&ranges, self.unicode_word.as_deref()))
    }

    pub(super) fn convert(&mut self, hir: &Hir) -> Result<Node, PatternError> {
        Ok(match hir.kind() {
            HirKind::Empty => Node::empty(),
            HirKind::Literal(literal) => Node::literal(
                std::str::from_utf8(&literal.0)
                    .map_err(|_| unsupported("a literal that is not valid UTF-8"))?,
            ),
            HirKind::Class(Class::Unicode(class)) => self.class(
                class
                    .ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end()))),
            ),
            HirKind::Class(Class::Bytes(class)) => {
                if class.ranges().iter().any(|r| !r.end().is_ascii()) {
                    return Err(unsupported("non-ASCII byte classes"));
                }
                self.class(
                    class
                        .ranges()
                        .iter()
                        .map(|r| (u32::from(r.start()), u32::from(r.end()))),
                )
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
            HirKind::Capture(capture) => match capture.name.as_deref().and_then(group_name) {
                Some(GroupName::Backref(n)) => {
                    let lengths = self.group_lengths.get(n).copied().flatten();
                    Node::backref(n, lengths.unwrap_or((0, Some(0), 0)))
                }
                Some(GroupName::Group(n)) => {
                    let sub = self.convert(&capture.sub)?;
                    if self.group_lengths.len() <= n {
                        self.group_lengths.resize(n + 1, None);
                    }
                    self.group_lengths[n] = Some((sub.min, sub.max, sub.readable_max));
                    if self.referenced.contains(&n) {
                        Node::capture(n, sub)
                    } else {
                        sub
                    }
                }
                None => self.convert(&capture.sub)?,
            },
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

//! From regex-syntax's HIR to the expression tree: captures dropped, classes prepared for
//! drawing, assertions kept as zero-width nodes for the branches to resolve.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

use super::class::CharClass;
use super::node::{Assertion, Kind, Node};
use super::{PatternError, unsupported};

/// Builds [`Node`]s from regex-syntax's HIR.
pub(super) struct Converter {
    /// Unicode `\w`, needed only to classify classes next to a `\b`/`\B`.
    unicode_word: Option<Vec<(u32, u32)>>,
}

impl Converter {
    pub(super) fn new(hir: &Hir) -> Converter {
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

    /// A class of the code point ranges `ranges`.
    fn class(&self, ranges: impl Iterator<Item = (u32, u32)>) -> Node {
        let ranges: Vec<(u32, u32)> = ranges.collect();
        Node::class(CharClass::new(&ranges, self.unicode_word.as_deref()))
    }

    pub(super) fn convert(&self, hir: &Hir) -> Result<Node, PatternError> {
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

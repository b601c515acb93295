//! Patterns of one fixed shape, such as `^SKU-[A-Z0-9]{6}$` or `^[0-9]{5}$`: anchored at
//! both ends, without alternatives, every part of a fixed length. Most patterns in real
//! schemas are like this, and for them the top-down walk of [`emit`](super::emit) only
//! ever takes the same path. Flattened once into a list of pieces, they are written with
//! the same draws in the same order (so the same strings), without the walk.

use super::class::CharClass;
use super::node::{Kind, Node};
use crate::rng::SynthRng;

/// One step of a flattened pattern.
#[derive(Debug, Clone)]
pub(super) enum Piece {
    Literal(Box<str>),
    /// One character of a class (`emit` of a lone class).
    One(CharClass),
    /// `len` characters of a class (`emit` of a repeated class).
    Run(CharClass, usize),
}

/// The pieces that write `body` the way `body.emit(body.min, ..)` would, or `None` when
/// some part has a choice to make (alternatives, variable repetitions).
pub(super) fn flatten(body: &Node) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    push_pieces(body, &mut pieces).then_some(pieces)
}

fn push_pieces(node: &Node, pieces: &mut Vec<Piece>) -> bool {
    if !node.is_fixed() {
        return false;
    }
    match &node.kind {
        Kind::Empty | Kind::Assertion(_) => true,
        Kind::Never | Kind::Alt(_) | Kind::Capture { .. } | Kind::Backref(_) => false,
        Kind::Literal(text) => {
            match pieces.last_mut() {
                Some(Piece::Literal(before)) => *before = format!("{before}{text}").into(),
                _ => pieces.push(Piece::Literal(text.clone())),
            }
            true
        }
        Kind::Class(class) => {
            pieces.push(Piece::One(class.clone()));
            true
        }
        Kind::Concat { items, .. } => items.iter().all(|item| push_pieces(item, pieces)),
        Kind::Repeat { sub, .. } => {
            if let Kind::Class(class) = &sub.kind {
                pieces.push(Piece::Run(class.clone(), node.min));
                return true;
            }
            // Zero-length copies write nothing, however many there are.
            let copies = node.min.checked_div(sub.min).unwrap_or(0);
            (0..copies).all(|_| push_pieces(sub, pieces))
        }
    }
}

/// Writes the pieces in order.
pub(super) fn write(pieces: &[Piece], rng: &mut SynthRng, out: &mut String) {
    for piece in pieces {
        match piece {
            Piece::Literal(text) => out.push_str(text),
            Piece::One(class) => out.push(class.sample(rng)),
            Piece::Run(class, len) => class.sample_run(*len, rng, out),
        }
    }
}

/// How many distinct strings the pieces can enumerate ([`write_nth`]), if that fits 64
/// bits.
pub(super) fn count(pieces: &[Piece]) -> Option<u64> {
    product(pieces, CharClass::count)
}

/// How many distinct strings [`write`] can draw, if that fits 64 bits.
pub(super) fn reachable(pieces: &[Piece]) -> Option<u64> {
    product(pieces, CharClass::reachable)
}

fn product(pieces: &[Piece], size: impl Fn(&CharClass) -> u64) -> Option<u64> {
    pieces.iter().try_fold(1u64, |total, piece| match piece {
        Piece::Literal(_) => Some(total),
        Piece::One(class) => total.checked_mul(size(class)),
        Piece::Run(class, len) => {
            total.checked_mul(size(class).checked_pow(u32::try_from(*len).ok()?)?)
        }
    })
}

/// The `index`-th string of the pieces (`index` below their [`count`]): its digits in
/// mixed radix, most significant first, each digit a character of its class.
pub(super) fn write_nth(pieces: &[Piece], index: u64, out: &mut String) {
    // The place value of the next digit: what the digits after it can count.
    let mut place = count(pieces).unwrap_or(1);
    let mut digit = |class: &CharClass, out: &mut String| {
        place /= class.count().max(1);
        out.push(class.nth((index / place) % class.count().max(1)));
    };
    for piece in pieces {
        match piece {
            Piece::Literal(text) => out.push_str(text),
            Piece::One(class) => digit(class, out),
            Piece::Run(class, len) => (0..*len).for_each(|_| digit(class, out)),
        }
    }
}

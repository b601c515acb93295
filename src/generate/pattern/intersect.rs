//! Whether two patterns can hold in one string (`allOf` of two `pattern`s): a breadth-first
//! search over the product of their lazy DFAs (regex-automata), bounded in states. Only a
//! search that ends without meeting a string both accept proves them disjoint; anything
//! beyond the bounds (look-arounds, back-references, `\b` next to non-ASCII, too many
//! states) leaves the question open, and the values are then checked one by one.

use std::collections::{HashSet, VecDeque};

use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::{Anchored, Input};

use super::ecma;

/// Product states visited at most before giving up.
const MAX_PRODUCT_STATES: usize = 20_000;
/// Memory of each lazy DFA's state cache; a search that would clear it gives up instead.
const CACHE_BYTES: usize = 4 << 20;

/// Where one pattern's automaton is: still looking for a match, or past one (search
/// semantics: once a match has ended, whatever follows keeps the string valid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Progress {
    Searching(LazyStateID),
    Matched,
}

/// One pattern's automaton, read as generation reads it (the narrow classes every validator
/// agrees on: a string outside it is not valid for all of them).
struct Automaton {
    dfa: DFA,
    cache: Cache,
}

impl Automaton {
    fn new(pattern: &str) -> Option<Automaton> {
        let translation = ecma::translate(pattern).ok()?;
        if translation.verify.is_some() {
            return None;
        }
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .cache_capacity(CACHE_BYTES)
                    .minimum_cache_clear_count(Some(0))
                    .unicode_word_boundary(true),
            )
            .build(&translation.generate)
            .ok()?;
        let cache = dfa.create_cache();
        Some(Automaton { dfa, cache })
    }

    fn start(&mut self) -> Option<Progress> {
        let input = Input::new("").anchored(Anchored::No);
        let id = self.dfa.start_state_forward(&mut self.cache, &input).ok()?;
        Some(Progress::Searching(id))
    }

    /// The state after `byte`: `Err` to give up, `Ok(None)` when no match can follow.
    fn step(&mut self, at: Progress, byte: u8) -> Result<Option<Progress>, ()> {
        let Progress::Searching(id) = at else {
            return Ok(Some(Progress::Matched));
        };
        let next = self
            .dfa
            .next_state(&mut self.cache, id, byte)
            .map_err(|_| ())?;
        if next.is_quit() || next.is_unknown() {
            return Err(());
        }
        Ok(if next.is_dead() {
            None
        } else if next.is_match() {
            Some(Progress::Matched)
        } else {
            Some(Progress::Searching(next))
        })
    }

    /// Whether the string read so far holds a match, when it ends here.
    fn accepts_at_end(&mut self, at: Progress) -> Result<bool, ()> {
        match at {
            Progress::Matched => Ok(true),
            Progress::Searching(id) => self
                .dfa
                .next_eoi_state(&mut self.cache, id)
                .map(|eoi| eoi.is_match())
                .map_err(|_| ()),
        }
    }
}

/// Whether no string holds a match of both `a` and `b`, as proven by the search; `false`
/// when some string does or the search could not tell.
pub fn provably_disjoint(a: &str, b: &str) -> bool {
    search(a, b) == Some(false)
}

/// `Some(true)` when a string matches both, `Some(false)` when none does, `None` when the
/// automata or the budget cannot tell.
fn search(a: &str, b: &str) -> Option<bool> {
    let mut left = Automaton::new(a)?;
    let mut right = Automaton::new(b)?;
    // One byte per class of the joint partition: bytes in one class of both automata lead
    // to the same states.
    let mut seen_classes = HashSet::new();
    let bytes: Vec<u8> = (0..=255u8)
        .filter(|&byte| {
            seen_classes.insert((
                left.dfa.byte_classes().get(byte),
                right.dfa.byte_classes().get(byte),
            ))
        })
        .collect();
    let start = (left.start()?, right.start()?);
    let mut visited = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some((l, r)) = queue.pop_front() {
        if left.accepts_at_end(l).ok()? && right.accepts_at_end(r).ok()? {
            return Some(true);
        }
        for &byte in &bytes {
            let (Some(nl), Some(nr)) = (left.step(l, byte).ok()?, right.step(r, byte).ok()?) else {
                continue;
            };
            if visited.insert((nl, nr)) {
                if visited.len() > MAX_PRODUCT_STATES {
                    return None;
                }
                queue.push_back((nl, nr));
            }
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disjoint_patterns_are_proven() {
        for (a, b) in [
            ("^a+$", "^b+$"),
            (r"^\d{3}$", "^[a-z]+$"),
            ("^abc", "^abd"),
            ("x$", "y$"),
            (r"^[0-9]{5}$", r"^[0-9]{4}$"),
            ("^$", "a"),
        ] {
            assert_eq!(search(a, b), Some(false), "{a} and {b}");
        }
    }

    #[test]
    fn overlapping_patterns_are_found() {
        for (a, b) in [
            ("^a+$", "^a{3}$"),
            ("a", "b"),
            ("^ab", "b$"),
            (r"^\d+$", "^[0-5]{2}$"),
            ("^https://", r"\.com$"),
            ("^$", "^a*$"),
        ] {
            assert_eq!(search(a, b), Some(true), "{a} and {b}");
        }
    }

    #[test]
    fn beyond_the_automata_is_left_open() {
        assert_eq!(search("^(?!a)b$", "^a$"), None);
        assert_eq!(search(r"^(a)\1$", "^b+$"), None);
        assert!(!provably_disjoint("^(?!a)b$", "^a$"));
    }
}

//! Several patterns on one string (`allOf` of `pattern`s), on the product of their lazy
//! DFAs (regex-automata), bounded in states:
//!
//! - [`provably_disjoint`]: a breadth-first search; only one that ends without meeting a
//!   string both accept proves two patterns disjoint. Anything beyond the bounds
//!   (look-arounds, back-references, `\b` next to non-ASCII, too many states) leaves the
//!   question open, and the values are then checked one by one.
//! - [`Walk`]: the product explored over printable ASCII at compile time, with the exact
//!   lengths each state can still reach acceptance in; generation walks it, so every
//!   string is in the intersection by construction.

use std::collections::{HashMap, HashSet, VecDeque};

use rand::RngExt;

use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::{Anchored, Input};

use super::ecma;
use crate::rng::SynthRng;

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
    /// Accepts the strings the pattern does not match (`not: {"pattern": ...}`).
    negated: bool,
}

impl Automaton {
    fn new(pattern: &str, negated: bool) -> Option<Automaton> {
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
        Some(Automaton {
            dfa,
            cache,
            negated,
        })
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
        // Negated, a match is the end and a dead state (no match can come) is settled.
        Ok(match (next.is_dead(), next.is_match(), self.negated) {
            (true, _, false) | (_, true, true) => None,
            (true, _, true) | (_, true, false) => Some(Progress::Matched),
            _ => Some(Progress::Searching(next)),
        })
    }

    /// Whether the string read so far holds a match, when it ends here.
    fn accepts_at_end(&mut self, at: Progress) -> Result<bool, ()> {
        match at {
            Progress::Matched => Ok(true),
            Progress::Searching(id) => self
                .dfa
                .next_eoi_state(&mut self.cache, id)
                .map(|eoi| eoi.is_match() != self.negated)
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
    let mut left = Automaton::new(a, false)?;
    let mut right = Automaton::new(b, false)?;
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

/// Product states a [`Walk`] keeps at most (each holds 95 transitions).
const MAX_WALK_STATES: usize = 4096;
/// The longest string a walk plans for (its length table has one layer per character).
const MAX_WALK_LEN: usize = 1024;
/// Lengths beyond `minLength` a walk plans for.
const WALK_SLACK: usize = 64;
/// Readable output: lengths up to this many above the shortest one are drawn.
const WALK_READABLE_EXTRA: usize = 8;
/// Printable ASCII, the characters a walk writes.
const FIRST: u8 = 0x20;
const PRINTABLE: usize = 95;
const NONE: u32 = u32::MAX;

/// Generation from the intersection of patterns: a walk over their product automaton,
/// one printable ASCII character at a time, each chosen among those from which an accepted
/// string of the remaining length exists.
#[derive(Debug, Clone)]
pub(super) struct Walk {
    /// Per state, per printable ASCII character: the next state, or `NONE`.
    next: Vec<[u32; PRINTABLE]>,
    /// Per state, `words` 64-bit words: bit `k` when exactly `k` more characters can end
    /// in a string every pattern accepts.
    reach: Vec<u64>,
    words: usize,
    /// Total lengths to draw from.
    pub(super) lengths: Vec<usize>,
    /// Whether some string can hold `"` or `\`.
    pub(super) may_need_escape: bool,
}

impl Walk {
    /// The walk for strings that match every one of `patterns` and none of `avoided`
    /// within the length bounds, or `None` when the automata or the budget cannot build one
    /// (the patterns are then generated one and checked).
    pub(super) fn new(
        patterns: &[&str],
        avoided: &[&str],
        min_len: usize,
        max_len: Option<usize>,
    ) -> Option<Walk> {
        let mut automata: Vec<Automaton> = patterns
            .iter()
            .map(|p| Automaton::new(p, false))
            .chain(avoided.iter().map(|p| Automaton::new(p, true)))
            .collect::<Option<_>>()?;
        if automata.is_empty() {
            return None;
        }
        let start: Vec<Progress> = automata
            .iter_mut()
            .map(Automaton::start)
            .collect::<Option<_>>()?;
        let cap = min_len
            .saturating_add(WALK_SLACK)
            .min(max_len.unwrap_or(usize::MAX));
        if cap < min_len || cap > MAX_WALK_LEN {
            return None;
        }
        let mut index = HashMap::from([(start.clone(), 0u32)]);
        let mut states = vec![start];
        let mut next = Vec::new();
        let mut accepts = Vec::new();
        let mut i = 0;
        while i < states.len() {
            let state = states[i].clone();
            let mut row = [NONE; PRINTABLE];
            'bytes: for (slot, byte) in row.iter_mut().zip(FIRST..) {
                let mut to = Vec::with_capacity(automata.len());
                for (automaton, &at) in automata.iter_mut().zip(&state) {
                    match automaton.step(at, byte).ok()? {
                        Some(progress) => to.push(progress),
                        None => continue 'bytes,
                    }
                }
                let id = match index.get(&to) {
                    Some(&id) => id,
                    None => {
                        if states.len() >= MAX_WALK_STATES {
                            return None;
                        }
                        let id = states.len() as u32;
                        index.insert(to.clone(), id);
                        states.push(to);
                        id
                    }
                };
                *slot = id;
            }
            let mut accepted = true;
            for (automaton, &at) in automata.iter_mut().zip(&state) {
                accepted &= automaton.accepts_at_end(at).ok()?;
            }
            next.push(row);
            accepts.push(accepted);
            i += 1;
        }
        // Lengths by layers: `k` more characters reach acceptance from a state when one
        // of its characters leads to a state that does with `k - 1`.
        let words = cap / 64 + 1;
        let mut reach = vec![0u64; states.len() * words];
        let mut layer: Vec<bool> = accepts.clone();
        for k in 0..=cap {
            if k > 0 {
                layer = next
                    .iter()
                    .map(|row| row.iter().any(|&n| n != NONE && layer[n as usize]))
                    .collect();
            }
            for (s, _) in layer.iter().enumerate().filter(|(_, on)| **on) {
                reach[s * words + k / 64] |= 1 << (k % 64);
            }
        }
        let reachable = |k: usize| reach[k / 64] >> (k % 64) & 1 == 1;
        let shortest = (min_len..=cap).find(|&k| reachable(k))?;
        let lengths: Vec<usize> = (shortest..=cap.min(shortest + WALK_READABLE_EXTRA))
            .filter(|&k| reachable(k))
            .collect();
        let may_need_escape = next.iter().any(|row| {
            [b'"', b'\\']
                .iter()
                .any(|&b| row[usize::from(b - FIRST)] != NONE)
        });
        Some(Walk {
            next,
            reach,
            words,
            lengths,
            may_need_escape,
        })
    }

    fn reaches(&self, state: u32, k: usize) -> bool {
        self.reach[state as usize * self.words + k / 64] >> (k % 64) & 1 == 1
    }

    /// Appends one string of the intersection.
    pub(super) fn generate(&self, rng: &mut SynthRng, out: &mut String) {
        let len = if self.lengths.len() == 1 {
            self.lengths[0]
        } else {
            self.lengths[rng.random_range(0..self.lengths.len())]
        };
        let mut state = 0u32;
        for left in (0..len).rev() {
            let row = &self.next[state as usize];
            let fits = |i: &usize| row[*i] != NONE && self.reaches(row[*i], left);
            // Letters and digits read better: 7 draws in 8 when one fits.
            let alnum = |i: &usize| char::from(FIRST + *i as u8).is_ascii_alphanumeric();
            let count_alnum = (0..PRINTABLE).filter(|i| fits(i) && alnum(i)).count();
            let count = (0..PRINTABLE).filter(fits).count();
            let i = if count_alnum > 0 && (count_alnum == count || !rng.random_ratio(1, 8)) {
                let k = rng.random_range(0..count_alnum);
                (0..PRINTABLE).filter(|i| fits(i) && alnum(i)).nth(k)
            } else if count > 0 {
                let k = rng.random_range(0..count);
                (0..PRINTABLE).filter(fits).nth(k)
            } else {
                None
            };
            // Planning guarantees a character fits; should none, stop rather than panic.
            let Some(i) = i else { return };
            out.push(char::from(FIRST + i as u8));
            state = row[i];
        }
    }
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
    fn walks_write_strings_of_every_pattern() {
        for (patterns, min, max) in [
            (&["^[a-z]+$", "^.{3,5}$"][..], 0, None),
            (&["^https://", r"\.com$"], 0, None),
            (&["^https://", r"\.com$"], 20, Some(24)),
            (&[r"^\d+$", "^[0-5]{2}$"], 0, None),
            (&["[A-Z]", "[0-9]", "^.{8}$"], 0, None),
            (&[r"^[a-z]+(-[a-z]+)*$", "^.{0,12}$", "x"], 4, None),
        ] {
            let walk = Walk::new(patterns, &[], min, max).expect("a walk");
            let regexes: Vec<regex::Regex> = patterns
                .iter()
                .map(|p| regex::Regex::new(p).unwrap())
                .collect();
            for i in 0..300 {
                let mut s = String::new();
                walk.generate(&mut crate::rng::rng_for(i), &mut s);
                let len = s.chars().count();
                assert!(
                    len >= min && max.is_none_or(|m| len <= m),
                    "{s:?} for {patterns:?}"
                );
                for re in &regexes {
                    assert!(re.is_match(&s), "{s:?} for {patterns:?}");
                }
            }
        }
        assert!(Walk::new(&["^a+$", "^b+$"], &[], 0, None).is_none());
        assert!(Walk::new(&["^a{3}$", "^a+$"], &[], 4, None).is_none());
        assert!(Walk::new(&["^(?!a)b$", "b"], &[], 0, None).is_none());
    }

    /// `not: {"pattern": ...}`: no string of the walk holds a match of an avoided pattern.
    #[test]
    fn walks_avoid_patterns() {
        let avoided = [r"[ ~^:?*\[\\]", r"\.\.", r"@\{"];
        let regexes: Vec<regex::Regex> = avoided
            .iter()
            .map(|p| regex::Regex::new(p).unwrap())
            .collect();
        for (patterns, min) in [(&[][..], 1), (&["^[a-z.@{]+$"][..], 6)] {
            let walk = Walk::new(patterns, &avoided, min, None).expect("a walk");
            for i in 0..300 {
                let mut s = String::new();
                walk.generate(&mut crate::rng::rng_for(i), &mut s);
                assert!(s.len() >= min, "{s:?}");
                for re in &regexes {
                    assert!(!re.is_match(&s), "{s:?} matches {re}");
                }
            }
        }
        assert!(Walk::new(&["^a"], &["a"], 0, None).is_none());
    }

    #[test]
    fn beyond_the_automata_is_left_open() {
        assert_eq!(search("^(?!a)b$", "^a$"), None);
        assert_eq!(search(r"^(a)\1$", "^b+$"), None);
        assert!(!provably_disjoint("^(?!a)b$", "^a$"));
    }
}

//! Character classes as sets of code point ranges, drawn from so that printable ASCII is
//! preferred and huge classes stay readable.

use rand::RngExt;

use super::node::Wordness;
use crate::rng::SynthRng;

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
pub(super) struct CharClass {
    /// The class's printable ASCII characters.
    preferred: CharPool,
    /// Its other characters (narrowed to readable ones when there are very many).
    other: CharPool,
    pub(super) wordness: Wordness,
}

impl CharClass {
    /// `unicode_word`: Unicode `\w`, when word-ness matters for this pattern.
    pub(super) fn new(ranges: &Ranges, unicode_word: Option<&Ranges>) -> CharClass {
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

    /// The members that unique values are enumerated from: the printable ASCII ones
    /// where there are any (what readable output is made of), else the others.
    fn enumerated(&self) -> &CharPool {
        if self.preferred.size > 0 {
            &self.preferred
        } else {
            &self.other
        }
    }

    /// How many characters [`CharClass::nth`] enumerates.
    pub(super) fn count(&self) -> u64 {
        u64::from(self.enumerated().size)
    }

    /// How many characters [`CharClass::sample`] draws from: every member, but for a
    /// huge class cut to its readable part.
    pub(super) fn reachable(&self) -> u64 {
        u64::from(self.preferred.size) + u64::from(self.other.size)
    }

    /// The `k`-th enumerated character (`k < count`).
    pub(super) fn nth(&self, k: u64) -> char {
        self.enumerated().nth(k as u32)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.preferred.size == 0 && self.other.size == 0
    }

    /// Whether a member is a character JSON must escape (`"`, `\`, a control character).
    pub(super) fn may_need_escape(&self) -> bool {
        let escaped = |(lo, hi): (u32, u32)| {
            lo < 0x20
                || [u32::from(b'"'), u32::from(b'\\')]
                    .iter()
                    .any(|c| (lo..=hi).contains(c))
        };
        self.preferred
            .ranges()
            .chain(self.other.ranges())
            .any(escaped)
    }

    /// Printable ASCII members get 7 draws in 8 when the class has both kinds, whatever their
    /// share: `\s` gives mostly spaces, `.` mostly ASCII, `\p{L}` mostly `a-zA-Z`.
    pub(super) fn sample(&self, rng: &mut SynthRng) -> char {
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
    pub(super) fn sample_run(&self, len: usize, rng: &mut SynthRng, out: &mut String) {
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
    /// The inclusive code point ranges it draws from.
    fn ranges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.starts.iter().enumerate().map(|(i, &(first, before))| {
            let next = self.starts.get(i + 1).map_or(self.size, |&(_, b)| b);
            (first, first + (next - before) - 1)
        })
    }

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
        self.nth(rng.random_range(0..self.size))
    }

    /// The `k`-th member in code point order (`k < size`).
    fn nth(&self, k: u32) -> char {
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

//! Length planning: every node learns the exact set of lengths it can produce ([`LenSet`],
//! a bitset up to a cap), computed by a [`Planner`] that refuses patterns too costly to plan.

use super::node::{Kind, Node};
use super::{PLAN_MEMORY_WORDS, PLAN_WORK, PatternError, unsupported};

impl Node {
    /// Computes `lens` (and the per-part sets generation splits lengths with), bottom-up.
    pub(super) fn plan(&mut self, planner: &mut Planner) -> Result<(), PatternError> {
        let lens = match &mut self.kind {
            Kind::Empty | Kind::Assertion(_) => planner.single(0)?,
            Kind::Never => planner.empty()?,
            Kind::Literal(_) | Kind::Class(_) => planner.single(self.min)?,
            Kind::Capture { sub, .. } => {
                sub.plan(planner)?;
                sub.lens.clone()
            }
            // A copy of a variable group: any length between its bounds is planned, and
            // the candidate is checked (the copy has the length the group took).
            Kind::Backref(_) => {
                let mut lens = planner.empty()?;
                let most = self.max.unwrap_or(usize::MAX).min(planner.cap);
                for n in self.min..=most {
                    lens.insert(n);
                }
                lens
            }
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
}

/// A set of lengths `0..=cap` as a bitset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct LenSet {
    bits: Vec<u64>,
}

impl LenSet {
    pub(super) fn contains(&self, n: usize) -> bool {
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

    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
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
pub(super) struct Planner {
    cap: usize,
    words: usize,
    memory_left: usize,
    work_left: usize,
}

impl Planner {
    pub(super) fn new(cap: usize) -> Planner {
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

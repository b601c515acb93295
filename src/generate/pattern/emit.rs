//! Writing a match of an exact length: the length is split top-down among a node's parts so
//! that each part can produce its share, as planned.

use rand::RngExt;

use super::node::{Kind, Node};
use crate::rng::SynthRng;

/// Where the groups that back-references copy were written. Patterns without
/// back-references pass `()`, which records nothing and costs nothing.
pub(super) trait CaptureLog {
    fn record(&mut self, index: usize, span: (usize, usize));
    /// The byte range of `out` group `index` last wrote.
    fn span(&self, index: usize) -> Option<(usize, usize)>;
}

impl CaptureLog for () {
    #[inline(always)]
    fn record(&mut self, _: usize, _: (usize, usize)) {}
    #[inline(always)]
    fn span(&self, _: usize) -> Option<(usize, usize)> {
        None
    }
}

/// The spans of one candidate, per group number.
#[derive(Debug, Default)]
pub(super) struct Spans(Vec<Option<(usize, usize)>>);

impl Spans {
    pub(super) fn clear(&mut self) {
        self.0.clear();
    }
}

impl CaptureLog for Spans {
    fn record(&mut self, index: usize, span: (usize, usize)) {
        if self.0.len() <= index {
            self.0.resize(index + 1, None);
        }
        self.0[index] = Some(span);
    }

    fn span(&self, index: usize) -> Option<(usize, usize)> {
        self.0.get(index).copied().flatten()
    }
}

impl Node {
    /// Appends a match of exactly `len` code points; `len` must be in `self.lens`.
    #[inline]
    pub(super) fn emit<C: CaptureLog>(
        &self,
        len: usize,
        rng: &mut SynthRng,
        out: &mut String,
        log: &mut C,
    ) {
        // Leaves are handled inline: most calls are for single characters, and the composite
        // case's larger stack frame would dominate their cost.
        match &self.kind {
            Kind::Literal(text) => out.push_str(text),
            Kind::Class(class) => out.push(class.sample(rng)),
            _ => self.emit_composite(len, rng, out, log),
        }
    }

    #[inline(never)]
    fn emit_composite<C: CaptureLog>(
        &self,
        len: usize,
        rng: &mut SynthRng,
        out: &mut String,
        log: &mut C,
    ) {
        match &self.kind {
            Kind::Empty | Kind::Never | Kind::Assertion(_) => {}
            Kind::Literal(_) | Kind::Class(_) => self.emit(len, rng, out, log),
            Kind::Capture { index, sub } => {
                let start = out.len();
                sub.emit(len, rng, out, log);
                log.record(*index, (start, out.len()));
            }
            Kind::Backref(index) => {
                if let Some((start, end)) = log.span(*index) {
                    let copy = out[start..end].to_owned();
                    out.push_str(&copy);
                }
            }
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
                    item.emit(part, rng, out, log);
                    left -= part;
                }
            }
            Kind::Alt(options) => {
                let i = pick_length(0, options.len() - 1, rng, |i| options[i].lens.contains(len));
                options[i].emit(len, rng, out, log);
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
                        sub.emit(sub.min, rng, out, log);
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
                    sub.emit(part, rng, out, log);
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

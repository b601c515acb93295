//! Exact distinct counts and the most frequent values of one field.
//!
//! Every distinct value is stored once, in the hash table itself (strings in one shared
//! arena, so counting a value allocates nothing), and found again through a 64-bit
//! hash; a hash hit is confirmed by comparing the values, so the counts are exact.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::Value;

use crate::rng::splitmix;

/// A distinct scalar seen by a [`ValueCounter`].
#[derive(Debug, Clone, Copy)]
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A byte range of the counter's arena.
    Str {
        start: usize,
        len: usize,
    },
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    value: Scalar,
    count: u64,
}

/// Counts occurrences of each distinct boolean, number and string.
#[derive(Debug, Default)]
pub struct ValueCounter {
    /// By hash; a collision probes the next hash. The entries live in the table, so a
    /// lookup touches one place in memory, not two.
    entries: HashMap<u64, Entry, BuildHasherDefault<PreHashed>>,
    arena: String,
}

const TAG_BOOL: u64 = 1;
const TAG_NUMBER: u64 = 2;
const TAG_STR: u64 = 3;

impl ValueCounter {
    pub fn add_bool(&mut self, v: bool) {
        self.add(splitmix(TAG_BOOL ^ u64::from(v) << 8), Scalar::Bool(v), "");
    }

    pub fn add_int(&mut self, v: i64) {
        self.add(splitmix(TAG_NUMBER ^ v as u64), Scalar::Int(v), "");
    }

    /// An integral float counts as the same value as the equal integer.
    pub fn add_float(&mut self, v: f64) {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            self.add_int(v as i64);
        } else {
            self.add(splitmix(TAG_NUMBER ^ v.to_bits()), Scalar::Float(v), "");
        }
    }

    pub fn add_str(&mut self, v: &str) {
        let placeholder = Scalar::Str {
            start: 0,
            len: v.len(),
        };
        self.add(hash_bytes(v.as_bytes()) ^ TAG_STR, placeholder, v);
    }

    fn add(&mut self, mut hash: u64, value: Scalar, text: &str) {
        loop {
            match self.entries.get_mut(&hash) {
                Some(entry) if same(&self.arena, &entry.value, &value, text) => {
                    entry.count += 1;
                    return;
                }
                Some(_) => hash = hash.wrapping_add(1),
                None => break,
            }
        }
        let value = match value {
            Scalar::Str { len, .. } => {
                let start = self.arena.len();
                self.arena.push_str(text);
                Scalar::Str { start, len }
            }
            other => other,
        };
        self.entries.insert(hash, Entry { value, count: 1 });
    }

    /// How often `v` was seen (0 for values the counter does not count: null, arrays,
    /// objects).
    pub fn count_of(&self, v: &Value) -> u64 {
        let (mut hash, value, text) = match v {
            Value::Bool(b) => (
                splitmix(TAG_BOOL ^ u64::from(*b) << 8),
                Scalar::Bool(*b),
                "",
            ),
            Value::Number(n) => match n.as_i64() {
                Some(i) => (splitmix(TAG_NUMBER ^ i as u64), Scalar::Int(i), ""),
                None => {
                    let f = n.as_f64().unwrap_or(f64::NAN);
                    if f.fract() == 0.0 && f.abs() < 9.0e15 {
                        let i = f as i64;
                        (splitmix(TAG_NUMBER ^ i as u64), Scalar::Int(i), "")
                    } else {
                        (splitmix(TAG_NUMBER ^ f.to_bits()), Scalar::Float(f), "")
                    }
                }
            },
            Value::String(s) => (
                hash_bytes(s.as_bytes()) ^ TAG_STR,
                Scalar::Str {
                    start: 0,
                    len: s.len(),
                },
                s.as_str(),
            ),
            _ => return 0,
        };
        loop {
            match self.entries.get(&hash) {
                Some(entry) if same(&self.arena, &entry.value, &value, text) => return entry.count,
                Some(_) => hash = hash.wrapping_add(1),
                None => return 0,
            }
        }
    }

    /// How often each distinct value was seen, in no particular order.
    pub fn counts(&self) -> impl Iterator<Item = u64> + '_ {
        self.entries.values().map(|e| e.count)
    }

    /// How many distinct values were seen.
    pub fn distinct(&self) -> u64 {
        self.entries.len() as u64
    }

    /// The `k` most frequent values, most frequent first; ties in value order, so the
    /// result does not depend on the order values arrived in.
    pub fn top(&self, k: usize) -> Vec<(Value, u64)> {
        let by_rank = |a: &Entry, b: &Entry| {
            b.count
                .cmp(&a.count)
                .then_with(|| self.compare(&a.value, &b.value))
        };
        let mut entries: Vec<Entry> = self.entries.values().copied().collect();
        if entries.len() > k {
            entries.select_nth_unstable_by(k, by_rank);
            entries.truncate(k);
        }
        entries.sort_unstable_by(by_rank);
        entries
            .iter()
            .map(|e| (self.to_json(&e.value), e.count))
            .collect()
    }

    fn compare(&self, a: &Scalar, b: &Scalar) -> Ordering {
        fn rank(s: &Scalar) -> u8 {
            match s {
                Scalar::Bool(_) => 0,
                Scalar::Int(_) | Scalar::Float(_) => 1,
                Scalar::Str { .. } => 2,
            }
        }
        let number = |s: &Scalar| match *s {
            Scalar::Int(i) => i as f64,
            Scalar::Float(f) => f,
            _ => 0.0,
        };
        match (a, b) {
            (Scalar::Bool(x), Scalar::Bool(y)) => x.cmp(y),
            (Scalar::Str { .. }, Scalar::Str { .. }) => self.text(a).cmp(self.text(b)),
            _ if rank(a) == 1 && rank(b) == 1 => number(a).total_cmp(&number(b)),
            _ => rank(a).cmp(&rank(b)),
        }
    }

    fn text(&self, s: &Scalar) -> &str {
        match *s {
            Scalar::Str { start, len } => &self.arena[start..start + len],
            _ => "",
        }
    }

    fn to_json(&self, s: &Scalar) -> Value {
        match *s {
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::from(i),
            Scalar::Float(f) => Value::from(f),
            Scalar::Str { .. } => Value::String(self.text(s).to_owned()),
        }
    }
}

/// Whether a stored value equals a new one (`text` is the new string's text).
fn same(arena: &str, stored: &Scalar, new: &Scalar, text: &str) -> bool {
    match (stored, new) {
        (Scalar::Bool(a), Scalar::Bool(b)) => a == b,
        (Scalar::Int(a), Scalar::Int(b)) => a == b,
        (Scalar::Float(a), Scalar::Float(b)) => a.to_bits() == b.to_bits(),
        (Scalar::Str { start, len }, Scalar::Str { .. }) => &arena[*start..start + len] == text,
        _ => false,
    }
}

/// A fast hash of a byte string, eight bytes at a time (equality is checked on every
/// hit, so it need not be collision-free, only well spread).
fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        h = (h ^ word).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    splitmix(h)
}

/// The map's keys are already hashes: pass them through.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_exactly_and_ranks_ties_by_value() {
        let mut c = ValueCounter::default();
        for s in ["b", "a", "b", "c", "a", "b"] {
            c.add_str(s);
        }
        c.add_int(3);
        c.add_float(3.0);
        c.add_float(2.5);
        c.add_bool(true);
        assert_eq!(c.distinct(), 6);
        assert_eq!(
            c.top(3),
            vec![(json!("b"), 3), (json!(3), 2), (json!("a"), 2)]
        );
        let counts: Vec<u64> = [json!("b"), json!(3), json!(3.0), json!(2.5), json!(true)]
            .iter()
            .map(|v| c.count_of(v))
            .collect();
        assert_eq!(counts, [3, 2, 2, 1, 1]);
        for unseen in [json!("z"), json!(false), json!(4), json!(null), json!([1])] {
            assert_eq!(c.count_of(&unseen), 0, "{unseen}");
        }
    }

    #[test]
    fn colliding_hashes_stay_distinct() {
        let mut c = ValueCounter::default();
        // Force a collision: same hash, different strings.
        c.add(7, Scalar::Str { start: 0, len: 1 }, "x");
        c.add(7, Scalar::Str { start: 0, len: 1 }, "y");
        c.add(7, Scalar::Str { start: 0, len: 1 }, "y");
        assert_eq!(c.distinct(), 2);
        assert_eq!(c.top(5), vec![(json!("y"), 2), (json!("x"), 1)]);
    }

    #[test]
    fn many_distinct_strings() {
        let mut c = ValueCounter::default();
        for i in 0..10_000 {
            c.add_str(&format!("value-{i}"));
            c.add_str(&format!("value-{}", i % 100));
        }
        assert_eq!(c.distinct(), 10_000);
        assert_eq!(c.top(1)[0].1, 101);
    }
}

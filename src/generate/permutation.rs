//! A keyed permutation of `[0, n)`: row `i` gets the `i`-th element of a shuffled range,
//! so unique values need no memory of what was generated (and any thread can compute
//! any row's value). A balanced Feistel network over the next power of two, with cycle
//! walking to stay inside `[0, n)`.

use crate::rng::{mix, mix_prepared, prepare_salt};

#[derive(Debug, Clone, Copy)]
pub struct Permutation {
    n: u64,
    half_bits: u32,
    /// The round keys, prepared for [`mix_prepared`] (round `r` mixes with key `r`).
    keys: [u64; 4],
}

impl Permutation {
    pub fn new(n: u64, key: u64) -> Permutation {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        let keys = [1, 2, 3, 4].map(|r| prepare_salt(mix(key, r)));
        Permutation { n, half_bits, keys }
    }

    /// The size of the permuted range.
    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The image of `i` (taken modulo `n`).
    pub fn apply(&self, i: u64) -> u64 {
        if self.n <= 1 {
            return 0;
        }
        let mut x = i % self.n;
        // Cycle walking: the Feistel domain is at most 4n, so this ends quickly.
        loop {
            x = self.feistel(x);
            if x < self.n {
                return x;
            }
        }
    }

    fn feistel(&self, x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        let mut left = (x >> self.half_bits) & mask;
        let mut right = x & mask;
        for k in self.keys {
            let next = left ^ (mix_prepared(right, k) & mask);
            left = right;
            right = next;
        }
        (left << self.half_bits) | right
    }
}

/// Base-36 digits of `n` (at most 13, the length of `u64::MAX`), for making strings
/// unique; written into `buf`, whose tail they occupy.
pub fn base36(mut n: u64, buf: &mut [u8; 13]) -> &str {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    // ASCII digits and letters only.
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_bijection() {
        for n in [1u64, 2, 3, 10, 97, 1000, 4096, 5000] {
            let p = Permutation::new(n, 42);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = p.apply(i) as usize;
                assert!(!seen[j], "n={n}: {j} twice");
                seen[j] = true;
            }
        }
    }

    #[test]
    fn base36_digits() {
        let mut buf = [0; 13];
        assert_eq!(base36(0, &mut buf), "0");
        assert_eq!(base36(35, &mut buf), "z");
        assert_eq!(base36(36, &mut buf), "10");
        assert_eq!(base36(u64::MAX, &mut buf), "3w5e11264sgsf");
    }
}

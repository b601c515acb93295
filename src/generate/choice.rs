//! Weighted choice among a few alternatives, driven by a key rather than an RNG so that
//! a choice never disturbs any other draw.

/// Turns a 64-bit key into a uniform number in [0, 1).
#[inline]
pub fn unit(key: u64) -> f64 {
    (key >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Cumulative weights, normalised to end at 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    cumulative: Vec<f64>,
}

impl Choice {
    /// `weights` must be non-negative with a positive sum (the knob parser checks).
    pub fn new(weights: &[f64]) -> Choice {
        let total: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cumulative = weights
            .iter()
            .map(|w| {
                acc += w / total;
                acc
            })
            .collect();
        Choice { cumulative }
    }

    pub fn uniform(n: usize) -> Choice {
        Choice::new(&vec![1.0; n])
    }

    /// The index chosen by `u` in [0, 1).
    #[inline]
    pub fn pick(&self, u: f64) -> usize {
        let i = self.cumulative.partition_point(|&c| c <= u);
        i.min(self.cumulative.len() - 1)
    }

    /// Each alternative's share.
    pub fn shares(&self) -> Vec<f64> {
        let mut prev = 0.0;
        self.cumulative
            .iter()
            .map(|&c| {
                let s = c - prev;
                prev = c;
                s
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_by_weight_and_never_zero_weight() {
        let c = Choice::new(&[1.0, 0.0, 3.0]);
        assert_eq!(c.pick(0.0), 0);
        assert_eq!(c.pick(0.2499), 0);
        assert_eq!(c.pick(0.25), 2);
        assert_eq!(c.pick(0.999_999), 2);
        let shares = c.shares();
        assert!((shares[0] - 0.25).abs() < 1e-12 && shares[1] == 0.0);
    }
}

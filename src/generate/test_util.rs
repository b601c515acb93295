//! Helpers shared by the generators' unit tests.

use crate::rng::{SynthRng, rng_for};

/// `count` strings written by `generate`, each into a fresh `String`, all from one RNG
/// seeded with `key`: the same arguments give the same strings.
pub(crate) fn draw_strings(
    key: u64,
    count: usize,
    mut generate: impl FnMut(&mut SynthRng, &mut String),
) -> Vec<String> {
    let mut rng = rng_for(key);
    (0..count)
        .map(|_| {
            let mut out = String::new();
            generate(&mut rng, &mut out);
            out
        })
        .collect()
}

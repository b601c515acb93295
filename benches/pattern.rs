//! Time per generated value of `PatternGen` for typical JSON Schema patterns.
//! Run: `cargo bench --bench pattern` (add `--no-default-features` to skip building parquet).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use synthtune::generate::pattern::PatternGen;
use synthtune::rng::rng_for;

const PATTERNS: &[(&str, &str, usize, Option<usize>)] = &[
    ("sku", r"^SKU-[A-Z0-9]{6}$", 0, None),
    ("zip", r"^[0-9]{5}$", 0, None),
    ("phone", r"^\+1-[0-9]{3}-[0-9]{3}-[0-9]{4}$", 0, None),
    (
        "uuid",
        r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$",
        0,
        None,
    ),
    ("iban", r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{12,30}$", 0, None),
    ("username", r"^[a-z][a-z0-9_]{2,15}$", 0, None),
    ("padded_search", "abc", 20, Some(30)),
    ("alternation_star", "(?:ab|cd)*x", 0, None),
    ("email", r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", 0, None),
    ("unicode_letters", r"^\p{L}{4,12}$", 0, None),
];

fn generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("pattern");
    for &(name, pattern, min_len, max_len) in PATTERNS {
        let generator = match PatternGen::new(pattern, min_len, max_len) {
            Ok(generator) => generator,
            Err(error) => panic!("{pattern}: {error}"),
        };
        let mut rng = rng_for(7);
        let mut out = String::with_capacity(256);
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                generator.generate(&mut rng, &mut out);
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);

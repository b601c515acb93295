//! Property: for random schemas from a grammar of the supported keywords and `x-synth`
//! knobs (tests/random_schemas/grammar.rs), synthtune either refuses the schema with a
//! proper `Problem` (a pointer into the schema, a message) or every record it generates
//! validates with the `jsonschema` crate, unless the row reports noise or fails with
//! the documented `GenerationError` (tests/random_schemas/invariant.rs). A panic is a
//! failure too; proptest shrinks the choices, and so the schema, to a minimal case.
//!
//! The default run is 1,024 cases from a fixed seed (5 s in a debug build), the same on
//! every run; `PROPTEST_CASES=5000 PROPTEST_RNG_SEED=$RANDOM cargo test --test
//! proptest_schemas` explores further.

mod random_schemas;

use arbitrary::Unstructured;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use random_schemas::grammar;
use random_schemas::invariant::{Outcome, check_value};

/// Cases per run unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 1024;

/// The choices one schema is read from: enough for the grammar's deepest schemas.
const MAX_CHOICES: usize = 1024;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// A fixed seed unless `PROPTEST_RNG_SEED` gives one: CI repeats the same cases.
fn rng_seed() -> RngSeed {
    match std::env::var_os("PROPTEST_RNG_SEED") {
        Some(_) => ProptestConfig::default().rng_seed,
        None => RngSeed::Fixed(2024),
    }
}

fn schema_of(choices: &[u8]) -> serde_json::Value {
    grammar::schema(&mut Unstructured::new(choices)).expect("the grammar reads any choices")
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        // The minimal case is what matters, and is committed as a regression test.
        failure_persistence: None,
        rng_seed: rng_seed(),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_record_validates_or_the_schema_is_refused(
        choices in prop::collection::vec(any::<u8>(), 0..MAX_CHOICES)
    ) {
        let schema = schema_of(&choices);
        if let Err(violation) = check_value(&schema) {
            prop_assert!(false, "{violation}\nschema: {schema}");
        }
    }
}

/// The grammar is worth its cases: of schemas from fixed choices, many generate rows
/// the `jsonschema` crate checks, and many are refused (a property over schemas that
/// are all refused, or all trivial, could not fail).
#[test]
fn the_grammar_reaches_both_outcomes() {
    // SplitMix64: fixed choices, the same on every run.
    let mut state = 7u64;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let (mut generated, mut refused, mut keywords) = (0, 0, 0);
    const SCHEMAS: usize = 100;
    for _ in 0..SCHEMAS {
        let choices: Vec<u8> = (0..MAX_CHOICES).map(|_| next() as u8).collect();
        let schema = schema_of(&choices);
        keywords += schema.to_string().matches("\":").count();
        match check_value(&schema) {
            Ok(Outcome::Generated {
                validated: true, ..
            }) => generated += 1,
            Ok(Outcome::Generated {
                validated: false, ..
            }) => {}
            Ok(Outcome::Refused(_)) => refused += 1,
            Err(violation) => panic!("{violation}\nschema: {schema}"),
        }
    }
    assert!(
        generated >= SCHEMAS / 4 && refused >= SCHEMAS / 20,
        "{generated} of {SCHEMAS} schemas generated checked rows, {refused} were refused"
    );
    assert!(
        keywords >= SCHEMAS * 5,
        "{keywords} keywords in {SCHEMAS} schemas: the grammar builds trivial schemas"
    );
}

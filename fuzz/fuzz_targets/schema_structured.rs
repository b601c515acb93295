//! Schemas built from the keyword and `x-synth` vocabulary
//! (tests/random_schemas/grammar.rs), through compile, generation and validation
//! (tests/random_schemas/invariant.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use synthtune_fuzz::{grammar, invariant};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(schema) = grammar::schema(&mut u) else {
        return;
    };
    if let Err(violation) = invariant::check_value(&schema) {
        panic!("{violation}\nschema: {schema}");
    }
});

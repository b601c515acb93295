//! Schemas built from the keyword and `x-synth` vocabulary
//! (tests/random_schemas/grammar.rs), through compile, generation and validation
//! (tests/random_schemas/invariant.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use synthtune_fuzz::{grammar, invariant, on_checker};

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(schema) = grammar::schema(&mut u) else {
        return;
    };
    if let Err(violation) = on_checker(move || {
        invariant::check_value(&schema).map_err(|v| format!("{v}\nschema: {schema}"))
    }) {
        panic!("{violation}");
    }
});

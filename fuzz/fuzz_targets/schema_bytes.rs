//! Arbitrary bytes as a schema file, through the path the commands take: load, compile,
//! generate a few rows, validate them (tests/random_schemas/invariant.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use synthtune_fuzz::{invariant, on_checker, schema_path};

fuzz_target!(|data: &[u8]| {
    let path = schema_path();
    std::fs::write(path, data).expect("write the schema file");
    if let Err(violation) = on_checker(|| invariant::check_file(path)) {
        panic!("{violation}");
    }
});

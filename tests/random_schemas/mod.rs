//! Random schemas and what must hold of them, shared by the property tests
//! (tests/proptest_schemas.rs), the fuzz regressions (tests/fuzz_regressions.rs) and the
//! fuzz targets (fuzz/, which include this folder by path).

// Each user needs a part of it.
#![allow(dead_code)]

pub mod grammar;
pub mod invariant;

//! What the fuzz targets share: the schema grammar and the invariant, the very files the
//! property tests use (tests/random_schemas), so that both check one property.

#[path = "../../tests/random_schemas/mod.rs"]
pub mod random_schemas;

use std::path::PathBuf;
use std::sync::OnceLock;

pub use random_schemas::{grammar, invariant};

/// A file of its own per process (libFuzzer's `-fork` and `-jobs` run several), in a
/// folder of its own: the schema's folder is where its sibling files are looked for.
pub fn schema_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("synthtune-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz folder");
        dir.join("schema.json")
    })
}

//! A custom synthesizer in Rust, named from a schema:
//!
//!     cargo run --example custom_synthesizer
//!
//! The schema below asks for `"x-synth": {"synthesizer": "license_plate"}`; this binary
//! registers a generator under that name and prints a few records. Values are still
//! validated against the field's schema (here, its pattern).

use std::sync::Arc;

use rand::RngExt;
use serde_json::{Value, json};
use synthtune::rng::SynthRng;
use synthtune::synthesizer::{Synthesizer, Synthesizers};
use synthtune::{Options, Table};

/// French-style plates: `AB-123-CD`.
#[derive(Debug)]
struct LicensePlate;

impl Synthesizer for LicensePlate {
    fn generate(&self, rng: &mut SynthRng, _row: u64) -> Value {
        let letter = |rng: &mut SynthRng| char::from(b'A' + rng.random_range(0..26u8));
        let plate = format!(
            "{}{}-{:03}-{}{}",
            letter(rng),
            letter(rng),
            rng.random_range(0..1000),
            letter(rng),
            letter(rng)
        );
        Value::String(plate)
    }
}

fn main() -> anyhow::Result<()> {
    let schema = json!({
        "title": "Car",
        "type": "object",
        "properties": {
            "plate": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}-[A-Z]{2}$", "x-synth": {"synthesizer": "license_plate"}},
            "seats": {"type": "integer", "minimum": 2, "maximum": 9}
        },
        "required": ["plate", "seats"]
    });
    let mut synthesizers = Synthesizers::default();
    synthesizers.register("license_plate", Arc::new(LicensePlate));
    let options = Options {
        synthesizers,
        ..Options::default()
    };
    let dir = std::env::temp_dir().join("synthtune-example");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("car.json");
    std::fs::write(&path, serde_json::to_string_pretty(&schema)?)?;
    let table = Table::load_with(&path, &options)?;
    for row in 0..5 {
        println!("{}", table.row_value(synthtune::DEFAULT_SEED, row));
    }
    Ok(())
}

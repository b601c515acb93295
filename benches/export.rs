//! Export throughput: ndjson of the example tables into `io::sink`, on 1 and 2 threads.
//! The ratio of the two is the parallel speed-up (target: 2 threads ≥ 1.8× one).
//! `foreign_key`: order.json with its foreign key linked to customer.json, and the same
//! table with the key's `references` removed (target: linked ≥ 90 % of the rows/s).
//! `rules`: the SubscriptionLifecycle model (tests/fixtures/subscription_lifecycle.json)
//! with its cross-field rules, and without them (target: with ≥ 85 % of the rows/s).
//!
//!     cargo bench --bench export

use std::hint::black_box;
use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use synthtune::export::{ExportOptions, Format, TableRows, export_to_writer};
use synthtune::{Dataset, RowCounts, Table};

const ROWS: u64 = 50_000;
const EXAMPLES: [&str; 3] = ["customer", "order", "event"];

fn ndjson(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut group = c.benchmark_group("export_ndjson");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS));
    for name in EXAMPLES {
        let path = dir.join(format!("{name}.json"));
        let table = match Table::load(&path) {
            Ok(table) => table,
            Err(error) => {
                eprintln!("skipping {name}: {error}");
                continue;
            }
        };
        let source = TableRows {
            table: &table,
            seed: synthtune::DEFAULT_SEED,
        };
        for threads in [1, 2] {
            let opts = options(threads);
            group.bench_with_input(
                BenchmarkId::new(name, format!("{threads} threads")),
                &opts,
                |b, opts| {
                    b.iter(|| {
                        export_to_writer(&source, opts, &mut std::io::sink())
                            .map(|s| black_box(s.bytes))
                    })
                },
            );
        }
    }
    group.finish();
}

fn options(threads: usize) -> ExportOptions {
    ExportOptions {
        rows: Some(ROWS),
        format: Format::Ndjson,
        threads,
        quiet: true,
        ..ExportOptions::default()
    }
}

/// Orders whose customer_id references 1,000,000 customers (zipf fan-out), against the
/// same orders drawing customer_id from the field's own schema.
fn foreign_key(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let load = |name: &str| Table::load(&dir.join(format!("{name}.json"))).expect("bundled schema");
    let counts = RowCounts {
        all: None,
        by_table: vec![("Customer".into(), 1_000_000), ("Order".into(), ROWS)],
    };
    let linked = Dataset::new(vec![load("order"), load("customer")], &counts)
        .expect("order.json links to customer.json")
        .tables
        .swap_remove(0);
    let mut document = linked.document().clone();
    let knobs = document["properties"]["customer_id"]["x-synth"]
        .as_object_mut()
        .expect("customer_id has knobs");
    knobs.remove("references");
    knobs.remove("fanout");
    let plain = Table::from_value(document, Some(&dir)).expect("order without its key");
    let mut group = c.benchmark_group("foreign_key");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS));
    for (name, table) in [("order linked", &linked), ("order without key", &plain)] {
        let source = TableRows {
            table,
            seed: synthtune::DEFAULT_SEED,
        };
        let opts = options(1);
        group.bench_function(name, |b| {
            b.iter(|| {
                export_to_writer(&source, &opts, &mut std::io::sink()).map(|s| black_box(s.bytes))
            })
        });
    }
    group.finish();
}

/// The same table with and without its `after`, `before`, `when` and `derive` rules.
fn rules(c: &mut Criterion) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/subscription_lifecycle.json");
    let ruled: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the fixture")).expect("JSON");
    let mut plain = ruled.clone();
    for property in plain["properties"]
        .as_object_mut()
        .expect("properties")
        .values_mut()
    {
        if let Some(knobs) = property.get_mut("x-synth").and_then(|k| k.as_object_mut()) {
            for rule in ["after", "before", "when", "derive"] {
                knobs.remove(rule);
            }
        }
    }
    let mut group = c.benchmark_group("rules");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS));
    for (name, schema) in [("with rules", ruled), ("without", plain)] {
        let table = Table::from_value(schema, None).expect("the fixture compiles");
        let source = TableRows {
            table: &table,
            seed: synthtune::DEFAULT_SEED,
        };
        let opts = options(1);
        group.bench_function(name, |b| {
            b.iter(|| {
                export_to_writer(&source, &opts, &mut std::io::sink()).map(|s| black_box(s.bytes))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, ndjson, foreign_key, rules);
criterion_main!(benches);

//! The tuner's regenerate-and-summarise step: load a schema, generate a 10,000-row
//! sample and summarise it (what happens on every save) for each bundled schema in
//! `schemas/` (order.json is the one with a budget: well under 100 ms), plus the
//! summarising alone on order-shaped records, so that the statistics engine's share
//! is visible whatever state the generator is in.
//!
//! `cargo bench --bench regenerate`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::RngExt;
use serde_json::{Value, json};
use synthtune::Table;
use synthtune::rng::rng_for;
use synthtune::sink::Sink;
use synthtune::stats::{Collector, SampleOptions, summarize};

const ROWS: u64 = 10_000;
const SCHEMAS: [&str; 3] = ["order.json", "customer.json", "event.json"];

fn regenerate(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for name in SCHEMAS {
        let path = dir.join(name);
        // A schema the compiler cannot take yet is skipped, not a failed bench.
        if let Err(e) = Table::load(&path) {
            eprintln!("skipping {name}: {e}");
            continue;
        }
        c.bench_function(&format!("load + summarise {name}, 10k rows"), |b| {
            b.iter(|| {
                let table = Table::load(&path).expect("loaded a moment ago");
                black_box(summarize(&table, &SampleOptions::new(42, ROWS)).unwrap())
            })
        });
    }
}

/// Records shaped like order.json's, made up here so that the statistics engine can be
/// measured whatever state the generator is in.
fn order_like_rows() -> Vec<Value> {
    (0..ROWS)
        .map(|row| {
            let mut rng = rng_for(row);
            let items: Vec<Value> = (0..rng.random_range(1..6))
                .map(|_| {
                    json!({
                        "sku": format!("SKU-{:06X}", rng.random_range(0..0xFFFFFFu32)),
                        "quantity": rng.random_range(1..50),
                        "unit_price": (rng.random_range(1.0..5000.0f64) * 100.0).round() / 100.0,
                    })
                })
                .collect();
            let status = ["new", "paid", "shipped", "delivered", "returned"][rng.random_range(0..5)];
            let mut record = json!({
                "order_id": format!("{:032x}", rng.random::<u128>()),
                "customer_id": rng.random_range(1..100_000),
                "placed_at": format!("2025-{:02}-{:02}T{:02}:{:02}:{:02}Z", rng.random_range(1..13), rng.random_range(1..29), rng.random_range(0..24), rng.random_range(0..60), rng.random_range(0..60)),
                "status": status,
                "payment": {"kind": "card", "network": "visa", "last4": format!("{:04}", rng.random_range(0..10_000))},
                "items": items,
                "coupon": if rng.random_bool(0.85) { Value::Null } else { json!("ABCD-1234") },
            });
            if rng.random_bool(0.1) {
                record["gift_note"] = json!("Happy birthday, enjoy the present!");
            }
            record
        })
        .collect()
}

fn summarise_only(c: &mut Criterion) {
    let rows = order_like_rows();
    c.bench_function("summarise 10k order-shaped records", |b| {
        b.iter(|| {
            let mut collector = Collector::new(&[]);
            for row in &rows {
                collector.value(row);
            }
            black_box(collector.finish(&[]))
        })
    });
}

criterion_group!(benches, regenerate, summarise_only);
criterion_main!(benches);

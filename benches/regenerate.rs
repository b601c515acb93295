//! The tuner's regenerate-and-summarise step: load order.json, generate a 10,000-row
//! sample and summarise it (what happens on every save), plus the summarising alone on
//! order-shaped records, so that the statistics engine's share is visible.
//!
//! `cargo bench --bench regenerate`

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use rand::RngExt;
use serde_json::{Value, json};
use synthtune::Table;
use synthtune::rng::rng_for;
use synthtune::sink::Sink;
use synthtune::stats::{Collector, SampleOptions, summarize};

const ROWS: u64 = 10_000;
/// order.json: bundled in the crate's `schemas/`, else the shared examples beside it.
fn order_schema() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        root.join("schemas/order.json"),
        root.join("../shared/examples/order.json"),
    ]
    .into_iter()
    .find(|p| p.exists())
}

fn regenerate(c: &mut Criterion) {
    let Some(path) = order_schema() else {
        eprintln!("skipping regenerate: order.json not found");
        return;
    };
    c.bench_function("load + summarise order.json, 10k rows", |b| {
        b.iter(|| {
            let table = Table::load(&path).expect("order.json loads");
            black_box(summarize(&table, &SampleOptions::new(42, ROWS)))
        })
    });
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
            black_box(collector.finish(&[], &[]))
        })
    });
}

criterion_group!(benches, regenerate, summarise_only);
criterion_main!(benches);

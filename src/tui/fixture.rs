//! Deterministic tuner states for tests: an order-like sample summarised by the real
//! statistics engine (records made up here, so the tests do not depend on the
//! generator), and an [`App`] showing it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::RngExt;
use serde_json::{Value, json};

use super::state::{App, Changes, Reload, Snapshot};
use super::theme::load_themes;
use crate::generate::distribution::DistributionSpec;
use crate::generate::number::{FloatDivision, NumberGen, NumberSpace};
use crate::rng::rng_for;
use crate::sink::Sink;
use crate::stats::{Collector, Summary};
use crate::table::{Configured, FieldInfo};

pub const ROWS: u64 = 2_000;

fn info(
    path: &str,
    type_name: &str,
    generator: &str,
    null_rate: Option<f64>,
    absent_rate: Option<f64>,
) -> FieldInfo {
    FieldInfo {
        path: path.into(),
        type_name: type_name.into(),
        generator: generator.into(),
        null_rate,
        absent_rate,
        pointer: format!("/properties/{}", path.replace('.', "/properties/")),
        references: None,
        configured: None,
    }
}

pub fn fields() -> Vec<FieldInfo> {
    fields_of(false)
}

/// The status values and their weights.
const STATUSES: [(&str, f64); 5] = [
    ("new", 0.05),
    ("paid", 0.10),
    ("shipped", 0.15),
    ("delivered", 0.65),
    ("returned", 0.05),
];

/// The unit price's generator: lognormal(3.2, 0.9) on a cent grid, or, after the save,
/// lognormal(3.6, 0.9).
fn price_generator(edited: bool) -> NumberGen {
    let mu = if edited { 3.6 } else { 3.2 };
    let spec = DistributionSpec::LogNormal { mu, sigma: 0.9 };
    NumberGen {
        space: NumberSpace::Grid {
            k_lo: 1,
            k_hi: 500_000,
            mantissa: 1,
            decimals: 2,
            denominator: 100.0,
        },
        division: FloatDivision::default(),
        money: false,
        stepped: true,
        sampler: Some(spec.bind_float(0.0, 5000.0).expect("a valid law")),
        label: format!("lognormal({mu}, 0.9) (0, 5000] × 0.01"),
    }
}

fn express_share(edited: bool) -> f64 {
    if edited { 0.35 } else { 0.2 }
}

fn fields_of(edited: bool) -> Vec<FieldInfo> {
    let price = price_generator(edited);
    let express = express_share(edited);
    vec![
        info("order_id", "string", "uuid", None, None),
        FieldInfo {
            references: Some(crate::table::ParentRows {
                table: "Customer".into(),
                field: "customer_id".into(),
                rows: 500,
            }),
            ..info(
                "customer_id",
                "integer",
                "references Customer.customer_id (500 rows), fanout zipf(s=1.1)",
                None,
                None,
            )
        },
        info(
            "placed_at",
            "string",
            "date-time [2024-01-01, 2026-06-30]",
            None,
            None,
        ),
        FieldInfo {
            configured: Some(Configured::Values(
                STATUSES.iter().map(|&(s, w)| (json!(s), w)).collect(),
            )),
            ..info("status", "string", "enum weights 5/10/15/65/5", None, None)
        },
        info("items", "array", "poisson(2.5) [1, 20]", None, None),
        info(
            "items[].sku",
            "string",
            "pattern ^SKU-[A-Z0-9]{6}$",
            None,
            None,
        ),
        info(
            "items[].quantity",
            "integer",
            "zipf(1.6) [1, 50]",
            None,
            None,
        ),
        FieldInfo {
            configured: Some(Configured::Numbers(price.law())),
            ..info("items[].unit_price", "number", &price.label, None, None)
        },
        info(
            "coupon",
            "string|null",
            "pattern ^[A-Z]{4}-[0-9]{4}$",
            Some(0.85),
            None,
        ),
        info(
            "gift_note",
            "string|null",
            "sentence",
            Some(0.05),
            Some(0.9),
        ),
        FieldInfo {
            configured: Some(Configured::Values(vec![
                (json!(true), express),
                (json!(false), 1.0 - express),
            ])),
            ..info(
                "express",
                "boolean",
                &format!("boolean ({:.0}% true)", express * 100.0),
                None,
                None,
            )
        },
    ]
}

/// Row `row` of the sample; `edited` is the sample after a save that made prices
/// higher (mu 3.2 → 3.6) and express delivery likelier (the same draws, so no other
/// field moves).
fn record(row: u64, edited: bool) -> Value {
    let price = price_generator(edited);
    let Some(price_law) = &price.sampler else {
        unreachable!("the price has a distribution")
    };
    let mut rng = rng_for(row);
    let letters = |rng: &mut crate::rng::SynthRng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
            .collect()
    };
    let items: Vec<Value> = (0..rng.random_range(1..5))
        .map(|_| {
            // The generator's grid rounding, without its (here never needed) redraws.
            let cents = (price_law.sample(&mut rng) * 100.0).round().max(1.0);
            let price = cents / 100.0;
            json!({
                "sku": format!("SKU-{}", letters(&mut rng, 6)),
                "quantity": 1 + rng.random_range(0..4u32).pow(2),
                "unit_price": price,
            })
        })
        .collect();
    let u: f64 = rng.random();
    let mut below = 0.0;
    let status = STATUSES
        .iter()
        .find(|&&(_, w)| {
            below += w;
            u < below
        })
        .map_or("returned", |&(s, _)| s);
    let day = rng.random_range(0..912u64);
    let mut record = json!({
        "order_id": format!("{:08x}-0000-4000-8000-{:012x}", rng.random::<u32>(), row),
        "customer_id": 1 + rng.random_range(0..30u64).pow(2) % 500,
        "placed_at": format!("2024-{:02}-{:02}T{:02}:00:00Z", 1 + day / 76, 1 + day % 28, day % 24),
        "status": status,
        "items": items,
        "coupon": if rng.random_bool(0.85) { Value::Null } else { json!(format!("{}-{:04}", letters(&mut rng, 4), rng.random_range(0..10_000))) },
        "express": rng.random_bool(express_share(edited)),
    });
    if rng.random_bool(0.1) {
        record["gift_note"] = if rng.random_bool(0.3) {
            Value::Null
        } else {
            json!("Happy birthday, with love from all of us")
        };
    }
    record
}

/// The summary of [`ROWS`] order-like records, with fixed costs.
pub fn summary() -> Summary {
    summary_of(false)
}

fn summary_of(edited: bool) -> Summary {
    let fields = fields_of(edited);
    let mut collector = Collector::new(&fields);
    for row in 0..ROWS {
        collector.value(&record(row, edited));
    }
    let costs: Vec<f64> = (0..fields.len()).map(|i| 40.0 + 35.0 * i as f64).collect();
    Summary {
        table: "Order".into(),
        source: Some("schemas/order.json".into()),
        seed: 42,
        rows: ROWS,
        noisy_rows: 0,
        warnings: vec!["ignored: /properties/order_id/x-origin: unknown keyword".into()],
        inferred: Vec::new(),
        fields: collector.finish(&fields),
        rules: Vec::new(),
    }
    .with_costs(&costs)
}

pub fn snapshot() -> Arc<Snapshot> {
    snapshot_of(false)
}

/// The results after the save described at [`record`].
pub fn edited_snapshot() -> Arc<Snapshot> {
    snapshot_of(true)
}

fn snapshot_of(edited: bool) -> Arc<Snapshot> {
    let samples = (0..5).map(|row| record(row, edited).to_string()).collect();
    Arc::new(Snapshot {
        summary: summary_of(edited),
        samples,
    })
}

/// A tuner on one table showing [`snapshot`], reloaded at `t0` in 23 ms.
pub fn app(t0: Instant) -> App {
    let (themes, _) = load_themes(&[]);
    let mut app = App::new(
        vec![PathBuf::from("schemas/order.json")],
        42,
        ROWS,
        themes,
        0,
    );
    let table = app.table_mut();
    table.shown = Some(snapshot());
    table.applied = 1;
    table.requested = 1;
    table.last_reload = Some(Reload {
        at: t0,
        took: Duration::from_millis(23),
    });
    app.generation = 1;
    app
}

/// [`app`] after the save of [`edited_snapshot`]: the results before are kept for
/// comparison and the changed fields are known.
pub fn app_after_a_save(t0: Instant) -> App {
    let mut app = app(t0);
    let before = snapshot();
    let after = edited_snapshot();
    let table = app.table_mut();
    table.changes = Changes::between(&before.summary, &after.summary);
    table.previous = Some(before);
    table.shown = Some(after);
    app
}

//! The bundled examples' knobs show in their data: `schemas/customer.json` and
//! `schemas/order.json` (copies of the pydantic examples) are exported and their
//! statistics compared with what the knobs ask for, with stated tolerances.

use std::path::Path;

use serde_json::Value;
use synthtune::Table;

const ROWS: u64 = 20_000;
const SEED: u64 = 11;

fn rows(name: &str) -> (Table, Vec<Value>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name);
    let table = Table::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let all: Vec<Value> = (0..ROWS).map(|i| table.row_value(SEED, i)).collect();
    for (i, r) in all.iter().enumerate() {
        assert!(validator.is_valid(r), "{name} row {i} invalid: {r}");
    }
    (table, all)
}

fn share(all: &[Value], f: impl Fn(&Value) -> bool) -> f64 {
    all.iter().filter(|r| f(r)).count() as f64 / all.len() as f64
}

/// Within 3σ of a binomial share over `n` draws.
fn assert_share(observed: f64, p: f64, n: usize, what: &str) {
    let sigma = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (observed - p).abs() <= 3.0 * sigma,
        "{what}: observed {observed:.4}, asked {p} (3σ {:.4})",
        3.0 * sigma
    );
}

/// Mean and standard deviation of a normal(mu, sigma) truncated to [a, b].
fn truncated_normal(mu: f64, sigma: f64, a: f64, b: f64) -> (f64, f64) {
    // Riemann sum over a fine grid: plenty for a test reference.
    let steps = 200_000;
    let (mut w, mut m1, mut m2) = (0.0, 0.0, 0.0);
    for i in 0..=steps {
        let x = a + (b - a) * i as f64 / steps as f64;
        let d = (-0.5 * ((x - mu) / sigma).powi(2)).exp();
        w += d;
        m1 += d * x;
        m2 += d * x * x;
    }
    let mean = m1 / w;
    (mean, (m2 / w - mean * mean).sqrt())
}

#[test]
fn customer_statistics_match_its_knobs() {
    let (_, all) = rows("customer.json");
    let n = all.len();
    // key primary + sequence: 1, 2, 3, ...
    assert!(
        all.iter()
            .enumerate()
            .all(|(i, r)| r["customer_id"] == i as u64 + 1)
    );
    // unique email
    let emails: std::collections::HashSet<&str> =
        all.iter().map(|r| r["email"].as_str().unwrap()).collect();
    assert_eq!(emails.len(), n, "emails repeat");
    // age: normal(41, 12) on the integers 18..=99 (rounded draws: compare with the
    // continuous truncation over [17.5, 99.5]); the mean within 4 standard errors.
    let ages: Vec<f64> = all.iter().map(|r| r["age"].as_f64().unwrap()).collect();
    let mean = ages.iter().sum::<f64>() / n as f64;
    let sd = (ages.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    let (expected_mean, expected_sd) = truncated_normal(41.0, 12.0, 17.5, 99.5);
    assert!(
        (mean - expected_mean).abs() < 4.0 * expected_sd / (n as f64).sqrt(),
        "age mean {mean} vs {expected_mean}"
    );
    assert!(
        (sd - expected_sd).abs() / expected_sd < 0.03,
        "age sd {sd} vs {expected_sd}"
    );
    // tier weights 60/25/12/3
    for (tier, p) in [
        ("bronze", 0.60),
        ("silver", 0.25),
        ("gold", 0.12),
        ("platinum", 0.03),
    ] {
        assert_share(share(&all, |r| r["tier"] == tier), p, n, tier);
    }
    assert_share(
        share(&all, |r| r["marketing_opt_in"] == true),
        0.35,
        n,
        "opt in",
    );
    assert_share(share(&all, |r| r["phone"].is_null()), 0.30, n, "phone null");
    for (c, p) in [
        ("US", 0.70),
        ("CA", 0.10),
        ("MX", 0.08),
        ("GB", 0.07),
        ("DE", 0.05),
    ] {
        assert_share(share(&all, |r| r["address"]["country"] == c), p, n, c);
    }
    // signup inside its range
    assert!(all.iter().all(|r| {
        let s = r["signup"].as_str().unwrap();
        ("2019-01-01T00:00:00Z"..="2026-06-30T23:59:59Z").contains(&s)
    }));
    // lifetime_value: lognormal(6.5, 1.1) from 0, inside [0, 250000]: the median of
    // the untruncated distribution is e^6.5 ≈ 665 (truncation above removes ~0%).
    let mut ltv: Vec<f64> = all
        .iter()
        .map(|r| r["lifetime_value"].as_f64().unwrap())
        .collect();
    ltv.sort_by(f64::total_cmp);
    let median = ltv[n / 2];
    assert!(
        (median / 6.5f64.exp() - 1.0).abs() < 0.05,
        "lifetime_value median {median}"
    );
}

#[test]
fn order_statistics_match_its_knobs() {
    let (_, all) = rows("order.json");
    let n = all.len();
    for (status, p) in [
        ("new", 0.05),
        ("paid", 0.10),
        ("shipped", 0.15),
        ("delivered", 0.65),
        ("returned", 0.05),
    ] {
        assert_share(share(&all, |r| r["status"] == status), p, n, status);
    }
    assert_share(
        share(&all, |r| r["payment"]["kind"] == "card"),
        0.85,
        n,
        "card payments",
    );
    assert_share(
        share(&all, |r| r["coupon"].is_null()),
        0.85,
        n,
        "coupon null",
    );
    assert_share(
        share(&all, |r| r.get("gift_note").is_none()),
        0.90,
        n,
        "gift_note absent",
    );
    // items: Poisson(2.5) conditioned on [1, 20]: P(k) ∝ 2.5^k / k!, k ≥ 1.
    let lengths: Vec<usize> = all
        .iter()
        .map(|r| r["items"].as_array().unwrap().len())
        .collect();
    let lambda: f64 = 2.5;
    let mut expected = [0.0; 21];
    let mut term = (-lambda).exp();
    for (k, e) in expected.iter_mut().enumerate().skip(1) {
        term *= lambda / k as f64;
        *e = term;
    }
    let total: f64 = expected.iter().sum();
    let mut chi = 0.0;
    let mut tail_observed = 0.0;
    let mut tail_expected = 0.0;
    for (k, e) in expected.iter().enumerate().skip(1) {
        let observed = lengths.iter().filter(|&&l| l == k).count() as f64;
        let e = e / total * n as f64;
        if k >= 7 {
            tail_observed += observed;
            tail_expected += e;
        } else {
            chi += (observed - e).powi(2) / e;
        }
    }
    chi += (tail_observed - tail_expected).powi(2) / tail_expected;
    // 7 classes, 6 degrees of freedom: 22.5 is the 0.1% critical value.
    assert!(chi < 22.5, "items length chi-square {chi}");
    // quantity: zipf(1.6) from 1: rank 1 over rank 2 ≈ 2^1.6.
    let quantities: Vec<i64> = all
        .iter()
        .flat_map(|r| {
            r["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["quantity"].as_i64().unwrap())
        })
        .collect();
    let ones = quantities.iter().filter(|&&q| q == 1).count() as f64;
    let twos = quantities.iter().filter(|&&q| q == 2).count() as f64;
    assert!(
        (ones / twos / 2f64.powf(1.6) - 1.0).abs() < 0.1,
        "zipf ratio {}",
        ones / twos
    );
    // unit_price: on the cents grid, inside (0, 5000].
    assert!(
        all.iter()
            .flat_map(|r| r["items"].as_array().unwrap().clone())
            .all(|i| {
                let p = i["unit_price"].as_f64().unwrap();
                p > 0.0 && p <= 5000.0 && ((p * 100.0).round() - p * 100.0).abs() < 1e-6
            })
    );
}

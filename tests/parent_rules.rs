//! Rules across tables: an order placed after its customer signed up, recomputed from
//! the customer's row number (src/generate/parent_rule.rs). Checked here by joining the
//! exported tables on the foreign key, apart from synthtune's own reading of them.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{describe_output, epoch_seconds, schema_folder, synthtune};
use serde_json::Value;

const CUSTOMER: &str = r#"{
  "title": "Customer",
  "type": "object",
  "properties": {
    "customer_id": {"type": "integer", "x-synth": {"key": "primary", "sequence": {"start": 1}}},
    "signup_at": {"type": "string", "format": "date-time"},
    "birth_date": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}], "x-synth": {"null_rate": 0.2}},
    "credit": {"type": "integer", "minimum": 0, "maximum": 500}
  },
  "required": ["customer_id", "signup_at", "birth_date", "credit"]
}"#;

const ORDER: &str = r#"{
  "title": "Order",
  "type": "object",
  "properties": {
    "order_id": {"type": "integer", "x-synth": {"key": "primary", "sequence": {"start": 1}}},
    "customer_id": {"type": "integer", "x-synth": {"references": "Customer.customer_id", "fanout": {"zipf": {"s": 1.1}}}},
    "placed_at": {"type": "string", "format": "date-time",
                  "x-synth": {"after": {"field": "Customer.signup_at", "min": 0, "max": 90, "distribution": {"lognormal": {"mu": 2, "sigma": 1}}}}},
    "shipped_at": {"type": "string", "format": "date-time", "x-synth": {"after": {"field": "placed_at", "max": 5}}},
    "first_order_on": {"type": "string", "format": "date", "x-synth": {"after": "Customer.birth_date"}},
    "limit": {"type": "integer", "minimum": 0, "maximum": 1000, "x-synth": {"after": {"field": "Customer.credit", "min": 10, "max": 100}}}
  },
  "required": ["order_id", "customer_id", "placed_at", "shipped_at", "first_order_on", "limit"]
}"#;

fn run(args: &[&str]) -> std::process::Output {
    synthtune().args(args).output().expect("run synthtune")
}

fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every order, joined to its customer on the foreign key, keeps every rule: placed 0 to
/// 90 days after the signup, shipped within 5 days of that, a first order on or after
/// the birth date (where the customer has one), a limit 10 to 100 over the credit. The
/// same with 1 and 2 threads, and exported alone (`--only Order`) the orders are the
/// same bytes.
#[test]
fn orders_follow_their_customers_rows() {
    let (dir, paths) = schema_folder(&[("customer", CUSTOMER), ("order", ORDER)]);
    let (customer, order) = (paths[0].to_str().unwrap(), paths[1].to_str().unwrap());
    let export = |args: &[&str], to: &Path| {
        let rows = ["--rows", "Customer=3000", "-n", "20000", "-o"];
        let output = run(&[&["export"], args, &rows, &[to.to_str().unwrap()]].concat());
        assert!(output.status.success(), "{}", describe_output(&output));
    };
    let out = dir.path().join("out");
    export(&[customer, order, "--validate"], &out);
    let customers: HashMap<i64, Value> = records(&out.join("Customer.ndjson"))
        .into_iter()
        .map(|c| (c["customer_id"].as_i64().unwrap(), c))
        .collect();
    let orders = records(&out.join("Order.ndjson"));
    assert_eq!(orders.len(), 20_000);
    let (mut with_birth, mut early) = (0, 0);
    for order in &orders {
        let customer = &customers[&order["customer_id"].as_i64().unwrap()];
        let placed = epoch_seconds(&order["placed_at"]) - epoch_seconds(&customer["signup_at"]);
        assert!((0..=90 * 86_400).contains(&placed), "{order} {customer}");
        early += usize::from(placed < 10 * 86_400);
        let shipped = epoch_seconds(&order["shipped_at"]) - epoch_seconds(&order["placed_at"]);
        assert!((0..=5 * 86_400).contains(&shipped), "{order}");
        if !customer["birth_date"].is_null() {
            with_birth += 1;
            assert!(
                epoch_seconds(&order["first_order_on"]) >= epoch_seconds(&customer["birth_date"]),
                "{order} {customer}"
            );
        }
        let over = order["limit"].as_i64().unwrap() - customer["credit"].as_i64().unwrap();
        assert!((10..=100).contains(&over), "{order} {customer}");
    }
    // The lognormal gap (median e² ≈ 7.4 days) puts most orders early.
    assert!(early > 10_000, "{early} of 20000 within 10 days");
    assert!(with_birth > 14_000, "{with_birth}");

    let alone = dir.path().join("alone.ndjson");
    for threads in ["1", "2"] {
        export(
            &[
                order,
                customer,
                "--only",
                "Order",
                "--threads",
                threads,
                "--force",
            ],
            &alone,
        );
        assert_eq!(
            std::fs::read(&alone).unwrap(),
            std::fs::read(out.join("Order.ndjson")).unwrap(),
            "{threads} threads"
        );
    }
}

/// A rule across tables that cannot be linked is refused at its knob, with what to do.
#[test]
fn a_bad_rule_across_tables_is_refused_at_its_pointer() {
    // Every property required.
    let order = |properties: &str| {
        let properties: Value = serde_json::from_str(&format!("{{{properties}}}")).unwrap();
        let required: Vec<&String> = properties.as_object().unwrap().keys().collect();
        serde_json::json!({"title": "Order", "type": "object", "properties": properties, "required": required})
            .to_string()
    };
    let fk =
        r#""customer_id": {"type": "integer", "x-synth": {"references": "Customer.customer_id"}}"#;
    let fk2 =
        r#""payer_id": {"type": "integer", "x-synth": {"references": "Customer.customer_id"}}"#;
    let at = |knob: &str| {
        format!(
            r#""at": {{"type": "string", "format": "date-time", "x-synth": {{"after": {knob}}}}}"#
        )
    };
    let cases = [
        (
            order(&at(r#""Customer.signup_at""#)),
            "no property of this object is a foreign key to Customer",
        ),
        (
            order(&format!("{fk}, {fk2}, {}", at(r#""Customer.signup_at""#))),
            "customer_id, payer_id are all foreign keys to Customer",
        ),
        (
            order(&format!(
                "{fk}, {}",
                at(r#"{"field": "Customer.signup_at", "via": "order_id"}"#)
            )),
            "via names \"order_id\", which is no foreign key of this object to Customer",
        ),
        (
            order(&format!("{fk}, {}", at(r#""Customer.nope""#))),
            "Customer has no field \"nope\"",
        ),
        (
            order(&format!("{fk}, {}", at(r#""Customer.customer_id""#))),
            "a rule across tables reads a date, date-time, integer or number that the parent row draws on its own",
        ),
        (
            order(&format!("{fk}, {}", at(r#""Customer.credit""#))),
            "cannot be ordered against",
        ),
    ];
    for (text, expected) in &cases {
        let (_dir, paths) = schema_folder(&[("customer", CUSTOMER), ("order", text)]);
        let output = run(&[
            "export",
            paths[1].to_str().unwrap(),
            paths[0].to_str().unwrap(),
            "--only",
            "Order",
            "-n",
            "10",
            "-o",
            "-",
        ]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{text}\n{}",
            describe_output(&output)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{text}\n{stderr}");
        assert!(stderr.contains("/properties/at/x-synth/after"), "{stderr}");
    }
    // Both foreign keys, one named.
    let text = order(&format!(
        "{fk}, {fk2}, {}",
        at(r#"{"field": "Customer.signup_at", "via": "payer_id"}"#)
    ));
    let (_dir, paths) = schema_folder(&[("customer", CUSTOMER), ("order", &text)]);
    let output = run(&[
        "check",
        paths[1].to_str().unwrap(),
        paths[0].to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", describe_output(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("after Customer.signup_at (the Customer row of payer_id)"),
        "{stdout}"
    );
}

/// `stats` checks the rules across tables by joining each order to its customer on the
/// key, as the test above does: every one holds in every order that has both values.
#[test]
fn stats_join_the_rules_across_tables() {
    let (_dir, paths) = schema_folder(&[("customer", CUSTOMER), ("order", ORDER)]);
    let (customer, order) = (paths[0].to_str().unwrap(), paths[1].to_str().unwrap());
    let stats = |schemas: &[&str]| {
        let output = run(&[&["stats", "--json", "-n", "3000"], schemas].concat());
        assert!(output.status.success(), "{}", describe_output(&output));
        let docs: Value = serde_json::from_slice(&output.stdout).unwrap();
        let order = docs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["table"] == "Order")
            .cloned()
            .expect("the Order table's statistics");
        order["rules"].as_array().unwrap().clone()
    };
    let across = |rule: &Value| rule["rule"].as_str().unwrap().contains("Customer.");
    let joined = stats(&[customer, order]);
    assert_eq!(joined.iter().filter(|r| across(r)).count(), 3, "{joined:?}");
    for rule in &joined {
        let (held, objects) = (
            rule["held"].as_u64().unwrap(),
            rule["objects"].as_u64().unwrap(),
        );
        assert!(objects > 1000 && held == objects, "{rule}");
    }
}

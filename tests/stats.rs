//! The statistics engine through its public API: summaries of known records, the text
//! report, the documented JSON field names, and the rates order.json asks for against
//! those it gets.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use synthtune::sink::Sink;
use synthtune::stats::temporal::{self, TemporalKind};
use synthtune::stats::{self, Collector, SampleOptions, Summary, ValueKind};
use synthtune::{FieldInfo, Table};

fn field(path: &str, null_rate: Option<f64>, absent_rate: Option<f64>) -> FieldInfo {
    FieldInfo {
        path: path.into(),
        type_name: "string".into(),
        generator: "test".into(),
        null_rate,
        absent_rate,
        pointer: format!("/properties/{path}"),
        references: None,
        configured: None,
    }
}

/// 1,000 records: `status` cycles through four values, `score` is 0..999, `note` is
/// null every 4th record and absent every 10th, `when` is a date.
fn summary() -> Summary {
    let fields = [
        field("status", None, None),
        field("note", Some(0.25), Some(0.1)),
    ];
    let mut collector = Collector::new(&fields);
    for i in 0..1000u32 {
        let status = ["new", "paid", "paid", "shipped"][i as usize % 4];
        let mut record = json!({
            "status": status,
            "score": i,
            "when": format!("2024-01-{:02}", 1 + i % 31),
            "tags": (0..i % 3).map(|t| format!("t{t}")).collect::<Vec<_>>(),
        });
        if i % 10 != 0 {
            record["note"] = if i % 4 == 1 {
                Value::Null
            } else {
                json!("hello")
            };
        }
        collector.value(&record);
    }
    Summary {
        table: "T".into(),
        source: None,
        seed: 1,
        rows: 1000,
        noisy_rows: 0,
        warnings: vec!["ignored: /x: something".into()],
        inferred: Vec::new(),
        fields: collector.finish(&fields),
        rules: Vec::new(),
    }
}

#[test]
fn summaries_of_known_records() {
    let s = summary();
    let paths: Vec<&str> = s.fields.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        ["status", "note", "", "score", "when", "tags", "tags[]"]
    );

    let status = s.field("status").unwrap();
    assert_eq!((status.count, status.distinct), (1000, Some(3)));
    assert_eq!(status.top[0].value, json!("paid"));
    assert_eq!(status.top[0].count, 500);

    let note = s.field("note").unwrap();
    assert_eq!((note.count, note.absent), (900, 100));
    assert_eq!(note.absent_rate.configured, Some(0.1));
    assert_eq!(note.absent_rate.observed, Some(0.1));
    // Null when i % 4 == 1: 250 odd records, none of them among the absent (even) ones.
    assert_eq!(note.nulls, 250);
    assert_eq!(note.null_rate.observed, Some(250.0 / 900.0));

    let score = s.field("score").unwrap();
    let d = score.numbers.as_ref().unwrap();
    assert_eq!((d.min, d.max, d.mean), (0.0, 999.0, 499.5));
    assert_eq!(d.quantiles.p50, 499.5);
    assert_eq!(d.histogram.counts.iter().sum::<u64>(), 1000);
    assert!((20..=42).contains(&d.histogram.counts.len()));

    let when = s.field("when").unwrap();
    assert_eq!(when.kind, ValueKind::Date);
    let t = when.temporal.as_ref().unwrap();
    assert_eq!(
        temporal::format(TemporalKind::Date, t.min, false),
        "2024-01-01"
    );
    assert_eq!(
        temporal::format(TemporalKind::Date, t.max, false),
        "2024-01-31"
    );

    let tags = s.field("tags").unwrap();
    assert_eq!(tags.kind, ValueKind::Array);
    assert_eq!(tags.array_lengths.as_ref().unwrap().max, 2.0);
    assert_eq!(s.field("tags[]").unwrap().count, 999);
}

#[test]
fn the_text_report() {
    let text = stats::render_text(&summary());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "T: 1,000 rows, seed 1");
    assert_eq!(lines[1], "1 warning(s):");
    assert!(lines[2].contains("ignored: /x: something"));
    let header = lines.iter().position(|l| l.starts_with("FIELD")).unwrap();
    assert!(lines[header].contains("NULL%") && lines[header].contains("VALUES/S"));
    let note = lines.iter().find(|l| l.starts_with("note ")).unwrap();
    assert!(note.contains("25.0% → 27.8%"), "{note}");
    assert!(note.contains("10.0% → 10.0%"), "{note}");
    let when = lines.iter().find(|l| l.starts_with("when ")).unwrap();
    assert!(
        when.contains("2024-01-01") && when.contains("2024-01-31"),
        "{when}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("(root)")),
        "plain objects are left out"
    );
    assert!(
        text.contains("  status: paid 50.0%, new 25.0%, shipped 25.0%"),
        "{text}"
    );
}

/// The field names of `docs/stats-json.md`: changing them breaks users' scripts.
#[test]
fn the_json_document_keeps_its_documented_names() {
    let json = stats::to_json(&summary());
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&json),
        [
            "table",
            "source",
            "seed",
            "rows",
            "noisy_rows",
            "warnings",
            "inferred",
            "fields",
            "rules"
        ]
    );
    let score = json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "score")
        .unwrap();
    assert_eq!(
        keys(score),
        [
            "path",
            "listed",
            "type_name",
            "generator",
            "pointer",
            "kind",
            "count",
            "nulls",
            "absent",
            "null_rate",
            "absent_rate",
            "types",
            "distinct",
            "numbers",
            "temporal",
            "string_lengths",
            "array_lengths",
            "top",
            "cost",
            "children_per_parent"
        ]
    );
    assert_eq!(keys(&score["null_rate"]), ["configured", "observed"]);
    assert_eq!(
        keys(&score["types"]),
        [
            "null", "boolean", "integer", "number", "string", "array", "object"
        ]
    );
    assert_eq!(
        keys(&score["numbers"]),
        [
            "count",
            "min",
            "max",
            "mean",
            "stddev",
            "quantiles",
            "histogram"
        ]
    );
    assert_eq!(
        keys(&score["numbers"]["quantiles"]),
        ["p1", "p5", "p25", "p50", "p75", "p95", "p99"]
    );
    assert_eq!(
        keys(&score["numbers"]["histogram"]),
        ["start", "width", "counts"]
    );
    assert_eq!(score["kind"], "integer");
    let when = json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "when")
        .unwrap();
    assert_eq!(when["kind"], "date");
    let status = &json["fields"][0];
    assert_eq!(status["top"][0], json!({"value": "paid", "count": 500}));
}

/// Summarising while a second thread generates gives what one thread gives.
#[test]
fn the_pipelined_summary_equals_the_plain_one() {
    let schema = json!({
        "title": "T",
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 0, "maximum": 1000},
            "s": {"enum": ["a", "b", "c"]},
            "x": {"type": "array", "items": {"type": "number"}, "maxItems": 4},
            "o": {"anyOf": [{"type": "string", "maxLength": 8}, {"type": "null"}]}
        },
        "required": ["n", "s"]
    });
    let table = Table::from_value(schema, None).unwrap();
    let rows = 5_000;
    let pipelined = stats::summarize(&table, &SampleOptions::new(7, rows)).unwrap();
    let fields = table.fields();
    let mut collector = Collector::new(&fields);
    for row in 0..rows {
        table.write_row(7, row, &mut collector).unwrap();
    }
    assert_eq!(pipelined.fields, collector.finish(&fields));
    assert!(pipelined.field("n").is_some_and(|f| f.count == rows));
}

/// order.json: bundled in `schemas/`, else the shared examples.
fn order_schema() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        root.join("schemas/order.json"),
        root.join("../shared/examples/order.json"),
    ]
    .into_iter()
    .find(|p| p.exists())
    .expect("order.json")
}

fn close(observed: Option<f64>, expected: f64, tolerance: f64) -> bool {
    observed.is_some_and(|o| (o - expected).abs() <= tolerance)
}

#[test]
fn order_json_gets_the_rates_it_asks_for() {
    let table = Table::load(&order_schema()).unwrap();
    let options = SampleOptions {
        seed: 42,
        rows: 10_000,
        cost_rows: 500,
    };
    let s = stats::summarize(&table, &options).unwrap();
    assert_eq!(s.rows, 10_000);
    let coupon = s.field("coupon").unwrap();
    assert_eq!(coupon.null_rate.configured, Some(0.85));
    assert!(
        close(coupon.null_rate.observed, 0.85, 0.02),
        "{:?}",
        coupon.null_rate
    );
    let gift = s.field("gift_note").unwrap();
    assert_eq!(gift.absent_rate.configured, Some(0.9));
    assert!(
        close(gift.absent_rate.observed, 0.9, 0.02),
        "{:?}",
        gift.absent_rate
    );
    let status = s.field("status").unwrap();
    assert_eq!(status.top[0].value, json!("delivered"));
    assert!((0.62..0.68).contains(&(status.top[0].count as f64 / 10_000.0)));
    let placed = s.field("placed_at").unwrap();
    assert_eq!(placed.kind, ValueKind::DateTime);
    let t = placed.temporal.as_ref().unwrap();
    assert!(
        temporal::format(TemporalKind::DateTime, t.min, false).as_str() >= "2024-01-01T00:00:00Z"
    );
    assert!(
        temporal::format(TemporalKind::DateTime, t.max, false).as_str() <= "2026-06-30T23:59:59Z"
    );
    let price = s
        .field("items[].unit_price")
        .unwrap()
        .numbers
        .as_ref()
        .unwrap();
    assert!(price.min > 0.0 && price.max <= 5000.0);
    let items = s.field("items").unwrap().array_lengths.as_ref().unwrap();
    assert!(items.min >= 1.0 && items.max <= 20.0);
    assert!(
        s.fields
            .iter()
            .filter(|f| f.listed)
            .all(|f| f.cost.is_some()),
        "every listed field is timed"
    );
    // The same seed gives the same statistics.
    let untimed = |seed| stats::summarize(&table, &SampleOptions::new(seed, 10_000)).unwrap();
    assert_eq!(untimed(42), untimed(42));
    assert_ne!(untimed(42), untimed(43));
}

#[test]
fn noisy_rows_are_counted() {
    let schema = serde_json::json!({
        "title": "N", "type": "object", "required": ["a"],
        "properties": {"a": {"type": "integer", "minimum": 1, "maximum": 9, "x-synth": {"noise": 0.25}}}
    });
    let table = synthtune::Table::from_value(schema, None).unwrap();
    for rows in [500, 5_000] {
        // Both the one-thread and the two-thread paths count them.
        let summary =
            synthtune::stats::summarize(&table, &synthtune::stats::SampleOptions::new(3, rows))
                .unwrap();
        let share = summary.noisy_rows as f64 / rows as f64;
        let sigma = (0.25 * 0.75 / rows as f64).sqrt();
        assert!(
            (share - 0.25).abs() < 3.0 * sigma,
            "{rows} rows: noisy share {share}"
        );
        assert!(synthtune::stats::render_text(&summary).contains("deliberately invalid"));
    }
}

/// Dates and date-times are shown beside the density their distribution asks for, with
/// its goodness of fit, like numbers (a normal date, an exponential date-time).
#[test]
fn dates_are_shown_beside_their_configured_density() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "d": {"type": "string", "format": "date", "x-synth": {"distribution": "normal", "range": {"min": "2024-01-01", "max": "2024-12-31"}}},
            "t": {"type": "string", "format": "date-time", "x-synth": {"distribution": {"exponential": {"rate": 0.00001}}, "range": {"min": "2024-01-01T00:00:00Z", "max": "2024-03-01T00:00:00Z"}}}
        },
        "required": ["d", "t"]
    });
    let table = synthtune::Table::from_value(schema, None).unwrap();
    let summary = stats::summarize(&table, &stats::SampleOptions::new(5, 20_000)).unwrap();
    for path in ["d", "t"] {
        let field = summary.fields.iter().find(|f| f.path == path).unwrap();
        let Some(stats::Expected::Density(density)) = &field.expected else {
            panic!("{path}: no density: {:?}", field.expected);
        };
        let total: f64 = density.expected.iter().sum();
        assert!((total - 20_000.0).abs() < 1.0, "{path}: {total}");
        let fit = density.fit.as_ref().expect("a fit");
        assert!(
            fit.p_value > 1e-4,
            "{path}: the sample does not fit its own law: {fit:?}"
        );
    }
    // A law that is not the one generated does not fit: the same dates read as uniform.
    let uniform = synthtune::Table::from_value(
        serde_json::json!({"type": "object", "properties": {"d": {"type": "string", "format": "date", "x-synth": {"range": {"min": "2024-01-01", "max": "2024-12-31"}}}}, "required": ["d"]}),
        None,
    )
    .unwrap();
    let fields = uniform.fields();
    let mut collector = Collector::new(&fields);
    for row in 0..20_000 {
        let record = table.try_row_value(5, row).unwrap();
        collector.value(&json!({"d": record["d"]}));
    }
    let summaries = collector.finish(&fields);
    let Some(stats::Expected::Density(wrong)) = &summaries[0].expected else {
        panic!("no density: {:?}", summaries[0].expected);
    };
    assert!(
        wrong.fit.as_ref().unwrap().p_value < 1e-6,
        "{:?}",
        wrong.fit
    );
}

/// String and array lengths are shown beside the law they were drawn from (the `length`
/// knob, or even over the bounds), with the fit.
#[test]
fn lengths_are_shown_beside_their_configured_law() {
    let schema = json!({
        "type": "object",
        "properties": {
            "even": {"type": "string", "minLength": 2, "maxLength": 30},
            "shaped": {"type": "string", "maxLength": 40, "x-synth": {"length": {"normal": {"mean": 20, "stddev": 5}}}},
            "tags": {"type": "array", "items": {"type": "integer"}, "maxItems": 9, "x-synth": {"length": {"poisson": {"lambda": 3}}}}
        },
        "required": ["even", "shaped", "tags"]
    });
    let table = Table::from_value(schema, None).unwrap();
    let summary = stats::summarize(&table, &SampleOptions::new(9, 20_000)).unwrap();
    for path in ["even", "shaped", "tags"] {
        let field = summary.fields.iter().find(|f| f.path == path).unwrap();
        let Some(stats::Expected::Density(density)) = &field.expected else {
            panic!("{path}: no density: {:?}", field.expected);
        };
        let fit = density.fit.as_ref().expect("a fit");
        assert!(
            fit.p_value > 1e-4,
            "{path}: the sample does not fit its own law: {fit:?}"
        );
    }
}

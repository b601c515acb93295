//! Money fields: pydantic 2.14 writes `Decimal` as `anyOf: [{"type": "number", ...},
//! {"type": "string"}]`. Values come from the number branch and meet its constraints,
//! `check` says so at the union, SQL types the column `NUMERIC` (SQLite and PostgreSQL
//! load it) and Parquet `Decimal128` with the scale of the values' grid.

mod common;

use serde_json::{Value, json};
use synthtune::Table;
use synthtune::export::{ExportOptions, Format, Output, export};

/// A pydantic 2.14 model's schema: plain, bounded (inclusive and exclusive), with
/// `multipleOf`, optional, and one whose `weights` ask for strings too.
fn invoice_schema() -> Value {
    json!({
        "title": "Invoice",
        "type": "object",
        "properties": {
            "id": {"type": "integer", "x-synth": {"key": "primary"}},
            "amount": {"anyOf": [{"type": "number"}, {"type": "string"}], "title": "Amount"},
            "discount": {"anyOf": [{"maximum": 100.0, "minimum": 0.0, "type": "number"}, {"type": "string"}]},
            "fee": {"anyOf": [{"exclusiveMaximum": 50.0, "exclusiveMinimum": 0.0, "multipleOf": 0.05, "type": "number"}, {"type": "string"}]},
            "tip": {"anyOf": [{"minimum": 0.0, "type": "number"}, {"type": "string"}, {"type": "null"}], "default": null},
            "rate": {"anyOf": [{"minimum": 0.0, "maximum": 0.5, "type": "number"}, {"type": "string"}]}
        },
        "required": ["id", "amount", "discount", "fee", "rate"]
    })
}

fn invoice() -> Table {
    Table::from_value(invoice_schema(), None).unwrap()
}

#[test]
fn money_fields_generate_numbers_that_meet_the_constraints() {
    let table = invoice();
    let mut tips = (0, 0);
    for row in 0..2_000 {
        let r = table.row_value(common::SEED, row);
        let number = |name: &str| {
            r[name]
                .as_f64()
                .unwrap_or_else(|| panic!("row {row}: {name} is {}", r[name]))
        };
        assert!((0.0..=1000.0).contains(&number("amount")), "{r}");
        assert!((0.0..=100.0).contains(&number("discount")), "{r}");
        let fee = number("fee");
        assert!(
            fee > 0.0 && fee < 50.0 && (fee / 0.05).fract() == 0.0,
            "{r}"
        );
        assert!((0.0..=0.5).contains(&number("rate")), "{r}");
        match &r["tip"] {
            Value::Null => tips.0 += 1,
            Value::Number(_) => tips.1 += 1,
            other => panic!("row {row}: tip is {other}"),
        }
        // Two decimals, as money prints.
        let text = r["amount"].to_string();
        assert!(
            text.split_once('.').is_none_or(|(_, d)| d.len() <= 2),
            "{text}"
        );
    }
    assert!(
        (50..=150).contains(&tips.0),
        "about 5 % null tips: {tips:?}"
    );

    for name in ["amount", "discount", "fee", "tip", "rate"] {
        let pointer = format!("/properties/{name}/anyOf");
        let note = table
            .diagnostics
            .iter()
            .find(|d| d.pointer == pointer)
            .unwrap_or_else(|| panic!("no note at {pointer}: {:?}", table.diagnostics));
        assert!(
            note.message.contains("money field") && note.message.contains("number branch 0"),
            "{note}"
        );
    }
}

/// `weights` say otherwise: strings are drawn again, and no note claims the number.
#[test]
fn weights_keep_the_string_branch() {
    let schema =
        json!({"anyOf": [{"type": "number"}, {"type": "string"}], "x-synth": {"weights": [1, 1]}});
    let table = Table::from_value(schema, None).unwrap();
    let strings = (0..400)
        .filter(|&row| table.row_value(common::SEED, row).is_string())
        .count();
    assert!((120..=280).contains(&strings), "{strings} strings of 400");
    assert!(
        table
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("money field"))
    );
}

/// Earlier pydantic releases wrote the string branch with a look-ahead pattern: a money
/// field too.
#[test]
fn the_look_ahead_pattern_of_earlier_releases_is_money() {
    let schema = json!({"anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$"}
    ]});
    let table = Table::from_value(schema, None).unwrap();
    assert!((0..400).all(|row| table.row_value(common::SEED, row).is_number()));
    assert!(
        table
            .diagnostics
            .iter()
            .any(|d| d.pointer == "/anyOf" && d.message.contains("money field")),
        "{:?}",
        table.diagnostics
    );
}

/// A union of a number and a constrained string is not a money field.
#[test]
fn a_constrained_string_branch_is_not_money() {
    let schema = json!({"anyOf": [{"type": "number"}, {"type": "string", "minLength": 3}]});
    let table = Table::from_value(schema, None).unwrap();
    assert!((0..400).any(|row| table.row_value(common::SEED, row).is_string()));
}

fn export_to(format: Format, rows: u64, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join(format!("invoice.{}", format.extension()));
    let options = ExportOptions {
        rows: Some(rows),
        format,
        output: Output::Path(path.clone()),
        quiet: true,
        ..ExportOptions::default()
    };
    export(&[invoice()], &options).unwrap();
    path
}

#[test]
fn sql_types_money_numeric_and_sqlite_loads_it() {
    let dir = tempfile::tempdir().unwrap();
    let sql = std::fs::read_to_string(export_to(Format::Sql, 1_234, dir.path())).unwrap();
    let ddl = &sql[..sql.find(");").unwrap()];
    for column in [
        // The digits of each grid: cents over [0, 1000], [0, 100]; 0.05 below 50.
        "\"amount\" NUMERIC(6,2) NOT NULL",
        "\"discount\" NUMERIC(5,2) NOT NULL",
        "\"fee\" NUMERIC(4,2) NOT NULL",
        "\"tip\" NUMERIC(6,2),",
        // Too narrow for cents: any double, no grid.
        "\"rate\" NUMERIC NOT NULL",
    ] {
        assert!(ddl.contains(column), "{column} in\n{ddl}");
    }
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(&sql).unwrap();
    let (count, texts): (i64, i64) = db
        .query_row(
            "SELECT count(*), sum(typeof(amount) = 'text' OR typeof(fee) = 'text') FROM \"Invoice\"",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (count, texts),
        (1_234, 0),
        "every amount and fee is a number"
    );
    let records: Vec<Value> = (0..1_234)
        .map(|row| invoice().row_value(ExportOptions::default().seed, row))
        .collect();
    let fee: f64 = db
        .query_row(
            "SELECT fee FROM \"Invoice\" WHERE id = (SELECT min(id) FROM \"Invoice\")",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(records.iter().any(|r| r["fee"].as_f64() == Some(fee)));
}

/// Loads the export into PostgreSQL, where `NUMERIC` keeps every digit: the sum of the
/// fees equals the exact sum of the generated values. Runs when `SYNTHTUNE_PG_URL` is
/// set (scripts/start-postgres.sh prints it), like tests/export.rs.
#[test]
fn sql_money_loads_into_postgres() {
    let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") else {
        eprintln!("skipped: set SYNTHTUNE_PG_URL (see scripts/start-postgres.sh)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = export_to(Format::Sql, 1_234, dir.path());
    let schema = format!("synthtune_money_{}", std::process::id());
    let (types, cents) = common::in_scratch_schema(&url, &schema, |psql| {
        psql(&["--single-transaction", "-f", path.to_str().unwrap()]);
        let types = psql(&[
            "-c",
            "SELECT string_agg(data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'Invoice' AND table_schema = current_schema()",
        ]);
        let cents = psql(&["-c", "SELECT sum(fee * 100)::bigint FROM \"Invoice\""]);
        (types, cents)
    });
    assert_eq!(types, "bigint,numeric,numeric,numeric,numeric,numeric");
    let table = invoice();
    let expected: i64 = (0..1_234)
        .map(|row| {
            let fee = table.row_value(ExportOptions::default().seed, row)["fee"]
                .as_f64()
                .unwrap();
            (fee * 100.0).round() as i64
        })
        .sum();
    assert_eq!(cents, expected.to_string());
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_types_money_decimal_with_the_grid_scale() {
    use parquet::data_type::Decimal;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    let dir = tempfile::tempdir().unwrap();
    let path = export_to(Format::Parquet, 5_000, dir.path());
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut schema = Vec::new();
    parquet::schema::printer::print_schema(&mut schema, reader.metadata().file_metadata().schema());
    assert_eq!(
        String::from_utf8(schema).unwrap(),
        // Cents up to 1000.00: six digits, two after the point; multipleOf 0.05 below
        // 50: 49.95, four digits; `rate` is too narrow for cents by default: any
        // double, so a float column. Up to 9 digits fit 32 bits (as Arrow writes
        // its Decimal128).
        "message schema {
  REQUIRED INT64 id;
  REQUIRED INT32 amount (DECIMAL(6,2));
  REQUIRED INT32 discount (DECIMAL(5,2));
  REQUIRED INT32 fee (DECIMAL(4,2));
  OPTIONAL INT32 tip (DECIMAL(6,2));
  REQUIRED DOUBLE rate;
}
"
    );
    let table = invoice();
    let seed = ExportOptions::default().seed;
    let mut row = 0u64;
    for parquet_row in reader.get_row_iter(None).unwrap() {
        let parquet_row = parquet_row.unwrap();
        let fields: Vec<&Field> = parquet_row.get_column_iter().map(|(_, f)| f).collect();
        let record = table.row_value(seed, row);
        let cents = |v: &Value, precision| {
            let units = (v.as_f64().unwrap() * 100.0).round() as i32;
            Field::Decimal(Decimal::from_i32(units, precision, 2))
        };
        assert_eq!(fields[3], &cents(&record["fee"], 4), "row {row}: {record}");
        match &record["tip"] {
            Value::Null => assert_eq!(fields[4], &Field::Null),
            tip => assert_eq!(fields[4], &cents(tip, 6), "row {row}"),
        }
        row += 1;
    }
    assert_eq!(row, 5_000);
}

/// CSV writes the numbers as they are.
#[test]
fn csv_writes_money_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(export_to(Format::Csv, 10, dir.path())).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let table = invoice();
    for (row, record) in reader.records().enumerate() {
        let record = record.unwrap();
        let expected = table.row_value(ExportOptions::default().seed, row as u64);
        assert_eq!(&record[1], expected["amount"].to_string());
    }
}

//! Export end to end through the library API: byte-identical output for any thread
//! count, shards that concatenate to the whole, every format read back by an
//! independent reader (serde_json + jsonschema, the csv crate, SQLite, PostgreSQL,
//! the parquet reader), and no file left behind by a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use synthtune::Table;
use synthtune::export::{
    ExportError, ExportOptions, Format, Output, RowError, RowSource, Shard, export, export_sources,
};
use synthtune::sink::Sink;

/// A table of awkward values, computed from the row index: quotes, commas, newlines,
/// apostrophes, unicode, nulls, absent keys, nested objects, arrays and maps. The
/// records are written by hand; the compiled schema gives them their columns.
struct People {
    name: String,
    table: Table,
    /// Row that fails to generate.
    fail_at: Option<u64>,
    /// Row whose `score` breaks the schema's `maximum`.
    invalid_at: Option<u64>,
}

fn person_schema() -> Value {
    json!({
        "title": "Person",
        "type": "object",
        "$defs": {
            "Address": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "zip": {"type": "string", "pattern": "^[0-9]{5}$"}
                },
                "required": ["city"]
            }
        },
        "properties": {
            "id": {"type": "integer", "minimum": 0, "x-synth": {"key": "primary"}},
            "name": {"type": "string"},
            "email": {"anyOf": [{"type": "string", "format": "email"}, {"type": "null"}]},
            "score": {"type": "number", "maximum": 1000},
            "active": {"type": "boolean"},
            "born": {"type": "string", "format": "date"},
            "seen": {"type": "string", "format": "date-time"},
            "address": {"$ref": "#/$defs/Address"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}]}
        },
        "required": ["id", "name", "score", "active", "born", "seen", "address", "tags"]
    })
}

fn people() -> People {
    people_with(person_schema())
}

fn people_with(schema: Value) -> People {
    People {
        name: "Person".into(),
        table: Table::from_value(schema, None).unwrap(),
        fail_at: None,
        invalid_at: None,
    }
}

const NAMES: [&str; 6] = [
    "Ann",
    "O'Brien, Pat",
    "say \"hi\"",
    "two\nlines",
    "Zoë 🚀",
    "",
];

impl People {
    fn record(&self, row: u64) -> Value {
        let i = row as usize;
        let mut record = json!({
            "id": row,
            "name": NAMES[i % NAMES.len()],
            "email": if row.is_multiple_of(4) { Value::Null } else { json!(format!("user{row}@example.com")) },
            "score": if Some(row) == self.invalid_at { 5000.0 } else { (row % 1000) as f64 + 0.25 },
            "active": row.is_multiple_of(3),
            "born": format!("19{:02}-{:02}-{:02}", 50 + row % 50, 1 + row % 12, 1 + row % 28),
            "seen": format!("2024-03-{:02}T{:02}:{:02}:{:02}Z", 1 + row % 28, row % 24, row % 60, (row * 7) % 60),
            "address": {"city": format!("City, {}", row % 7), "zip": format!("{:05}", row % 100_000)},
            "tags": (0..row % 3).map(|t| format!("t{t}")).collect::<Vec<_>>(),
            "labels": {"k": row % 5},
        });
        if row % 5 == 1 {
            record["note"] = Value::Null;
        } else if row % 5 == 2 {
            record["note"] = json!("it's noted");
        } // otherwise absent
        if row % 6 == 5 {
            // An optional nested key left out.
            record["address"].as_object_mut().unwrap().remove("zip");
        }
        record
    }
}

impl RowSource for People {
    fn name(&self) -> &str {
        &self.name
    }
    fn table(&self) -> &Table {
        &self.table
    }
    fn write_row<S: Sink>(&self, row: u64, out: &mut S) -> Result<u32, RowError> {
        if Some(row) == self.fail_at {
            return Err(RowError("the generator gave up".into()));
        }
        out.value(&self.record(row));
        Ok(0)
    }
}

const CSV_COLUMNS: [&str; 12] = [
    "id",
    "name",
    "email",
    "score",
    "active",
    "born",
    "seen",
    "address.city",
    "address.zip",
    "tags",
    "labels",
    "note",
];

fn options(format: Format, rows: u64, output: &Path) -> ExportOptions {
    ExportOptions {
        rows: Some(rows),
        format,
        output: Output::Path(output.to_owned()),
        quiet: true,
        ..ExportOptions::default()
    }
}

/// Exports `source` and returns the file's bytes.
fn export_bytes(source: &People, opts: &ExportOptions) -> Vec<u8> {
    let Output::Path(path) = &opts.output else {
        panic!("tests write files")
    };
    export_sources(std::slice::from_ref(source), opts).unwrap();
    std::fs::read(path).unwrap()
}

#[test]
fn same_bytes_for_1_2_and_8_threads() {
    let dir = tempfile::tempdir().unwrap();
    let source = people();
    for format in Format::ALL {
        if format == Format::Parquet && !cfg!(feature = "parquet") {
            continue;
        }
        let outputs: Vec<Vec<u8>> = [1, 2, 8]
            .iter()
            .map(|&threads| {
                let path = dir.path().join(format!("t{threads}.{format}"));
                let mut opts = options(format, 5_000, &path);
                opts.threads = threads;
                export_bytes(&source, &opts)
            })
            .collect();
        assert!(!outputs[0].is_empty());
        assert_eq!(outputs[0], outputs[1], "{format}: 1 vs 2 threads");
        assert_eq!(outputs[0], outputs[2], "{format}: 1 vs 8 threads");
    }
}

#[test]
fn shards_concatenate_to_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let source = people();
    for format in [Format::Ndjson, Format::Json, Format::Csv, Format::Sql] {
        for rows in [0, 1, 2_345] {
            let whole = export_bytes(
                &source,
                &options(
                    format,
                    rows,
                    &dir.path().join(format!("whole-{rows}.{format}")),
                ),
            );
            for count in [1, 2, 3, 7] {
                let mut joined = Vec::new();
                for index in 1..=count {
                    let path = dir
                        .path()
                        .join(format!("{rows}-{index}-of-{count}.{format}"));
                    let mut opts = options(format, rows, &path);
                    opts.shard = Some(Shard { index, count });
                    opts.threads = 2;
                    joined.extend(export_bytes(&source, &opts));
                }
                assert!(
                    joined == whole,
                    "{format}, {rows} rows, {count} shards differ from the whole"
                );
            }
        }
    }
}

#[test]
fn ndjson_and_json_parse_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    let source = people();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(source.table.document())
        .unwrap();
    let ndjson = export_bytes(
        &source,
        &options(Format::Ndjson, 1_000, &dir.path().join("p.ndjson")),
    );
    let records: Vec<Value> = String::from_utf8(ndjson)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(records.len(), 1_000);
    for (row, record) in records.iter().enumerate() {
        assert_eq!(record, &source.record(row as u64));
        assert!(validator.is_valid(record), "row {row}");
    }
    let json = export_bytes(
        &source,
        &options(Format::Json, 1_000, &dir.path().join("p.json")),
    );
    let array: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(array.as_array().unwrap(), &records);
    let empty = export_bytes(
        &source,
        &options(Format::Json, 0, &dir.path().join("empty.json")),
    );
    assert_eq!(serde_json::from_slice::<Value>(&empty).unwrap(), json!([]));
}

#[test]
fn csv_has_the_schema_columns_and_the_values() {
    let dir = tempfile::tempdir().unwrap();
    let source = people();
    let bytes = export_bytes(
        &source,
        &options(Format::Csv, 600, &dir.path().join("p.csv")),
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_COLUMNS
    );
    let mut rows = 0;
    for (row, record) in reader.records().enumerate() {
        let record = record.unwrap();
        let expected = source.record(row as u64);
        let cell = |name: &str| {
            record
                .get(CSV_COLUMNS.iter().position(|c| *c == name).unwrap())
                .unwrap()
        };
        assert_eq!(cell("id"), row.to_string());
        assert_eq!(cell("name"), expected["name"].as_str().unwrap());
        assert_eq!(cell("email"), expected["email"].as_str().unwrap_or(""));
        assert_eq!(
            cell("score").parse::<f64>().unwrap(),
            expected["score"].as_f64().unwrap()
        );
        assert_eq!(cell("active"), expected["active"].to_string());
        assert_eq!(
            cell("address.city"),
            expected["address"]["city"].as_str().unwrap()
        );
        assert_eq!(
            cell("address.zip"),
            expected["address"]["zip"].as_str().unwrap_or("")
        );
        assert_eq!(
            serde_json::from_str::<Value>(cell("tags")).unwrap(),
            expected["tags"]
        );
        assert_eq!(
            serde_json::from_str::<Value>(cell("labels")).unwrap(),
            expected["labels"]
        );
        assert_eq!(
            cell("note"),
            expected.get("note").and_then(Value::as_str).unwrap_or("")
        );
        rows += 1;
    }
    assert_eq!(rows, 600);
    // An empty string is quoted, so it differs from a null: `""` vs nothing.
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\n5,\"\","), "row 5 has an empty name");
}

#[test]
fn sql_loads_into_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let source = people();
    let bytes = export_bytes(
        &source,
        &options(Format::Sql, 1_234, &dir.path().join("p.sql")),
    );
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(std::str::from_utf8(&bytes).unwrap())
        .unwrap();
    let count: i64 = db
        .query_row("SELECT count(*) FROM \"Person\"", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1_234);
    let (name, city, note): (String, String, Option<String>) = db
        .query_row(
            "SELECT name, \"address.city\", note FROM \"Person\" WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), city.as_str(), note),
        ("O'Brien, Pat", "City, 1", None)
    );
    let nulls: i64 = db
        .query_row(
            "SELECT count(*) FROM \"Person\" WHERE email IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(nulls, 309, "rows 0, 4, 8, ... have no email");
    // The primary key is enforced.
    assert!(
        db.execute("INSERT INTO \"Person\" (id, name) VALUES (1, 'dup')", [])
            .is_err()
    );
}

/// Loads the sql export into PostgreSQL with `psql`, in a schema of its own. Runs when
/// `SYNTHTUNE_PG_URL` is set (scripts/start-postgres.sh prints it).
#[test]
fn sql_loads_into_postgres() {
    let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") else {
        eprintln!(
            "skipped: set SYNTHTUNE_PG_URL (see scripts/start-postgres.sh) to load into PostgreSQL"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sql");
    export_bytes(&people(), &options(Format::Sql, 1_234, &path));
    let schema = format!("synthtune_test_{}", std::process::id());
    let (count, types, name) = common::in_scratch_schema(&url, &schema, |psql| {
        psql(&["--single-transaction", "-f", path.to_str().unwrap()]);
        let count = psql(&["-c", "SELECT count(*) FROM \"Person\""]);
        let types = psql(&[
            "-c",
            "SELECT string_agg(data_type, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'Person' AND table_schema = current_schema()",
        ]);
        let name = psql(&["-c", "SELECT name FROM \"Person\" WHERE id = 1"]);
        (count, types, name)
    });
    assert_eq!(count, "1234");
    assert_eq!(
        types,
        "bigint,text,text,double precision,boolean,date,timestamp with time zone,text,text,jsonb,jsonb,text"
    );
    assert_eq!(name, "O'Brien, Pat");
}

/// The parquet schema of a file, as the parquet crate prints it.
#[cfg(feature = "parquet")]
fn parquet_schema(reader: &impl parquet::file::reader::FileReader) -> String {
    let mut text = Vec::new();
    parquet::schema::printer::print_schema(&mut text, reader.metadata().file_metadata().schema());
    String::from_utf8(text).unwrap()
}

#[cfg(feature = "parquet")]
fn parquet_reader(
    path: &Path,
) -> parquet::file::serialized_reader::SerializedFileReader<std::fs::File> {
    parquet::file::serialized_reader::SerializedFileReader::new(std::fs::File::open(path).unwrap())
        .unwrap()
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_reads_back_with_the_schema_and_rows() {
    use parquet::file::reader::FileReader;
    use parquet::record::RowAccessor;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.parquet");
    let source = people();
    let mut opts = options(Format::Parquet, 70_000, &path);
    opts.threads = 2;
    export_sources(std::slice::from_ref(&source), &opts).unwrap();
    let reader = parquet_reader(&path);
    assert_eq!(reader.metadata().file_metadata().num_rows(), 70_000);
    assert_eq!(reader.metadata().num_row_groups(), 3, "32768-row groups");
    assert_eq!(
        parquet_schema(&reader),
        "message schema {
  REQUIRED INT64 id;
  REQUIRED BYTE_ARRAY name (STRING);
  OPTIONAL BYTE_ARRAY email (STRING);
  REQUIRED DOUBLE score;
  REQUIRED BOOLEAN active;
  REQUIRED INT32 born (DATE);
  REQUIRED INT64 seen (TIMESTAMP(MICROS,true));
  REQUIRED group address {
    REQUIRED BYTE_ARRAY city (STRING);
    OPTIONAL BYTE_ARRAY zip (STRING);
  }
  REQUIRED group tags (LIST) {
    REPEATED group list {
      REQUIRED BYTE_ARRAY item (STRING);
    }
  }
  OPTIONAL BYTE_ARRAY labels (STRING);
  OPTIONAL BYTE_ARRAY note (STRING);
}
"
    );
    let mut rows = 0;
    for row in reader.get_row_iter(None).unwrap() {
        let row = row.unwrap();
        if rows == 3 {
            assert_eq!(row.get_string(1).unwrap(), "two\nlines");
        }
        if rows == 0 {
            let emails = row.get_column_iter().nth(2).unwrap().1;
            assert_eq!(emails, &parquet::record::Field::Null);
        }
        if rows == 1 {
            assert_eq!(row.get_string(2).unwrap(), "user1@example.com");
        }
        rows += 1;
    }
    assert_eq!(rows, 70_000);

    // Each shard is a parquet file of its own rows.
    let mut total = 0;
    for index in 1..=3 {
        let shard_path = dir.path().join(format!("s{index}.parquet"));
        let mut opts = options(Format::Parquet, 1_000, &shard_path);
        opts.shard = Some(Shard { index, count: 3 });
        export_sources(std::slice::from_ref(&source), &opts).unwrap();
        total += parquet_reader(&shard_path)
            .metadata()
            .file_metadata()
            .num_rows();
    }
    assert_eq!(total, 1_000);
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_is_refused_without_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let opts = options(Format::Parquet, 10, &dir.path().join("p.parquet"));
    let error = export_sources(&[people()], &opts).unwrap_err();
    assert!(matches!(error, ExportError::ParquetUnavailable));
    assert!(error.to_string().contains("--features parquet"));
    assert!(common::files_in(dir.path()).is_empty());
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ndjson");
    std::fs::write(&path, "precious").unwrap();
    let opts = options(Format::Ndjson, 10, &path);
    let error = export_sources(&[people()], &opts).unwrap_err();
    assert!(matches!(&error, ExportError::Exists { path: p } if *p == path));
    let message = error.to_string();
    assert!(
        message.contains("p.ndjson") && message.contains("--force"),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");

    let forced = ExportOptions {
        force: true,
        ..opts
    };
    export_sources(&[people()], &forced).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 10);
}

#[test]
fn a_failure_midway_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let failing = People {
        fail_at: Some(500),
        ..people()
    };
    for format in Format::ALL {
        if format == Format::Parquet && !cfg!(feature = "parquet") {
            continue;
        }
        for threads in [1, 2] {
            let mut opts = options(format, 5_000, &dir.path().join(format!("out.{format}")));
            opts.threads = threads;
            match export_sources(std::slice::from_ref(&failing), &opts) {
                Err(ExportError::Row {
                    table,
                    row,
                    message,
                }) => {
                    assert_eq!((table.as_str(), row), ("Person", 500));
                    assert_eq!(message, "the generator gave up");
                }
                other => panic!("{format}: {other:?}"),
            }
            assert!(
                common::files_in(dir.path()).is_empty(),
                "{format}: {:?}",
                common::files_in(dir.path())
            );
        }
    }
}

#[test]
fn validation_stops_at_the_first_invalid_record() {
    let dir = tempfile::tempdir().unwrap();
    let invalid = People {
        invalid_at: Some(700),
        ..people()
    };
    for format in [Format::Ndjson, Format::Csv] {
        let mut opts = options(format, 5_000, &dir.path().join(format!("v.{format}")));
        opts.validate = true;
        opts.threads = 2;
        match export_sources(std::slice::from_ref(&invalid), &opts) {
            Err(ExportError::Invalid {
                table,
                row,
                instance_path,
                schema_path,
                ..
            }) => {
                assert_eq!((table.as_str(), row), ("Person", 700));
                assert_eq!(instance_path, "/score");
                assert_eq!(schema_path, "/properties/score/maximum");
            }
            other => panic!("{other:?}"),
        }
        assert!(common::files_in(dir.path()).is_empty());
    }
    // Without the bad row, validation passes (formats asserted: the emails are emails).
    let mut opts = options(Format::Ndjson, 2_000, &dir.path().join("ok.ndjson"));
    opts.validate = true;
    export_sources(&[people()], &opts).unwrap();
}

#[test]
fn validation_asserts_formats() {
    let dir = tempfile::tempdir().unwrap();
    // Same records, but now the `name` must be an email: no name is.
    let mut schema = person_schema();
    schema["properties"]["name"]["format"] = json!("email");
    let source = people_with(schema);
    let mut opts = options(Format::Ndjson, 10, &dir.path().join("f.ndjson"));
    opts.validate = true;
    match export_sources(&[source], &opts) {
        Err(ExportError::Invalid {
            row, schema_path, ..
        }) => {
            assert_eq!(row, 0);
            assert_eq!(schema_path, "/properties/name/format");
        }
        other => panic!("{other:?}"),
    }
}

/// Hand-written records of a compiled table (for records the generator would not make).
struct Handmade<F> {
    table: Table,
    record: F,
}

impl<F: Fn(u64) -> Value + Sync> RowSource for Handmade<F> {
    fn name(&self) -> &str {
        &self.table.name
    }
    fn table(&self) -> &Table {
        &self.table
    }
    fn write_row<S: Sink>(&self, row: u64, out: &mut S) -> Result<u32, RowError> {
        out.value(&(self.record)(row));
        Ok(0)
    }
}

/// `person.json` refers to `address.json` beside it; returns the root's path.
fn write_sibling_schemas(dir: &Path) -> PathBuf {
    let address = json!({
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 1, "maxLength": 20},
            "zip": {"type": "string", "pattern": "^[0-9]{5}$"}
        },
        "required": ["city", "zip"]
    });
    let person = json!({
        "title": "Person",
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 1, "x-synth": {"key": "primary"}},
            "address": {"$ref": "address.json"}
        },
        "required": ["id", "address"]
    });
    std::fs::write(dir.join("address.json"), address.to_string()).unwrap();
    let root = dir.join("person.json");
    std::fs::write(&root, person.to_string()).unwrap();
    root
}

#[test]
fn a_ref_to_a_sibling_file_validates_and_has_columns() {
    let dir = tempfile::tempdir().unwrap();
    let table = Table::load(&write_sibling_schemas(dir.path())).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut opts = options(Format::Ndjson, 500, &out);
    opts.validate = true;
    export(std::slice::from_ref(&table), &opts).unwrap();
    // Checked independently, against the same schema with the sibling inlined.
    let inlined = json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "address": serde_json::from_str::<Value>(
                &std::fs::read_to_string(dir.path().join("address.json")).unwrap()
            ).unwrap()
        },
        "required": ["id", "address"]
    });
    let validator = jsonschema::validator_for(&inlined).unwrap();
    let text = std::fs::read_to_string(out.join("Person.ndjson")).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 500);
    for record in &records {
        assert!(validator.is_valid(record), "{record}");
    }
    // The sibling's object is flattened into columns like a local one.
    export(&[table], &options(Format::Csv, 3, &out)).unwrap();
    let mut reader = csv::Reader::from_path(out.join("Person.csv")).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["id", "address.city", "address.zip"]
    );

    // A record breaking the sibling's pattern stops the export.
    let broken = Handmade {
        table: Table::load(&dir.path().join("person.json")).unwrap(),
        record: |row: u64| {
            let zip = if row == 7 {
                "7".to_owned()
            } else {
                format!("{:05}", row)
            };
            json!({"id": row + 1, "address": {"city": "Lyon", "zip": zip}})
        },
    };
    let mut opts = options(Format::Ndjson, 50, &dir.path().join("broken.ndjson"));
    opts.validate = true;
    match export_sources(&[broken], &opts) {
        Err(ExportError::Invalid {
            row,
            instance_path,
            schema_path,
            ..
        }) => {
            assert_eq!((row, instance_path.as_str()), (7, "/address/zip"));
            assert!(
                schema_path.ends_with("/properties/zip/pattern"),
                "{schema_path}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!dir.path().join("broken.ndjson").exists());
}

#[test]
fn several_tables_go_one_file_each_into_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let second = People {
        name: "Other".into(),
        ..people()
    };
    let summary = export_sources(&[people(), second], &options(Format::Csv, 25, &out)).unwrap();
    assert_eq!(common::files_in(&out), ["Other.csv", "Person.csv"]);
    assert_eq!(summary.rows(), 50);
    assert_eq!(
        summary
            .tables
            .iter()
            .map(|t| t.path.clone())
            .collect::<Vec<_>>(),
        [Some(out.join("Person.csv")), Some(out.join("Other.csv"))]
    );
    let bytes: u64 = ["Person.csv", "Other.csv"]
        .iter()
        .map(|f| std::fs::metadata(out.join(f)).unwrap().len())
        .sum();
    assert_eq!(summary.bytes(), bytes);

    // sql: one script with both tables.
    let script: PathBuf = dir.path().join("all.sql");
    let second = People {
        name: "Other".into(),
        ..people()
    };
    export_sources(&[people(), second], &options(Format::Sql, 25, &script)).unwrap();
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(&std::fs::read_to_string(&script).unwrap())
        .unwrap();
    let count: i64 = db
        .query_row(
            "SELECT (SELECT count(*) FROM Person) + (SELECT count(*) FROM Other)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(count, 50);

    // Several csv tables on stdout: refused before anything is written.
    let stdout = ExportOptions {
        output: Output::Stdout,
        ..options(Format::Csv, 25, &out)
    };
    let refused = export_sources(
        &[
            people(),
            People {
                name: "B".into(),
                ..people()
            },
        ],
        &stdout,
    )
    .unwrap_err();
    assert!(refused.to_string().contains("-o DIR"), "{refused}");
}

#[test]
fn export_to_writer_streams_one_table() {
    let mut buffer = Vec::new();
    let opts = ExportOptions {
        rows: Some(100),
        quiet: true,
        threads: 2,
        ..ExportOptions::default()
    };
    let summary = synthtune::export::export_to_writer(&people(), &opts, &mut buffer).unwrap();
    assert_eq!((summary.rows, summary.bytes), (100, buffer.len() as u64));
    assert_eq!(buffer.iter().filter(|&&b| b == b'\n').count(), 100);
}

// ---- The bundled example schemas, through the real generator ----

const EXAMPLES: [&str; 5] = [
    "customer",
    "order",
    "event",
    "employees_datasynthtool_employee",
    "employees_datasynthtool_manager",
];

/// An example schema, compiled; `None` (with a notice) when it does not compile yet
/// because a generator feature it uses is not merged: loading is the schema compiler's
/// tests' business, not export's.
fn example(name: &str) -> Option<synthtune::Table> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(format!("{name}.json"));
    match synthtune::Table::load(&path) {
        Ok(table) => Some(table),
        Err(error) => {
            eprintln!("skipped example {name}: {error}");
            None
        }
    }
}

fn examples() -> Vec<synthtune::Table> {
    EXAMPLES.iter().filter_map(|name| example(name)).collect()
}

fn table_options(format: Format, rows: u64, output: &Path) -> ExportOptions {
    ExportOptions {
        threads: 2,
        ..options(format, rows, output)
    }
}

#[test]
fn examples_validate_while_exporting() {
    let dir = tempfile::tempdir().unwrap();
    let tables = examples();
    let mut opts = table_options(Format::Ndjson, 3_000, dir.path());
    opts.validate = true;
    let summary = export(&tables, &opts).unwrap();
    assert_eq!(summary.rows(), 3_000 * tables.len() as u64);
    // And independently: every line parses and validates.
    for (table, written) in tables.iter().zip(&summary.tables) {
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(table.document())
            .unwrap();
        let text = std::fs::read_to_string(written.path.as_ref().unwrap()).unwrap();
        let mut lines = 0;
        for line in text.lines() {
            let record: Value = serde_json::from_str(line).unwrap();
            assert!(validator.is_valid(&record), "{}: {line}", table.name);
            lines += 1;
        }
        assert_eq!(lines, 3_000, "{}", table.name);
    }
}

#[test]
fn examples_are_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let tables = examples();
    for format in Format::ALL {
        if format == Format::Parquet && !cfg!(feature = "parquet") {
            continue;
        }
        let mut outputs = Vec::new();
        for threads in [1, 2, 8] {
            let out = dir.path().join(format!("{format}-{threads}"));
            std::fs::create_dir(&out).unwrap();
            let mut opts = options(format, 2_500, &out);
            opts.threads = threads;
            export(&tables, &opts).unwrap();
            let bytes: Vec<Vec<u8>> = common::files_in(&out)
                .iter()
                .map(|f| std::fs::read(out.join(f)).unwrap())
                .collect();
            outputs.push(bytes);
        }
        assert_eq!(outputs[0].len(), tables.len());
        assert!(
            outputs[0] == outputs[1] && outputs[0] == outputs[2],
            "{format} differs across thread counts"
        );
    }
}

#[test]
fn example_shards_concatenate_to_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let tables = examples();
    for format in [Format::Ndjson, Format::Json, Format::Csv, Format::Sql] {
        let whole = dir.path().join(format!("whole-{format}"));
        let shards = dir.path().join(format!("{format}-shards"));
        std::fs::create_dir(&whole).unwrap();
        std::fs::create_dir(&shards).unwrap();
        let whole = export(&tables, &table_options(format, 1_700, &whole)).unwrap();
        let mut joined: Vec<Vec<u8>> = vec![Vec::new(); tables.len()];
        for index in 1..=3 {
            let mut opts = table_options(format, 1_700, &shards);
            opts.shard = Some(Shard { index, count: 3 });
            let summary = export(&tables, &opts).unwrap();
            for (part, written) in joined.iter_mut().zip(&summary.tables) {
                part.extend(std::fs::read(written.path.as_ref().unwrap()).unwrap());
            }
        }
        for (part, written) in joined.iter().zip(&whole.tables) {
            let expected = std::fs::read(written.path.as_ref().unwrap()).unwrap();
            assert!(
                *part == expected,
                "{format}: {} shards differ from the whole",
                written.table
            );
        }
    }
}

#[test]
fn example_csv_columns_follow_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customer.csv");
    let Some(customer) = example("customer") else {
        return;
    };
    export(&[customer], &table_options(Format::Csv, 500, &path)).unwrap();
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "customer_id",
            "name",
            "email",
            "age",
            "tier",
            "signup",
            "lifetime_value",
            "phone",
            "address.street",
            "address.city",
            "address.postcode",
            "address.country",
            "marketing_opt_in"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 500);
    for (row, record) in records.iter().enumerate() {
        assert_eq!(record.len(), headers.len());
        assert_eq!(
            record[0],
            (row + 1).to_string(),
            "customer_id is a sequence from 1"
        );
        assert!(
            (8..12).all(|i| !record[i].is_empty()),
            "the address is required"
        );
    }
}

/// Every example in one sql script (several tables share one file).
fn examples_sql(dir: &Path, rows: u64) -> PathBuf {
    let path = dir.join("examples.sql");
    export(&examples(), &table_options(Format::Sql, rows, &path)).unwrap();
    path
}

#[test]
fn example_sql_loads_into_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let script = std::fs::read_to_string(examples_sql(dir.path(), 1_234)).unwrap();
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(&script).unwrap();
    for table in examples() {
        let count: i64 = db
            .query_row(
                &format!("SELECT count(*) FROM \"{}\"", table.name),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(count, 1_234, "{}", table.name);
    }
}

#[test]
fn example_sql_loads_into_postgres() {
    let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") else {
        eprintln!(
            "skipped: set SYNTHTUNE_PG_URL (see scripts/start-postgres.sh) to load into PostgreSQL"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let script = examples_sql(dir.path(), 1_234);
    let schema = format!("synthtune_examples_{}", std::process::id());
    let psql = |sql_or_file: (&str, &str), search_path: bool| -> Result<String, String> {
        let mut command = Command::new("psql");
        command
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-tA",
                "--single-transaction",
                &url,
            ])
            .args([sql_or_file.0, sql_or_file.1]);
        if search_path {
            command.env("PGOPTIONS", format!("-c search_path={schema}"));
        }
        let output = command.output().map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    };
    psql(
        (
            "-c",
            &format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"),
        ),
        false,
    )
    .unwrap();
    let loaded = psql(("-f", script.to_str().unwrap()), true).and_then(|_| {
        examples()
            .iter()
            .map(|t| {
                psql(
                    ("-c", &format!("SELECT count(*) FROM \"{}\"", t.name)),
                    true,
                )
            })
            .collect::<Result<Vec<_>, _>>()
    });
    psql(("-c", &format!("DROP SCHEMA {schema} CASCADE")), false).unwrap();
    assert_eq!(loaded.unwrap(), vec!["1234"; examples().len()]);
}

#[cfg(feature = "parquet")]
#[test]
fn example_parquet_reads_back() {
    use parquet::file::reader::FileReader;

    let dir = tempfile::tempdir().unwrap();
    let tables = examples();
    let summary = export(&tables, &table_options(Format::Parquet, 40_000, dir.path())).unwrap();
    for (table, written) in tables.iter().zip(&summary.tables) {
        let reader = parquet_reader(written.path.as_ref().unwrap());
        assert_eq!(
            reader.metadata().file_metadata().num_rows(),
            40_000,
            "{}",
            table.name
        );
        let columns: Vec<&str> = reader
            .metadata()
            .file_metadata()
            .schema()
            .get_fields()
            .iter()
            .map(|f| f.name())
            .collect();
        let properties: Vec<&str> = table.document()["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(columns, properties, "{}", table.name);
        let mut rows = 0;
        for row in reader.get_row_iter(None).unwrap() {
            row.unwrap();
            rows += 1;
        }
        assert_eq!(rows, 40_000);
    }
}

#[test]
fn the_callers_row_counter_follows_the_export() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let table = synthtune::Table::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/customer.json"),
    )
    .unwrap();
    let counter = Arc::new(AtomicU64::new(0));
    let options = synthtune::export::ExportOptions {
        rows: Some(3_000),
        output: synthtune::export::Output::Path(dir.path().join("c.ndjson")),
        threads: 2,
        quiet: true,
        rows_done: Some(Arc::clone(&counter)),
        ..Default::default()
    };
    synthtune::export::export(&[table], &options).unwrap();
    assert_eq!(counter.load(Ordering::Relaxed), 3_000);
}

/// A file that cannot be created is named as the user wrote it, not as the hidden
/// temporary beside it.
#[test]
fn output_errors_name_the_users_path() {
    let output = common::synthtune()
        .args(["export", "-n", "5", "-o", "/nonexistent-folder/out.ndjson"])
        .arg(common::schemas_dir().join("customer.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot create /nonexistent-folder/out.ndjson:"),
        "{stderr}"
    );
    assert!(!stderr.contains("synthtune-tmp"), "{stderr}");
}

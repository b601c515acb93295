//! Output that fits where it goes, through the command line: the format from `-o`'s
//! extension (and conflicts refused), SQL column types (`UUID`, `NUMERIC(p,s)`,
//! `INTEGER`/`BIGINT`) loaded into SQLite and PostgreSQL, Parquet's `Decimal128` and UUID
//! read back with the parquet crate, `--column-names snake` and its refusal of clashing
//! names, `--shard auto/N` from `JOB_COMPLETION_INDEX`, and `synthtune domains`.

mod common;

use std::path::{Path, PathBuf};

use common::{describe_output, schemas_dir, synthtune};
use serde_json::{Value, json};

/// Runs `synthtune ARGS` with `env` set (and `JOB_COMPLETION_INDEX` removed unless set
/// there).
fn run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = synthtune();
    command.env_remove("JOB_COMPLETION_INDEX");
    for (key, value) in env {
        command.env(key, value);
    }
    command.args(args).output().expect("run synthtune")
}

/// Runs and expects success.
fn ok(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let output = run(args, env);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        describe_output(&output)
    );
    output
}

/// Runs and expects a usage refusal (exit 2); returns stderr.
fn refused(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = run(args, env);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: {}",
        describe_output(&output)
    );
    String::from_utf8(output.stderr).unwrap()
}

fn bundled(name: &str) -> String {
    schemas_dir().join(name).to_str().unwrap().to_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A table of every typed column this file checks: a uuid key, a price on a cents grid,
/// a small and a large integer, an integer enum, a number with no grid, a nested object
/// whose snake name is `billing_address_city`, and an integer on the edge of 32 bits.
const TYPED: &str = r#"{
  "title": "Invoice",
  "type": "object",
  "properties": {
    "invoice_id": {"type": "string", "format": "uuid", "x-synth": {"key": "primary"}},
    "total": {"type": "number", "minimum": 0, "maximum": 5000, "multipleOf": 0.01},
    "fee": {"anyOf": [{"type": "number", "minimum": -5, "maximum": 5, "multipleOf": 0.125}, {"type": "string"}]},
    "quantity": {"type": "integer", "minimum": 1, "maximum": 100},
    "views": {"type": "integer", "minimum": 0, "maximum": 10000000000},
    "level": {"enum": [10, 20, 30]},
    "ratio": {"type": "number"},
    "billingAddress": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    "retries": {"type": "integer", "minimum": -2147483648, "maximum": 2147483647}
  },
  "required": ["invoice_id", "total", "fee", "quantity", "views", "level", "ratio", "billingAddress", "retries"]
}"#;

fn typed_schema() -> common::SchemaFile {
    common::schema_file("invoice", TYPED)
}

/// The sql export of [`TYPED`] (`args` added), as text.
fn typed_sql(dir: &Path, rows: &str, args: &[&str]) -> (PathBuf, String) {
    let schema = typed_schema();
    let out = dir.join("invoice.sql");
    let mut all = vec![
        "export",
        path_str(&schema.path),
        "-n",
        rows,
        "--quiet",
        "-o",
    ];
    all.push(path_str(&out));
    all.extend_from_slice(args);
    ok(&all, &[]);
    let text = std::fs::read_to_string(&out).unwrap();
    (out, text)
}

/// `-o x.EXT` without `--format` writes the format the extension names, for one table and
/// for several; `--format` that contradicts it, and an extension that names no format,
/// are refused before anything is written.
#[test]
fn the_extension_picks_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let customer = bundled("customer.json");
    let written = |name: &str| -> Vec<u8> {
        let out = dir.path().join(name);
        ok(
            &[
                "export",
                &customer,
                "-n",
                "3",
                "--quiet",
                "-o",
                path_str(&out),
            ],
            &[],
        );
        std::fs::read(out).unwrap()
    };
    let lines = |bytes: &[u8]| -> Vec<Value> {
        std::str::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let ndjson = written("c.ndjson");
    assert_eq!(lines(&ndjson).len(), 3);
    assert_eq!(written("c.JSONL"), ndjson, "jsonl is ndjson, in any case");
    let json: Value = serde_json::from_slice(&written("c.json")).unwrap();
    assert_eq!(json.as_array().unwrap(), &lines(&ndjson));
    let csv = written("c.csv");
    assert!(csv.starts_with(b"customer_id,name,email,"), "{csv:?}");
    assert_eq!(csv.iter().filter(|&&b| b == b'\n').count(), 4);
    let sql = written("c.sql");
    assert!(sql.starts_with(b"CREATE TABLE \"Customer\" ("));
    let parquet = written("c.parquet");
    if cfg!(feature = "parquet") {
        assert!(parquet.starts_with(b"PAR1") && parquet.ends_with(b"PAR1"));
    }
    // Without an extension, as before: ndjson.
    assert_eq!(written("c"), ndjson);

    let conflict = dir.path().join("x.parquet");
    let message = refused(
        &[
            "export",
            &customer,
            "--format",
            "csv",
            "-o",
            path_str(&conflict),
        ],
        &[],
    );
    assert!(
        message.contains("--format csv") && message.contains("x.parquet"),
        "{message}"
    );
    let unknown = dir.path().join("x.csv.gz");
    let message = refused(&["export", &customer, "-o", path_str(&unknown)], &[]);
    assert!(
        message.contains(".gz") && message.contains("--format"),
        "{message}"
    );
    assert!(!conflict.exists() && !unknown.exists(), "nothing written");
    // --format says what an unknown extension does not.
    let text = dir.path().join("x.txt");
    ok(
        &[
            "export",
            &customer,
            "-n",
            "3",
            "--format",
            "ndjson",
            "--quiet",
            "-o",
            path_str(&text),
        ],
        &[],
    );
    assert_eq!(std::fs::read(text).unwrap(), ndjson);

    // Several tables: a .sql name is one script, a .csv name a directory of files.
    let order = bundled("order.json");
    let script = dir.path().join("shop.sql");
    ok(
        &[
            "export",
            &order,
            &customer,
            "-n",
            "3",
            "--quiet",
            "-o",
            path_str(&script),
        ],
        &[],
    );
    let script = std::fs::read_to_string(script).unwrap();
    assert_eq!(script.matches("CREATE TABLE").count(), 2, "{script}");
    let tables = dir.path().join("shop.csv");
    ok(
        &[
            "export",
            &order,
            &customer,
            "-n",
            "3",
            "--quiet",
            "-o",
            path_str(&tables),
        ],
        &[],
    );
    assert!(tables.join("Customer.csv").is_file() && tables.join("Order.csv").is_file());
    let message = refused(
        &[
            "export",
            &order,
            &customer,
            "--format",
            "json",
            "-o",
            path_str(&dir.path().join("shop.parquet")),
        ],
        &[],
    );
    assert!(message.contains("--format json"), "{message}");
}

/// The column types of [`TYPED`]: `UUID`, `NUMERIC(p,s)` from the grids, `INTEGER`
/// where the bounds (or the enum, or the noise's bad values) fit 32 bits, else `BIGINT`.
#[test]
fn sql_types_follow_the_compiled_plan() {
    let dir = tempfile::tempdir().unwrap();
    let (_, sql) = typed_sql(dir.path(), "5", &[]);
    let create = sql.split(";\n").next().unwrap();
    assert_eq!(
        create,
        r#"CREATE TABLE "Invoice" (
  "invoice_id" UUID NOT NULL,
  "total" NUMERIC(6,2) NOT NULL,
  "fee" NUMERIC(4,3) NOT NULL,
  "quantity" INTEGER NOT NULL,
  "views" BIGINT NOT NULL,
  "level" INTEGER NOT NULL,
  "ratio" DOUBLE PRECISION NOT NULL,
  "billingAddress.city" TEXT NOT NULL,
  "retries" INTEGER NOT NULL,
  PRIMARY KEY ("invoice_id")
)"#
    );
}

/// SQLite loads the typed script: a uuid stays text, decimals are numbers.
#[test]
fn sql_types_load_into_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let (_, sql) = typed_sql(dir.path(), "600", &[]);
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(&sql).unwrap();
    let (rows, uuid_type, total_type, longest): (i64, String, String, i64) = db
        .query_row(
            "SELECT count(*), min(typeof(invoice_id)), max(typeof(total)), max(length(invoice_id)) FROM \"Invoice\"",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((rows, uuid_type.as_str(), longest), (600, "text", 36));
    assert!(
        ["real", "integer"].contains(&total_type.as_str()),
        "{total_type}"
    );
}

/// PostgreSQL loads the typed script into real types (`SYNTHTUNE_PG_URL`; see
/// scripts/start-postgres.sh).
#[test]
fn sql_types_load_into_postgres() {
    let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") else {
        eprintln!(
            "skipped: set SYNTHTUNE_PG_URL (see scripts/start-postgres.sh) to load into PostgreSQL"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = typed_sql(dir.path(), "600", &[]);
    let name = format!("synthtune_types_{}", std::process::id());
    let (count, types) = common::in_scratch_schema(&url, &name, |psql| {
        psql(&["--single-transaction", "-f", path_str(&path)]);
        let count = psql(&["-c", "SELECT count(DISTINCT invoice_id) FROM \"Invoice\""]);
        let types = psql(&[
            "-c",
            "SELECT string_agg(data_type || coalesce('(' || numeric_precision || ',' || numeric_scale || ')', ''), ' ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'Invoice' AND table_schema = current_schema()",
        ]);
        (count, types)
    });
    assert_eq!(count, "600");
    assert_eq!(
        types,
        "uuid numeric(6,2) numeric(4,3) integer(32,0) bigint(64,0) integer(32,0) double precision text integer(32,0)"
    );
}

/// `--column-names snake` (also `--sql-names`): csv headers and sql names in snake_case,
/// sql quoting only keywords; the bundled tables load with their foreign key.
#[test]
fn snake_names_need_no_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let (_, sql) = typed_sql(dir.path(), "3", &["--sql-names", "snake"]);
    assert!(
        sql.starts_with("CREATE TABLE invoice (\n  invoice_id UUID NOT NULL,"),
        "{sql}"
    );
    assert!(
        sql.contains("\n  billing_address_city TEXT NOT NULL,"),
        "{sql}"
    );
    assert!(
        sql.contains("INSERT INTO invoice (invoice_id, total, fee,"),
        "{sql}"
    );
    let schema = typed_schema();
    let csv = dir.path().join("invoice.csv");
    ok(
        &[
            "export",
            path_str(&schema.path),
            "-n",
            "2",
            "--column-names",
            "snake",
            "--quiet",
            "-o",
            path_str(&csv),
        ],
        &[],
    );
    let header = std::fs::read_to_string(csv).unwrap();
    assert_eq!(
        header.lines().next().unwrap(),
        "invoice_id,total,fee,quantity,views,level,ratio,billing_address_city,retries"
    );

    // Order references Customer; "order" is a keyword, so it stays quoted.
    let shop = dir.path().join("shop.sql");
    ok(
        &[
            "export",
            &bundled("customer.json"),
            &bundled("order.json"),
            "-n",
            "700",
            "--column-names",
            "snake",
            "--quiet",
            "-o",
            path_str(&shop),
        ],
        &[],
    );
    let script = std::fs::read_to_string(&shop).unwrap();
    assert!(script.contains("CREATE TABLE \"order\" ("), "{script}");
    // Its own schema says 1 to 1001, but the linked key writes Customer's ids: BIGINT.
    assert!(
        script.contains("  order_id UUID NOT NULL,\n  customer_id BIGINT NOT NULL,\n"),
        "{script}"
    );
    assert!(script.contains("FOREIGN KEY (customer_id) REFERENCES customer (customer_id)"));
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    db.execute_batch(&script).unwrap();
    let joined: i64 = db
        .query_row(
            "SELECT count(*) FROM \"order\" o JOIN customer c ON c.customer_id = o.customer_id WHERE c.address_city <> ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(joined, 700);
    if let Ok(url) = std::env::var("SYNTHTUNE_PG_URL") {
        let name = format!("synthtune_snake_{}", std::process::id());
        let count = common::in_scratch_schema(&url, &name, |psql| {
            psql(&["--single-transaction", "-f", path_str(&shop)]);
            psql(&[
                "-c",
                "SELECT count(*) FROM \"order\" JOIN customer USING (customer_id) WHERE payment_kind IS NOT NULL",
            ])
        });
        assert_eq!(count, "700");
    }
}

/// Two fields whose snake names are one are refused, naming both, before any file.
#[test]
fn snake_name_clashes_are_refused() {
    let clash = common::schema_file(
        "clash",
        &json!({
            "title": "Clash",
            "type": "object",
            "properties": {
                "billing_address": {"type": "object", "properties": {"city": {"type": "string"}}},
                "billingAddressCity": {"type": "string"}
            }
        })
        .to_string(),
    );
    let out = clash.dir.path().join("clash.sql");
    let message = refused(
        &[
            "export",
            path_str(&clash.path),
            "--sql-names",
            "snake",
            "-o",
            path_str(&out),
        ],
        &[],
    );
    assert!(
        message.contains("`billing_address.city`")
            && message.contains("`billingAddressCity`")
            && message.contains("billing_address_city"),
        "{message}"
    );
    assert!(!out.exists());
    // The dotted names do not clash.
    ok(
        &[
            "export",
            path_str(&clash.path),
            "-n",
            "1",
            "--quiet",
            "-o",
            path_str(&out),
        ],
        &[],
    );
}

/// Parquet reads back with `DECIMAL(p,s)` for the grids and Parquet's UUID logical
/// type for the uuid key (which Arrow readers read as `arrow.uuid`), holding the ndjson
/// export's values.
#[cfg(feature = "parquet")]
#[test]
fn parquet_types_read_back() {
    use parquet::basic::LogicalType;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::{Field, RowAccessor};

    let dir = tempfile::tempdir().unwrap();
    let schema = typed_schema();
    let export = |name: &str| {
        let out = dir.path().join(name);
        ok(
            &[
                "export",
                path_str(&schema.path),
                "-n",
                "300",
                "--quiet",
                "-o",
                path_str(&out),
            ],
            &[],
        );
        out
    };
    let records: Vec<Value> = std::fs::read_to_string(export("i.ndjson"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let file = std::fs::File::open(export("i.parquet")).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let metadata = reader.metadata().file_metadata();
    let uuid_column = metadata.schema_descr().column(0);
    assert_eq!(uuid_column.logical_type_ref(), Some(&LogicalType::Uuid));
    let mut printed = Vec::new();
    parquet::schema::printer::print_schema(&mut printed, metadata.schema());
    let printed = String::from_utf8(printed).unwrap();
    let typed: Vec<&str> = printed.lines().skip(1).map(str::trim).collect();
    assert_eq!(
        typed[..6],
        [
            "REQUIRED FIXED_LEN_BYTE_ARRAY (16) invoice_id (UUID);",
            "REQUIRED INT32 total (DECIMAL(6,2));",
            "REQUIRED INT32 fee (DECIMAL(4,3));",
            "REQUIRED INT64 quantity;",
            "REQUIRED INT64 views;",
            "REQUIRED INT64 level;",
        ]
    );
    let mut rows = 0;
    for (row, record) in reader.get_row_iter(None).unwrap().zip(&records) {
        let row = row.unwrap();
        let fields: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
        let Field::Bytes(id) = fields[0] else {
            panic!("row {rows}: the uuid is {:?}", fields[0]);
        };
        let hex: String = id.data().iter().map(|b| format!("{b:02x}")).collect();
        let text = record["invoice_id"].as_str().unwrap().replace('-', "");
        assert_eq!(hex, text, "row {rows}");
        assert_eq!(
            fields[1].to_string(),
            format!("{:.2}", record["total"].as_f64().unwrap())
        );
        assert_eq!(Some(row.get_long(3).unwrap()), record["quantity"].as_i64());
        rows += 1;
    }
    assert_eq!(rows, records.len());
    assert_eq!(rows, 300);
}

/// `--shard auto/N` is shard `JOB_COMPLETION_INDEX + 1` of N; unset, not a number, or
/// not below N, it is refused.
#[test]
fn auto_shards_follow_the_job_completion_index() {
    let dir = tempfile::tempdir().unwrap();
    let customer = bundled("customer.json");
    let shard = |spec: &str, index: Option<&str>| -> Vec<u8> {
        let out = dir.path().join("shard.csv");
        let env: Vec<(&str, &str)> = index
            .map(|i| ("JOB_COMPLETION_INDEX", i))
            .into_iter()
            .collect();
        ok(
            &[
                "export",
                &customer,
                "-n",
                "100",
                "--shard",
                spec,
                "--quiet",
                "--force",
                "-o",
                path_str(&out),
            ],
            &env,
        );
        std::fs::read(out).unwrap()
    };
    for index in 0..4 {
        let k = (index + 1).to_string();
        assert_eq!(
            shard("auto/4", Some(&index.to_string())),
            shard(&format!("{k}/4"), None),
            "JOB_COMPLETION_INDEX={index} is shard {k}"
        );
    }
    let args = ["export", customer.as_str(), "--shard", "auto/4", "-o", "-"];
    let unset = refused(&args, &[]);
    assert!(
        unset.contains("JOB_COMPLETION_INDEX") && unset.contains("not set"),
        "{unset}"
    );
    for bad in ["4", "-1", "one"] {
        let message = refused(&args, &[("JOB_COMPLETION_INDEX", bad)]);
        assert!(message.contains("from 0 to 3"), "{bad}: {message}");
    }
}

/// `synthtune domains` lists every domain and locale with three samples, the same on
/// every run; `--domain` shows one domain in every locale.
#[test]
fn domains_lists_everything_deterministically() {
    let listing = ok(&["domains"], &[]).stdout;
    assert_eq!(listing, ok(&["domains"], &[]).stdout, "stable");
    let text = String::from_utf8(listing).unwrap();
    let labels: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for domain in synthtune::generate::domain::Domain::all() {
        assert!(
            labels.contains(&domain.name()),
            "{} listed:\n{text}",
            domain.name()
        );
    }
    for locale in synthtune::generate::domain::Locale::all() {
        assert!(
            labels.contains(&locale.name()),
            "{} listed:\n{text}",
            locale.name()
        );
    }
    let lines_with_samples = text
        .lines()
        .filter(|l| l.matches(" · ").count() == 2)
        .count();
    assert_eq!(
        lines_with_samples,
        labels.len(),
        "three samples on every line"
    );
    let french = String::from_utf8(ok(&["domains", "--locale", "fr"], &[]).stdout).unwrap();
    assert!(
        french.starts_with("domains (x-synth.domain), 3 values each in fr_FR"),
        "{french}"
    );
    let cities = String::from_utf8(ok(&["domains", "--domain", "town"], &[]).stdout).unwrap();
    assert_eq!(
        cities.lines().count(),
        1 + synthtune::generate::domain::Locale::all().len()
    );
    let message = refused(&["domains", "--locale", "xx_XX"], &[]);
    assert!(message.contains("fr_FR"), "lists the locales: {message}");
}
